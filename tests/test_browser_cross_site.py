"""A real browser frames the bridge in another site's page over HTTPS, as Canvas or Moodle
do, and a learner and a teacher use every form the bridge shows them there (issue 11, item
8; issue 26, item 7). The LMS is a stand-in on https://localhost:<port> (its own site), the
bridge a live TLS server on https://127.0.0.1:<port>: every bridge request from the frame is
cross-site, so only ``SameSite=None; Secure`` cookies reach it, and Django's CSRF cookie
(``Lax``) never does. The browser blocks third-party cookies (its profile says so, and the
test proves it in the frame): only the bridge's partitioned cookies survive."""

import html
import json
from urllib.parse import parse_qs, urlencode

import pytest

from lti_bridge.models import Work
from tests import factories
from tests.support import INSTRUCTOR, LEARNER, LTI, BridgeClient
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _require_browser
from tests.tls import TLSLiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"
INSTITUTION_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


def member(sub, name, role):
    return {"user_id": sub, "name": name, "email": f"{sub}@example.edu", "roles": [role]}


class StandInLMS:
    """An LMS page that frames a unit, and the LMS's OIDC auth endpoint answering the
    bridge's login with a signed id_token (form post), as a platform does."""

    def __init__(self):
        self.platform = None  # set once the bridge knows this LMS
        self.bridge = ""
        self.roles = [INSTRUCTOR]
        self.user = {"sub": "teacher", "email": "teacher@example.edu", "name": "Grace Hopper"}
        self.members = []  # the course's roster (NRPS), as the LMS would list it
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
                **self.user,
                **{
                    LTI + "roles": self.roles,
                    LTI + "target_link_uri": params["redirect_uri"],
                    LTI + "context": {"id": "cs", "label": "CS", "title": "Cross-site course"},
                    LTI + "resource_link": {"id": "rl-cs", "title": "Hello"},
                    NRPS: {
                        "context_memberships_url": self.url + "/nrps",
                        "service_versions": ["2.0"],
                    },
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
        elif path == "/token":  # OAuth2 client credentials (the assertion is not checked)
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps({"access_token": "nrps-token", "expires_in": 3600}).encode()]
        elif path == "/nrps":
            roster = {"id": self.url + "/nrps", "context": {"id": "cs"}, "members": self.members}
            start_response("200 OK", [("Content-Type", MEMBERSHIPS)])
            return [json.dumps(roster).encode()]
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]


def blocking_browser(p, profile):
    """Chromium with a profile that blocks third-party cookies (/work/shared/BROWSERS.md)."""
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(
        json.dumps({"profile": {"cookie_controls_mode": 1, "block_third_party_cookies": True}})
    )
    return p.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"],  # the tests' own CA
        ignore_https_errors=True,
    )


def bridge_frame(page, bridge):
    (frame,) = [f for f in page.frames if f.url.startswith(bridge.url)]
    return frame


def submit(page, bridge, control, action="click"):
    """Send a framed form and wait for the page it leads to."""
    with bridge_frame(page, bridge).expect_navigation(timeout=20000):
        getattr(control, action)(*(["Enter"] if action == "press" else []))


def open_unit(page, lms, expected):
    """The LMS's course page, its unit framed: a launch, as the LMS's user of the moment."""
    from playwright.sync_api import expect

    page.goto(lms.url + "/course")
    frame = page.frame_locator("#unit")
    try:
        expect(frame.get_by_test_id(expected)).to_be_visible(timeout=20000)
    except AssertionError:
        for f in page.frames:
            print("FRAME", f.url, f.evaluate("document.body ? document.body.innerText : ''")[:500])
        raise
    return frame


def test_every_form_works_in_a_cross_site_https_frame(settings, monkeypatch, tmp_path):
    """A learner saves and completes their work; a teacher edits the unit, grades, reopens,
    releases, retries deliveries, syncs the roster, changes the class settings, names a
    mentor's learners, downloads the exports and changes the organization's LTI settings:
    each form in the LMS's frame, on another site, third-party cookies blocked, does its
    work. Before issue 26, "Sync roster" answered 403 (CSRF cookie not set)."""
    _require_browser()
    import os

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    from lti_bridge import http
    from lti_bridge.models import ClassMembership, Classroom, MentorScope, RosterSync

    bridge, lms = TLSLiveServer(), StandInLMS()
    try:
        settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": bridge.url}
        # The bridge reads the LMS's roster over HTTPS: trust the stand-in's certificate
        # (requests prefers REQUESTS_CA_BUNDLE, then CURL_CA_BUNDLE, to the session's own).
        monkeypatch.setattr(http.session, "verify", str(lms.server.cert))
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(lms.server.cert))
        monkeypatch.setenv("CURL_CA_BUNDLE", str(lms.server.cert))
        lms.bridge = bridge.url
        lms.platform = factories.organization_with_lms(
            name="Cross-site LMS", issuer=lms.url, client_id="cross-site", client=BridgeClient()
        )
        lms.platform.registration.auth_login_url = lms.url + "/auth"
        lms.platform.registration.auth_token_url = lms.url + "/token"
        lms.platform.registration.save()
        lms.members = [
            member("learner", "Ada Lovelace", LEARNER),
            member("teacher", "Grace Hopper", INSTRUCTOR),
        ]

        with sync_playwright() as p:
            context = blocking_browser(p, tmp_path / "profile")
            page = context.pages[0] if context.pages else context.new_page()

            # The learner: save a draft, then mark the work complete.
            lms.user = {"sub": "learner", "email": "ada@example.edu", "name": "Ada Lovelace"}
            lms.roles = [LEARNER]
            frame = open_unit(page, lms, "unit-title")
            # Third-party cookies are blocked in this frame; partitioned ones are kept.
            probe = bridge_frame(page, bridge).evaluate(
                "() => { document.cookie = 'probe=1; SameSite=None; Secure; path=/';"
                " document.cookie = 'kept=1; SameSite=None; Secure; Partitioned; path=/';"
                " return document.cookie; }"
            )
            assert "kept=1" in probe and "probe=1" not in probe, probe
            frame.get_by_test_id("answer").fill("print('hello')")
            submit(page, bridge, frame.get_by_role("button", name="Save draft"))
            expect(frame.get_by_test_id("answer")).to_have_value("print('hello')", timeout=10000)
            work = Work.objects.get()
            assert work.answer == "print('hello')" and work.status != "completed"
            frame.get_by_test_id("complete").click()
            submit(page, bridge, frame.get_by_test_id("confirm-complete"))
            expect(frame.get_by_test_id("answer")).to_have_attribute("readonly", "", timeout=10000)
            work.refresh_from_db()
            assert work.status == "completed"

            # The teacher (and organization administrator), in the same browser.
            lms.user = {"sub": "teacher", "email": "teacher@example.edu", "name": "Grace Hopper"}
            lms.roles = [INSTRUCTOR, INSTITUTION_ADMIN]
            frame = open_unit(page, lms, "teacher-view")
            frame.locator('input[name="title"]').fill("Hello, framed")
            submit(page, bridge, frame.get_by_role("button", name="Save the unit"))
            expect(frame.locator('input[name="title"]')).to_have_value(
                "Hello, framed", timeout=10000
            )
            assert Classroom.objects.get().unit_contents.get().title == "Hello, framed"

            frame.locator(f'a[href$="/learners/{work.account_id}/"]').first.click()
            frame.locator('input[name="points"]').fill("85")
            submit(page, bridge, frame.locator('input[name="points"]'), "press")
            expect(frame.locator("body")).to_contain_text("85", timeout=10000)
            # The confirmation reaches the framed page too, third-party cookies blocked
            # (issue 33, item 10: Django's messages cookie is not Partitioned).
            expect(frame.get_by_test_id("messages")).to_contain_text(
                "Grade saved: 85", timeout=10000
            )
            work.refresh_from_db()
            assert work.points == 85
            submit(page, bridge, frame.get_by_role("button", name="Reopen"))
            expect(frame.get_by_test_id("complete")).to_be_visible(timeout=10000)
            work.refresh_from_db()
            assert work.status != "completed"
            frame.get_by_test_id("complete").click()
            submit(page, bridge, frame.get_by_test_id("confirm-complete"))
            expect(frame.get_by_role("button", name="Reopen")).to_be_visible(timeout=10000)
            work.refresh_from_db()
            assert work.status == "completed"

            frame.get_by_role("link", name="Hello, framed").first.click()
            submit(page, bridge, frame.get_by_test_id("release"))
            expect(frame.get_by_test_id("messages")).to_contain_text(
                "1 grade released", timeout=10000
            )
            work.refresh_from_db()
            assert work.grade_released
            submit(page, bridge, frame.get_by_role("button", name="Retry all failed deliveries"))
            expect(frame.get_by_test_id("messages")).to_contain_text("queued again", timeout=10000)

            # The class page: "Sync roster" reads the LMS's roster, which has grown.
            lms.members = [
                *lms.members,
                member("newcomer", "Bob Kahn", LEARNER),
                member("mentor", "Barbara Liskov", MENTOR),
            ]
            frame.get_by_role("link", name="Class page and other exports").click()
            expect(frame.get_by_test_id("class-page")).to_be_visible(timeout=10000)
            expect(frame.get_by_test_id("class-learners")).not_to_contain_text("Bob Kahn")
            submit(page, bridge, frame.get_by_test_id("sync-roster"))
            try:
                expect(frame.get_by_test_id("class-learners")).to_contain_text(
                    "Bob Kahn", timeout=20000
                )
            except AssertionError:
                print(list(RosterSync.objects.values("source", "state", "error")))
                print(bridge_frame(page, bridge).evaluate("document.body.innerText")[:1500])
                raise
            sync = RosterSync.objects.filter(source="teacher").get()
            assert sync.state == "done" and sync.requested_by.name == "Grace Hopper", sync.error
            assert ClassMembership.objects.filter(account__name="Barbara Liskov").exists()

            frame.get_by_label("Mentors may grade the learners they can see").check()
            submit(page, bridge, frame.get_by_role("button", name="Save settings"))
            expect(frame.get_by_label("Mentors may grade the learners they can see")).to_be_checked(
                timeout=10000
            )
            assert Classroom.objects.get().mentors_may_grade

            with page.expect_download() as download_info:
                frame.get_by_role("link", name="Roster with LTI IDs").click()
            roster_csv = open(download_info.value.path(), encoding="utf-8").read()
            assert "Bob Kahn" in roster_csv and "Ada Lovelace" in roster_csv

            frame.get_by_role("link", name="Mentors and their learners").click()
            frame.get_by_label("Barbara Liskov mentors Ada Lovelace").check()
            submit(page, bridge, frame.get_by_test_id("save-mentors"))
            expect(frame.get_by_test_id("messages")).to_contain_text("saved", timeout=10000)
            assert MentorScope.objects.filter(source="teacher").count() == 1

            frame.get_by_role("link", name="Cross-site course").first.click()
            frame.get_by_test_id("lti-integrations-link").click()
            frame.get_by_label("LTI field that identifies students").fill("student_number")
            submit(page, bridge, frame.get_by_role("button", name="Save settings"))
            expect(frame.get_by_test_id("messages")).to_contain_text(
                "Settings saved", timeout=10000
            )
            lms.platform.registration.organization.refresh_from_db()
            assert lms.platform.registration.organization.lti_id_field == "student_number"

            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "cross-site-frame-forms.png"), full_page=True)
            cookies = {c["name"]: c for c in context.cookies(bridge.url)}
            context.close()
        session = cookies["codio_bridge"]
        assert session["secure"] and session["sameSite"] == "None"
        assert "csrftoken" not in cookies  # no bridge form needs Django's CSRF cookie
        assert "probe" not in cookies  # the browser did block third-party cookies
    finally:
        lms.server.stop()
        bridge.stop()
