"""The demo on four origins over HTTPS, as a real Open edX with a Codio tool is: the Learning
MFE, the LMS and Studio on three origins of one site (three ports of https://localhost, as
Tutor's ``apps.<host>``, ``<host>`` and ``studio.<host>``), and the tool on another site
(https://127.0.0.1), whose cookies are third-party in the course's frames. One Django
process serves them all (demo/serve.py, demo/origins.py); the LMS's session cookie is
``SameSite=None; Secure`` as Open edX's production settings make it.

The browser tests (tests/test_browser_origins.py) use :func:`origins_site`."""

import ssl
import tempfile
from dataclasses import dataclass

from tests.tls import self_signed


@dataclass
class Site:
    mfe: str
    lms: str
    studio: str
    tool: str
    certificate: str

    def course_url(self, scenario="codio_unit.1"):
        """The course as learners open it: the Learning MFE's page."""
        return f"{self.mfe}/learning/course/{scenario}/"

    def unit_url(self, scenario="codio_unit.1"):
        """The LMS's page of the unit (render_xblock), which the MFE frames."""
        return f"{self.lms}/xblock/{scenario}/"


def start(settings, monkeypatch, *, secure=True):
    """Serve the demo on its origins with the test settings pointing at them, seed it, and
    return (Site, Origins) (stop the latter when done).

    ``secure``: HTTPS with the tool on a site of its own (above). Otherwise as ``make demo``
    serves it: HTTP, three ports of http://localhost, the built-in bridge on the LMS's
    origin (``site.tool == site.lms``)."""
    from workbench.scenarios import init_scenarios

    from demo.seed import seed
    from demo.serve import Origins

    context = cert = None
    if secure:
        directory = tempfile.mkdtemp(prefix="codio-tls-")
        cert, key = self_signed(directory)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
    names = ("mfe", "lms", "studio", "tool") if secure else ("mfe", "lms", "studio")
    origins = Origins({name: ("127.0.0.1", 0) for name in names}, ssl_context=context, quiet=True)
    port = {name: server.server_address[1] for name, server in origins.servers.items()}
    scheme = "https" if secure else "http"
    site = Site(
        mfe=f"{scheme}://localhost:{port['mfe']}",
        lms=f"{scheme}://localhost:{port['lms']}",
        studio=f"{scheme}://localhost:{port['studio']}",
        tool=f"https://127.0.0.1:{port['tool']}" if secure else "",
        certificate=str(cert or ""),
    )
    settings.DEBUG = True  # the demo's one-click sign-in buttons
    settings.BASE_URL = site.lms
    settings.DEMO_MFE_URL = site.mfe
    settings.DEMO_STUDIO_URL = site.studio
    settings.DEMO_TOOL_URL = site.tool
    settings.LEARNING_MICROFRONTEND_URL = site.mfe + "/learning"
    settings.CMS_ROOT_URL = site.studio
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "PLATFORM_ISSUER": site.lms}
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": site.tool or site.lms}
    if secure:
        settings.SESSION_COOKIE_SAMESITE = "None"
        settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
        # Outbound calls between the sides (key sets, tokens, scores) trust the tests' CA
        # (requests takes the environment's bundle over a session's own).
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", site.certificate)
        monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    init_scenarios()
    seed(site.lms, tool_url=site.tool)
    return site, origins.start()


def signed_in_context(browser, site, username):
    """A fresh browser profile (no cookies, third-party cookies blocked, as Playwright's
    contexts are) signed in to the LMS as ``username``."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    context = browser.new_context(ignore_https_errors=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site.lms,
                "secure": True,
                "sameSite": "None",
                "httpOnly": True,
            }
        ]
    )
    return context
