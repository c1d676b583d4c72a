"""Framed forms carry the bridge session's token instead of relying on Django's CSRF cookie,
which a cross-site iframe does not send (issue 11, item 8)."""

import json

import pytest
from django.test import Client

from lti_bridge.forms_token import FIELD, HEADER, token_for
from lti_bridge.models import Account, ResourceLink, Work
from lti_bridge.session import COOKIE
from tests.support import INSTRUCTOR, LEARNER, LTI

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_and_work(bridge_setup):
    bridge_setup.full_launch(sub="ada", email="ada@example.edu", **{LTI + "roles": [LEARNER]})
    bridge_setup.client = Client(enforce_csrf_checks=True)  # as a browser: CSRF enforced
    response = bridge_setup.full_launch(
        sub="t", email="t@example.edu", **{LTI + "roles": [INSTRUCTOR]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    return bridge_setup.client, Work.objects.get(), page


def grade_url(work):
    return f"/lti-bridge/units/{work.resource_link_id}/learners/{work.account_id}/grade/"


def test_the_teacher_view_forms_carry_the_session_token(teacher_and_work):
    client, work, page = teacher_and_work
    token = token_for(type("R", (), {"COOKIES": {COOKIE: client.cookies[COOKIE].value}}))
    assert f'name="{FIELD}" value="{token}"' in page
    assert "csrfmiddlewaretoken" not in page


def test_a_framed_form_works_without_the_csrf_cookie(teacher_and_work):
    client, work, page = teacher_and_work
    assert "csrftoken" not in client.cookies  # never set: only the bridge's session cookie
    token = page.split(f'name="{FIELD}" value="')[1].split('"')[0]
    response = client.post(grade_url(work), {"points": "70", FIELD: token})
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.points == 70


@pytest.mark.parametrize("token", ["", "forged", None])
def test_without_the_token_nothing_happens(teacher_and_work, token):
    client, work, _ = teacher_and_work
    data = {"points": "70"} if token is None else {"points": "70", FIELD: token}
    response = client.post(grade_url(work), data)
    assert response.status_code == 403 and "expired" in response.content.decode()
    work.refresh_from_db()
    assert work.points is None


def test_a_token_of_another_session_is_refused(teacher_and_work, bridge_setup):
    client, work, _ = teacher_and_work
    other = Client(enforce_csrf_checks=True)
    bridge_setup.client = other
    bridge_setup.full_launch(sub="t2", email="t2@example.edu", **{LTI + "roles": [INSTRUCTOR]})
    stolen = token_for(type("R", (), {"COOKIES": {COOKIE: other.cookies[COOKIE].value}}))
    response = client.post(grade_url(work), {"points": "70", FIELD: stolen})
    assert response.status_code == 403


def test_the_json_api_takes_the_token_in_a_header(teacher_and_work):
    client, work, page = teacher_and_work
    token = page.split(f'name="{FIELD}" value="')[1].split('"')[0]
    classroom = ResourceLink.objects.get().classroom_id
    url = f"/lti-bridge/api/v1/classes/{classroom}/mentors"
    body = json.dumps([])
    assert client.put(url, body, content_type="application/json").status_code == 403
    response = client.put(
        url,
        body,
        content_type="application/json",
        **{"HTTP_" + HEADER.upper().replace("-", "_"): token},
    )
    assert response.status_code == 200
    assert Account.objects.count() == 2


# Issue 26, item 9: the token is bound to the bridge session, and the origin is checked.


def teacher_launch(bridge_setup):
    return bridge_setup.full_launch(sub="t", email="t@example.edu", **{LTI + "roles": [INSTRUCTOR]})


def token_in(page):
    return page.split(f'name="{FIELD}" value="')[1].split('"')[0]


def test_a_token_shown_before_sign_out_is_refused_after_it(teacher_and_work, bridge_setup):
    client, work, page = teacher_and_work
    captured = token_in(page)
    assert client.post("/lti-bridge/account/sign-out/", {FIELD: captured}).status_code == 302
    assert COOKIE not in client.cookies or not client.cookies[COOKIE].value
    # the same teacher opens the unit again in the same browser: a new session
    assert (
        bridge_setup.full_launch(
            sub="t", email="t@example.edu", **{LTI + "roles": [INSTRUCTOR]}
        ).status_code
        == 200
    )
    response = client.post(grade_url(work), {"points": "70", FIELD: captured})
    assert response.status_code == 403 and "expired" in response.content.decode()
    work.refresh_from_db()
    assert work.points is None
    assert not work.grade_changes.exists()


def test_a_new_launch_makes_the_tokens_shown_before_useless(teacher_and_work, bridge_setup):
    client, work, page = teacher_and_work
    old = token_in(page)
    again = teacher_launch(bridge_setup)
    assert token_in(again.content.decode()) != old
    assert client.post(grade_url(work), {"points": "70", FIELD: old}).status_code == 403
    work.refresh_from_db()
    assert work.points is None
    fresh = token_in(again.content.decode())
    assert client.post(grade_url(work), {"points": "70", FIELD: fresh}).status_code == 302
    work.refresh_from_db()
    assert work.points == 70


def test_a_token_of_another_session_of_the_same_account_is_refused(teacher_and_work, bridge_setup):
    """The same teacher in two browsers: one browser's token is worth nothing in the other."""
    client, work, _ = teacher_and_work
    other = Client(enforce_csrf_checks=True)
    bridge_setup.client = other
    response = bridge_setup.full_launch(
        sub="t", email="t@example.edu", **{LTI + "roles": [INSTRUCTOR]}
    )
    foreign_token = token_in(response.content.decode())
    assert other.cookies[COOKIE].value != client.cookies[COOKIE].value
    refused = client.post(grade_url(work), {"points": "70", FIELD: foreign_token})
    assert refused.status_code == 403
    work.refresh_from_db()
    assert work.points is None


def test_an_expired_session_takes_its_tokens_with_it(teacher_and_work):
    from lti_bridge.session import session_store

    client, work, page = teacher_and_work
    session_store(client.cookies[COOKIE].value).delete()  # as the store's expiry does
    response = client.post(grade_url(work), {"points": "70", FIELD: token_in(page)})
    assert response.status_code == 403
    work.refresh_from_db()
    assert work.points is None


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_REFERER": "http://testserver/lti-bridge/"},
    ],
)
def test_a_valid_token_from_another_origin_is_refused(teacher_and_work, headers):
    client, work, page = teacher_and_work
    response = client.post(grade_url(work), {"points": "70", FIELD: token_in(page)}, **headers)
    assert response.status_code == 403
    text = response.content.decode()
    assert "another site" in text and "nothing was done" in text
    work.refresh_from_db()
    assert work.points is None
    assert not work.grade_changes.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://codio.test"},  # the bridge's BASE_URL
        {"HTTP_REFERER": "http://testserver/lti-bridge/units/1/"},
        {},
    ],
)
def test_the_bridges_own_origin_is_accepted(teacher_and_work, headers):
    client, work, page = teacher_and_work
    response = client.post(grade_url(work), {"points": "70", FIELD: token_in(page)}, **headers)
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.points == 70


def test_the_foreign_origin_is_refused_even_where_tokens_are_not_enforced(teacher_and_work):
    """Django's test client skips CSRF tokens unless asked; the origin check stays."""
    from tests.support import BridgeClient

    _, work, _ = teacher_and_work
    browser = BridgeClient()
    browser.cookies = teacher_and_work[0].cookies
    response = browser.post(grade_url(work), {"points": "70"}, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    work.refresh_from_db()
    assert work.points is None


# Issue 26, item 7: every form of the bridge is protected one way, "Sync roster" included.

NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def test_sync_roster_works_without_the_csrf_cookie(bridge_setup):
    from lti_bridge.models import Classroom, RosterSync

    bridge_setup.client = client = Client(enforce_csrf_checks=True)
    response = bridge_setup.full_launch(
        sub="t",
        email="t@example.edu",
        **{
            LTI + "roles": [INSTRUCTOR],
            NRPS: {
                "context_memberships_url": "https://lms.example.edu/nrps/1",
                "service_versions": ["2.0"],
            },
        },
    )
    assert response.status_code == 200
    classroom = Classroom.objects.get()
    RosterSync.objects.update(state=RosterSync.State.DONE)  # the launch's own reading, over
    page = client.get(f"/lti-bridge/classes/{classroom.pk}/").content.decode()
    assert 'data-testid="sync-roster"' in page
    url = f"/lti-bridge/classes/{classroom.pk}/roster/sync/"
    assert client.post(url).status_code == 403  # no token: nothing asked
    assert not RosterSync.objects.filter(source=RosterSync.Source.TEACHER).exists()
    response = client.post(url, {FIELD: token_in(page)})
    assert response.status_code == 302, response.content.decode()[-500:]
    assert "csrftoken" not in client.cookies
    sync = RosterSync.objects.get(source=RosterSync.Source.TEACHER)
    assert sync.requested_by.email == "t@example.edu"


# The one address whose forms prove themselves by the single-use token in their URL
# (forms_token.own_proof): the unit picker; tests/bridge/test_deep_linking_tool.py.
OWN_PROOF = {"deep-linking"}


def unsafe_routes(own_proof=False):
    """Every bridge address but the LTI endpoints, with arguments that reach its view (those
    that carry their own proof, or the others)."""
    from lti_bridge import urls

    values = {"class_id": 1, "link_id": 1, "account_id": 1, "org_id": 1, "work_id": 1}
    values |= {"token": "x", "key": "x", "uidb64": "x"}
    for pattern in urls.urlpatterns:
        if pattern.name in ("login", "launch", "jwks"):
            continue
        if (pattern.name in OWN_PROOF) != own_proof:
            continue
        kwargs = {name: values[name] for name in pattern.pattern.converters}
        yield pattern.name, kwargs


def test_only_the_unit_picker_carries_its_own_proof():
    """No other view opts out of the session token (protect honours ``own_proof``)."""
    from lti_bridge import urls

    marked = {
        pattern.name
        for pattern in urls.urlpatterns
        if getattr(pattern.callback, "bridge_own_proof", False)
    }
    assert marked == OWN_PROOF


@pytest.mark.parametrize("name,kwargs", list(unsafe_routes()))
def test_every_bridge_address_refuses_an_unsafe_request_without_the_token(
    teacher_and_work, name, kwargs
):
    """One mechanism for every form: signed in, with no token, every address refuses a POST
    with the same page (Django's CSRF no longer decides anything: 'Sync roster' was left to
    it, and a framed page never has its cookie)."""
    from django.urls import reverse

    client, work, _ = teacher_and_work
    response = client.post(reverse(f"lti_bridge:{name}", kwargs=kwargs))
    assert response.status_code == 403, name
    assert "expired" in response.content.decode(), name
    assert "CSRF" not in response.content.decode()


@pytest.mark.parametrize("name,kwargs", list(unsafe_routes(own_proof=True)))
def test_an_address_with_its_own_proof_refuses_a_post_without_it(teacher_and_work, name, kwargs):
    """The unit picker asks no session token: a post without its URL's live token is
    refused by the picker itself, with its own page, and nothing is sent."""
    from django.urls import reverse

    client, _work, _ = teacher_and_work
    response = client.post(reverse(f"lti_bridge:{name}", kwargs=kwargs), {"unit": "1"})
    assert response.status_code == 404, name
    text = response.content.decode()
    assert "no longer open" in text and "Nothing was sent" in text
    assert "CSRF" not in text


@pytest.mark.parametrize("name", ["sign-in", "password-reset"])
def test_pages_for_nobody_signed_in_bind_their_forms_to_an_anonymous_session(name):
    client = Client(enforce_csrf_checks=True)
    url = f"/lti-bridge/account/{'sign-in' if name == 'sign-in' else 'password'}/"
    page = client.get(url).content.decode()
    token = token_in(page)
    anonymous = client.cookies[COOKIE].value
    data = {"email": "nobody@example.edu", "password": "x"}
    assert client.post(url, data).status_code == 403  # no token
    response = client.post(url, {**data, FIELD: token})
    assert response.status_code in (200, 400)  # the view answered (wrong password, mail)
    # another browser's anonymous token is worth nothing here
    stranger = Client(enforce_csrf_checks=True)
    stranger_token = token_in(stranger.get(url).content.decode())
    assert client.post(url, {**data, FIELD: stranger_token}).status_code == 403
    assert client.cookies[COOKIE].value == anonymous


def test_signing_in_replaces_the_anonymous_session_and_its_tokens(bridge_setup):
    from lti_bridge.flows import password

    bridge_setup.full_launch(sub="ada", email="ada@example.edu")
    password.set_password(Account.objects.get(), "a-Long-passw0rd!")
    client = Client(enforce_csrf_checks=True)
    url = "/lti-bridge/account/sign-in/"
    token = token_in(client.get(url).content.decode())
    anonymous = client.cookies[COOKIE].value
    data = {"email": "ada@example.edu", "password": "a-Long-passw0rd!", FIELD: token}
    assert client.post(url, data).status_code == 302
    assert client.cookies[COOKIE].value != anonymous  # a new session: no fixation
    account_page = client.get("/lti-bridge/account/").content.decode()
    assert client.post("/lti-bridge/account/sign-out/", {FIELD: token}).status_code == 403
    signed_out = client.post("/lti-bridge/account/sign-out/", {FIELD: token_in(account_page)})
    assert signed_out.status_code == 302


def test_a_page_asks_for_the_token_of_the_browsers_current_session(teacher_and_work, bridge_setup):
    """Two frames of one course page launch at once; the browser keeps the last cookie. The
    first frame's page then refreshes its token (base.html) before sending its form."""
    client, work, first_page = teacher_and_work
    first_cookie = client.cookies[COOKIE].value
    second = teacher_launch(bridge_setup)
    assert client.cookies[COOKIE].value != first_cookie
    stale = token_in(first_page)
    assert client.post(grade_url(work), {"points": "70", FIELD: stale}).status_code == 403
    refresh = client.get(grade_url(work), HTTP_X_BRIDGE_TOKEN_REFRESH="1")
    assert refresh.status_code == 200 and refresh["Cache-Control"] == "no-store"
    data = refresh.json()
    assert data["token"] == token_in(second.content.decode())
    teacher = Account.objects.get(email="t@example.edu")
    assert data["account"] == teacher.pk
    assert f'data-account="{teacher.pk}"' in first_page  # what the page compares it with
    assert client.post(grade_url(work), {"points": "70", FIELD: data["token"]}).status_code == 302
    work.refresh_from_db()
    assert work.points == 70


def test_nobody_signed_in_gets_no_token_from_the_refresh(teacher_and_work):
    _, work, _ = teacher_and_work
    data = Client().get(grade_url(work), HTTP_X_BRIDGE_TOKEN_REFRESH="1").json()
    assert data == {"token": "", "account": None}
