"""Who is signed in to the bridge: a signed cookie of its own.

Not Django's session: embedded in the LMS, that session is the LMS's, and a launch must not
change it (or sign anyone in to the LMS). The cookie holds only the account id, signed with
a salt, and expires; inside an iframe over HTTPS it is ``SameSite=None; Secure``.
"""

from django.core import signing

COOKIE = "codio_bridge"
SALT = "lti_bridge.session"
MAX_AGE = 8 * 60 * 60


def sign_in(request, response, account):
    secure = request.is_secure()
    response.set_signed_cookie(
        COOKIE,
        str(account.pk),
        salt=SALT,
        max_age=MAX_AGE,
        httponly=True,
        secure=secure,
        samesite="None" if secure else "Lax",
    )
    return response


def current_account_id(request):
    """The signed-in account's id, or None (no cookie, forged, or expired)."""
    try:
        value = request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature):
        return None
    return int(value) if value.isdigit() else None


def sign_in_cookie_value(account):
    """The cookie value :func:`sign_in` sets (for scripts such as the benchmarks)."""
    return signing.get_cookie_signer(salt=COOKIE + SALT).sign(str(account.pk))
