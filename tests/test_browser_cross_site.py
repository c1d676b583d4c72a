"""A real browser frames the bridge in another site's page over HTTPS, as Canvas or Moodle
do, and a teacher grades through the framed forms (issue 11, item 8). The LMS is a stand-in
on https://localhost:<port> (its own site), the bridge a live TLS server on
https://127.0.0.1:<port>: every bridge request from the frame is cross-site, so only
``SameSite=None; Secure`` cookies reach it, and Django's CSRF cookie (``Lax``) never does."""

import html
from urllib.parse import parse_qs, urlencode

import pytest

from lti_bridge.models import Work
from tests import factories
from tests.support import INSTRUCTOR, LEARNER, LTI, BridgeClient
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _require_browser
from tests.tls import TLSLiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class StandInLMS:
    """An LMS page that frames a unit, and the LMS's OIDC auth endpoint answering the
    bridge's login with a signed id_token (form post), as a platform does."""

    def __init__(self):
        self.platform = None  # set once the bridge knows this LMS
        self.bridge = ""
        self.roles = [INSTRUCTOR]
        self.server = TLSLiveServer(app=self, host="localhost")
        self.url = self.server.url

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/course":
            login = (
                self.bridge
                + "/lti-bridge/lti/login?"
                + urlencode(
                    {
                        "iss": self.url,
                        "client_id": "cross-site",
                        "login_hint": "teacher",
                        "target_link_uri": self.bridge + "/lti-bridge/lti/launch",
                        "lti_deployment_id": "d1",
                    }
                )
            )
            body = (
                "<!doctype html><title>Course</title><h1>Course page of the LMS</h1>"
                f'<iframe id="unit" src="{html.escape(login)}" '
                'style="width:100%;height:900px" allow="clipboard-write"></iframe>'
            )
        elif path == "/auth":
            params = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
            claims = self.platform.claims(
                params["nonce"],
                sub="teacher",
                email="teacher@example.edu",
                name="Grace Hopper",
                **{
                    LTI + "roles": self.roles,
                    LTI + "target_link_uri": params["redirect_uri"],
                    LTI + "context": {"id": "cs", "label": "CS", "title": "Cross-site course"},
                    LTI + "resource_link": {"id": "rl-cs", "title": "Hello"},
                },
            )
            token = self.platform.sign(claims)
            body = (
                "<!doctype html><body onload='document.forms[0].submit()'>"
                f'<form method="post" action="{html.escape(params["redirect_uri"])}">'
                f'<input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{html.escape(params["state"])}">'
                "</form>"
            )
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]


def test_a_teacher_grades_in_a_cross_site_https_frame(settings):
    _require_browser()
    import os

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    bridge, lms = TLSLiveServer(), StandInLMS()
    try:
        settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": bridge.url}
        lms.bridge = bridge.url
        lms.platform = factories.organization_with_lms(
            name="Cross-site LMS",
            issuer=lms.url,
            client_id="cross-site",
            client=BridgeClient(),
        )
        lms.platform.registration.auth_login_url = lms.url + "/auth"
        lms.platform.registration.save()
        # A learner of the same course opened the unit and completed it.
        target = bridge.url + "/lti-bridge/lti/launch"
        state, nonce = lms.platform.state_and_nonce_for(target)
        learner_claims = lms.platform.claims(
            nonce,
            sub="learner",
            email="ada@example.edu",
            name="Ada Lovelace",
            **{
                LTI + "roles": [LEARNER],
                LTI + "target_link_uri": target,
                LTI + "context": {"id": "cs", "label": "CS", "title": "Cross-site course"},
                LTI + "resource_link": {"id": "rl-cs", "title": "Hello"},
            },
        )
        assert lms.platform.launch(lms.platform.sign(learner_claims), state).status_code == 200
        work = Work.objects.get()

        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"],  # the tests' own CA
            )
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            page.goto(lms.url + "/course")
            frame = page.frame_locator("#unit")
            try:
                expect(frame.get_by_test_id("teacher-view")).to_be_visible(timeout=20000)
            except AssertionError:
                for f in page.frames:
                    print(
                        "FRAME",
                        f.url,
                        f.evaluate("document.body ? document.body.innerText : ''")[:500],
                    )
                raise
            frame.locator(f'a[href$="/learners/{work.account_id}/"]').first.click()
            frame.locator('input[name="points"]').fill("85")
            frame.locator('input[name="points"]').press("Enter")
            expect(frame.locator("body")).to_contain_text("85", timeout=10000)
            # The confirmation reaches the framed page too, third-party cookies blocked
            # (issue 33, item 10: Django's messages cookie is not Partitioned).
            expect(frame.get_by_test_id("messages")).to_contain_text(
                "Grade saved: 85", timeout=10000
            )
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "cross-site-frame-graded.png"), full_page=True)
            cookies = {c["name"]: c for c in context.cookies(bridge.url)}
            browser.close()
        work.refresh_from_db()
        assert work.points == 85
        session = cookies["codio_bridge"]
        assert session["secure"] and session["sameSite"] == "None"
        assert "csrftoken" not in cookies  # framed forms never needed Django's CSRF cookie
    finally:
        lms.server.stop()
        bridge.stop()
