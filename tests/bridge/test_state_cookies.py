"""pylti1p3's state cookies do not pile up (issue 15): each launch removes the cookie of the
state it used, whatever its outcome, and leaves the cookies of other logins in flight (other
units of the same course page) alone. Over HTTPS the removal is SameSite=None; Secure;
Partitioned, as the cookie was, or browsers would keep the original."""

from urllib.parse import urlencode

import pytest

from tests.support import LTI, query

pytestmark = pytest.mark.django_db


def state_cookies(client):
    return sorted(
        name
        for name, morsel in client.cookies.items()
        if name.startswith("lti1p3-state-") and morsel.value
    )


def test_launches_leave_no_state_cookie_behind(bridge_setup):
    for _ in range(30):
        assert bridge_setup.full_launch().status_code == 200
    assert state_cookies(bridge_setup.client) == []


def test_a_refused_launch_removes_its_state_cookie_too(bridge_setup):
    state, nonce = bridge_setup.state_and_nonce()
    assert state_cookies(bridge_setup.client) == [f"lti1p3-{state}"]
    claims = bridge_setup.claims(nonce, aud="someone-else")
    assert bridge_setup.launch(bridge_setup.sign(claims), state).status_code >= 400
    assert state_cookies(bridge_setup.client) == []


def test_the_state_of_another_frame_still_in_flight_is_kept(bridge_setup):
    first_state, first_nonce = bridge_setup.state_and_nonce()
    second_state, second_nonce = bridge_setup.state_and_nonce()  # a second unit's frame
    first = bridge_setup.launch(bridge_setup.sign(bridge_setup.claims(first_nonce)), first_state)
    assert first.status_code == 200
    assert state_cookies(bridge_setup.client) == [f"lti1p3-{second_state}"]
    second = bridge_setup.launch(bridge_setup.sign(bridge_setup.claims(second_nonce)), second_state)
    assert second.status_code == 200
    assert state_cookies(bridge_setup.client) == []


def test_over_https_the_removal_is_a_partitioned_cross_site_cookie(bridge_setup, settings):
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": "https://codio.test"}
    target = "https://codio.test/lti-bridge/lti/launch"
    params = {
        "iss": bridge_setup.registration.issuer,
        "client_id": bridge_setup.registration.client_id,
        "login_hint": "hint",
        "target_link_uri": target,
        "lti1p3_new_window": "1",
    }
    login = bridge_setup.client.get("/lti-bridge/lti/login?" + urlencode(params), secure=True)
    assert login.status_code == 302, login.content[:300]
    state, nonce = (query(login["Location"])[k] for k in ("state", "nonce"))
    token = bridge_setup.sign(bridge_setup.claims(nonce, **{LTI + "target_link_uri": target}))
    response = bridge_setup.client.post(
        "/lti-bridge/lti/launch", {"id_token": token, "state": state}, secure=True
    )
    assert response.status_code == 200, response.content[:300]
    removal = response.cookies[f"lti1p3-{state}"]
    assert removal.value == "" and removal["max-age"] == 0
    assert removal["samesite"] == "None" and removal["secure"] and removal["partitioned"]


def test_a_hostile_state_names_no_other_cookie(bridge_setup):
    bridge_setup.client.cookies["lti1p3-session-id"] = "kept"
    response = bridge_setup.client.post(
        "/lti-bridge/lti/launch", {"id_token": "x", "state": "session-id"}
    )
    assert response.status_code >= 400
    assert "lti1p3-session-id" not in response.cookies


def _https_login(platform, client):
    target = "https://codio.test/lti-bridge/lti/launch"
    params = {
        "iss": platform.registration.issuer,
        "client_id": platform.registration.client_id,
        "login_hint": "hint",
        "target_link_uri": target,
        "lti1p3_new_window": "1",
    }
    login = client.get("/lti-bridge/lti/login?" + urlencode(params), secure=True)
    assert login.status_code == 302, login.content[:300]
    return login, (query(login["Location"])[k] for k in ("state", "nonce"))


@pytest.mark.parametrize("frames", [2, 3])
def test_frames_logging_in_at_once_all_launch(bridge_setup, settings, frames):
    """Issue 33: the units of one course page log in at the same moment, over HTTPS, each
    before any answer has set a cookie. The browser then holds every frame's state cookie
    and, of any cookie they all set, the last one. Each frame's launch must succeed: pylti1p3
    keyed the nonce by an ``lti1p3-session-id`` cookie each login minted, and all but the
    last frame were refused ("Invalid Nonce")."""
    from django.test import Client

    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": "https://codio.test"}
    target = "https://codio.test/lti-bridge/lti/launch"
    browser = bridge_setup.client
    logins = []
    for _ in range(frames):  # each login sent before any answer came back: no cookies
        response, (state, nonce) = _https_login(bridge_setup, Client())
        logins.append((state, nonce))
        browser.cookies.update(response.cookies)  # the jar: last answer wins per name
    assert state_cookies(browser) == sorted(f"lti1p3-{state}" for state, _ in logins)
    for state, nonce in logins:
        claims = bridge_setup.claims(nonce, **{LTI + "target_link_uri": target})
        response = browser.post(
            "/lti-bridge/lti/launch",
            {"id_token": bridge_setup.sign(claims), "state": state},
            secure=True,
        )
        assert response.status_code == 200, response.content.decode()[-600:]


def test_a_nonce_launches_only_with_the_state_it_was_issued_with(bridge_setup, settings):
    """A nonce is bound to the login (state) that issued it: an id_token carrying another
    login's nonce (an attacker's own, from their browser) is refused in this browser, though
    this browser's state cookie matches: no signing in someone as the attacker."""
    from django.test import Client

    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": "https://codio.test"}
    target = "https://codio.test/lti-bridge/lti/launch"
    _, (attacker_state, attacker_nonce) = _https_login(bridge_setup, Client())
    response, (victim_state, _victim_nonce) = _https_login(bridge_setup, bridge_setup.client)
    claims = bridge_setup.claims(attacker_nonce, **{LTI + "target_link_uri": target})
    refused = bridge_setup.client.post(
        "/lti-bridge/lti/launch",
        {"id_token": bridge_setup.sign(claims), "state": victim_state},
        secure=True,
    )
    assert refused.status_code == 403, refused.content.decode()[-600:]
    assert attacker_state != victim_state
