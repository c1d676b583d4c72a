"""The demo's origins, as a real Open edX has them (Tutor: ``<lms host>``, ``apps.<lms
host>``, ``studio.<lms host>``): the LMS, the Learning MFE and Studio on three origins of one
site (three ports of localhost), and optionally the tool on a site of its own.

One Django project serves them all; :class:`OriginRolesMiddleware` gives each request the
role of the origin it came to, and each origin answers only its own pages, as separate
services would:

* the MFE (``DEMO_MFE_URL``) serves the learner's course page, which frames the LMS's
  ``/xblock/<unit>`` page (frontend-app-learning's ``ContentIFrame``);
* the LMS (``BASE_URL``) serves everything else: sign-in, the chromeless unit page, the
  XBlock handlers, the platform's endpoints and (unless ``DEMO_TOOL_URL`` is set) the
  built-in bridge; it reads only published content, as Open edX's LMS does
  (``MODULESTORE_BRANCH = 'published-only'``): a unit never published is a 404 there;
* Studio (``DEMO_STUDIO_URL``) serves the editor page and the handlers it calls, on the
  draft branch (``draft-preferred``, demo/modulestore.py);
* the tool (``DEMO_TOOL_URL``, when set: the tests put it on another site) serves the
  bridge alone.

A request to a host no origin names (Django's test client: ``testserver``) is the LMS's.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseNotFound

from . import modulestore

STATIC = ("/static/", "/resource/", "/jsi18n/")
ROLE_PATHS = {
    "mfe": ("/learning/", *STATIC),
    "studio": ("/studio/", "/handler/", "/accounts/", "/admin/", *STATIC),
    "tool": ("/lti-bridge/", *STATIC),
}
# Paths the LMS does not serve when another origin does (Studio's pages are Studio's).
NOT_LMS = ("/learning/", "/studio/")
# The block's handlers that change authored content: Studio's (/handler/<usage>/<name>/).
STUDIO_HANDLERS = ("submit_studio_edits", "deep_link", "apply_choice")


def netloc(url):
    return urlsplit(url or "").netloc.lower()


def roles():
    """{host:port -> role} of the configured origins."""
    found = {}
    for role, name in (
        ("lms", "BASE_URL"),
        ("mfe", "DEMO_MFE_URL"),
        ("studio", "DEMO_STUDIO_URL"),
        ("tool", "DEMO_TOOL_URL"),
    ):
        host = netloc(getattr(settings, name, ""))
        if host:
            found.setdefault(host, role)
    return found


def role_of(request):
    return roles().get(request.get_host().lower(), "lms")


class OriginRolesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        role = role_of(request)
        request.demo_role = role
        allowed = ROLE_PATHS.get(role)
        if allowed is not None and not request.path.startswith(allowed):
            return HttpResponseNotFound(f"Not a page of the demo's {role} origin.")
        if role == "lms" and _studio_only(request.path) and _served_elsewhere(request):
            return HttpResponseNotFound("This page is served on another origin of the demo.")
        if role == "studio" and _handler_name(request.path) not in (None, *STUDIO_HANDLERS):
            # Studio serves the editor's handlers; a unit's launch is the LMS's (Open edX's
            # Studio preview refuses it), whatever branch it would read
            return HttpResponseNotFound("Studio serves the editors' handlers only.")
        if role == "lms" and "studio" in roles().values() and _never_published(request.path):
            # as edx-platform's published-only modulestore: ItemNotFoundError, a 404
            return HttpResponseNotFound("No such unit: it was never published.")
        with modulestore.branch("draft" if role == "studio" else "published"):
            return self.get_response(request)


def _handler_name(path):
    """The handler's name of a /handler/<usage id>/<name>/ path, else None."""
    parts = path.split("/")  # "", "handler", usage id, handler name, ...
    if parts[1] == "handler":
        return parts[3] if len(parts) > 3 else ""
    return None


def _studio_only(path):
    """The MFE's and Studio's pages, the blocks' editors (the workbench's studio_view pages)
    and the block's authoring handlers: the LMS, which reads published content only, serves
    none of them."""
    if path.startswith(NOT_LMS):
        return True
    parts = path.split("/")
    if parts[1] in ("scenario", "view") and "studio_view" in parts[3:]:
        return True
    return _handler_name(path) in STUDIO_HANDLERS


def _never_published(path):
    """A unit page, scenario page or handler of a block that exists in Studio's draft only."""
    parts = path.split("/")
    if len(parts) < 3 or parts[1] not in ("handler", "xblock", "scenario", "view"):
        return False
    usage_id = parts[2]
    if parts[1] in ("xblock", "scenario", "view"):  # by scenario id
        from workbench.scenarios import get_scenarios

        scenario = get_scenarios().get(usage_id)
        if scenario is None:
            return False
        usage_id = str(scenario.usage_id)
    return not modulestore.is_published(usage_id)


def _served_elsewhere(request):
    other = "mfe" if request.path.startswith("/learning/") else "studio"
    return other in roles().values()
