"""Launches over HTTPS, as every real LMS frames the bridge (issue 11, item 7): a browser
that blocks the LTI cookies in the LMS's iframe gets the "open in a new window" page from
every step, never a 500, with the test client (secure=True) and with a live TLS server."""

from urllib.parse import urlencode

import pytest
import requests
from django.test import Client

from lti_bridge.models import Account
from tests.support import LTI, query

pytestmark = pytest.mark.django_db(transaction=True)


def _login_params(platform, target):
    return {
        "iss": platform.registration.issuer,
        "client_id": platform.registration.client_id,
        "login_hint": "hint",
        "target_link_uri": target,
    }


def test_cookieless_https_launch_gets_the_new_window_page(bridge_setup, settings):
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": "https://codio.test"}
    target = "https://codio.test/lti-bridge/lti/launch"
    login = bridge_setup.client.get(
        "/lti-bridge/lti/login?" + urlencode(_login_params(bridge_setup, target)), secure=True
    )
    assert login.status_code in (200, 302)  # the cookie check page, or the redirect
    if login.status_code == 302:
        params = query(login["Location"])
    else:  # pylti1p3's cookie check page: the browser comes back with the same request
        login = bridge_setup.client.get(
            "/lti-bridge/lti/login?"
            + urlencode({**_login_params(bridge_setup, target), "lti1p3_new_window": "1"}),
            secure=True,
        )
        params = query(login["Location"])
    token = bridge_setup.sign(
        bridge_setup.claims(params["nonce"], **{LTI + "target_link_uri": target})
    )
    browser_without_cookies = Client(raise_request_exception=False)
    response = browser_without_cookies.post(
        "/lti-bridge/lti/launch", {"id_token": token, "state": params["state"]}, secure=True
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "new window" in page and "Traceback" not in page
    assert Account.objects.count() == 0


@pytest.mark.live
def test_over_a_live_tls_server(bridge_setup, settings):
    from tests.tls import TLSLiveServer

    server = TLSLiveServer()
    try:
        base = server.url
        settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": base}
        target = base + "/lti-bridge/lti/launch"
        browser = requests.Session()
        browser.trust_env = False  # the test's own certificate, whatever the environment says
        browser.verify = str(server.cert)
        params = {**_login_params(bridge_setup, target), "lti1p3_new_window": "1"}
        login = browser.get(
            base + "/lti-bridge/lti/login?" + urlencode(params), allow_redirects=False
        )
        assert login.status_code == 302, login.text[:300]
        state_cookie = [c for c in browser.cookies if c.name.startswith("lti1p3")]
        assert state_cookie and all(c.secure for c in state_cookie)
        assert "SameSite=None" in login.headers["Set-Cookie"]
        assert "Partitioned" in login.headers["Set-Cookie"]  # kept in a third-party frame
        issued = query(login.headers["Location"])
        token = bridge_setup.sign(
            bridge_setup.claims(issued["nonce"], **{LTI + "target_link_uri": target})
        )
        # A browser that blocked the cookie: the designed page, not a 500.
        cookieless = requests.Session()
        cookieless.trust_env, cookieless.verify = False, str(server.cert)
        blocked = cookieless.post(target, data={"id_token": token, "state": issued["state"]})
        assert blocked.status_code == 400 and "new window" in blocked.text
        # The same browser with its cookie: signed in, with a Secure, SameSite=None cookie.
        login = browser.get(
            base + "/lti-bridge/lti/login?" + urlencode(params), allow_redirects=False
        )
        issued = query(login.headers["Location"])
        token = bridge_setup.sign(
            bridge_setup.claims(issued["nonce"], **{LTI + "target_link_uri": target})
        )
        launched = browser.post(target, data={"id_token": token, "state": issued["state"]})
        assert launched.status_code == 200, launched.text[:300]
        session_cookie = launched.headers["Set-Cookie"]
        assert "codio_bridge=" in session_cookie and "Secure" in session_cookie
        assert "SameSite=None" in session_cookie and "Partitioned" in session_cookie
    finally:
        server.stop()
