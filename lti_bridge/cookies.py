"""Cookies that work inside another site's iframe: ``SameSite=None; Secure; Partitioned``.

Browsers increasingly block third-party cookies (headless Chromium does by default), so in
an LMS's iframe the bridge's session and pylti1p3's state cookie would never come back.
Partitioned cookies (CHIPS) are kept per top-level site and allowed in third-party frames:
the bridge's cross-site cookies are partitioned, so a launch framed in Canvas keeps its
state and session within that LMS's pages (and opening the unit in a new window starts a
session of its own).

Python's cookie module knows the ``Partitioned`` attribute only from 3.14; before, it is
registered here as 3.14 does it (pylti1p3 registers ``SameSite`` the same way).
"""

import re
from http import cookies as http_cookies

if "partitioned" not in http_cookies.Morsel._reserved:  # Python < 3.14
    http_cookies.Morsel._reserved["partitioned"] = "Partitioned"
    http_cookies.Morsel._flags = set(http_cookies.Morsel._flags) | {"partitioned"}

# pylti1p3's cookie check page tests with a cookie of its own; partitioned like ours, so
# the test succeeds exactly when the real cookies will.
_CHECK_COOKIE = "cookie = cookie + '; SameSite=None; secure';"
_CHECK_COOKIE_PARTITIONED = "cookie = cookie + '; SameSite=None; secure; Partitioned';"


def partition(response):
    """Mark every ``SameSite=None; Secure`` cookie of the response Partitioned."""
    for morsel in response.cookies.values():
        if str(morsel.get("samesite", "")).lower() == "none" and morsel.get("secure"):
            morsel["partitioned"] = True
    return response


def partition_check_page(response):
    """pylti1p3's cookie check page, testing with a partitioned cookie (call before its CSP
    hashes are computed)."""
    body = response.content.decode(response.charset or "utf-8")
    if _CHECK_COOKIE in body:
        response.content = body.replace(_CHECK_COOKIE, _CHECK_COOKIE_PARTITIONED)
    return response


# pylti1p3 sets one cookie per OIDC login, "lti1p3-state-<uuid>" for five minutes
# (oidc_login.py), and never removes it: a learner opening many units piles them up until
# the Cookie header is too big for servers (431). A launch removes the cookie of the state it
# used, whatever its outcome (a state is single use). Other state cookies are left alone:
# they may belong to logins of other frames of the same course page, still in flight.
_STATE = re.compile(r"^state-[A-Za-z0-9_-]{1,100}$")


def forget_state_cookie(request, response):
    """Delete the state cookie of this launch, with the attributes it was set with (a
    cross-site cookie is only replaced by one that is also SameSite=None; Secure, and
    :func:`partition` makes it Partitioned as the original)."""
    state = request.POST.get("state", "")
    name = f"lti1p3-{state}"
    if not _STATE.match(state) or name not in request.COOKIES or name in response.cookies:
        return response
    if request.is_secure():
        response.delete_cookie(name, path="/", samesite="None")
    else:
        response.delete_cookie(name, path="/")
    return response
