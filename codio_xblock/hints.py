"""Signed, short-lived ``login_hint`` and ``lti_message_hint`` (LTI Security 1.0, 5.1.1.1).

Django's signing (HMAC with SECRET_KEY, a salt per purpose, a timestamp) does what is
needed; a hint names the user and the started launch, so a hint made for one user or
block is useless to another.
"""

from django.core import signing

from .lti1p3.exceptions import InvalidHint, gettext_noop

EXPIRED = gettext_noop("The launch has expired; open the unit again.")
INVALID = gettext_noop("The launch hint is not valid.")

LOGIN_SALT = "codio_xblock.hints.login"
MESSAGE_SALT = "codio_xblock.hints.message"


def make_login_hint(user_key):
    return signing.dumps({"u": user_key}, salt=LOGIN_SALT, compress=True)


def make_message_hint(*, user_key, usage_id, launch_key):
    return signing.dumps(
        {"u": user_key, "b": usage_id, "k": launch_key}, salt=MESSAGE_SALT, compress=True
    )


def _load(value, salt, max_age):
    try:
        data = signing.loads(value, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidHint(EXPIRED) from exc
    except signing.BadSignature as exc:
        raise InvalidHint(INVALID) from exc
    if not isinstance(data, dict):
        raise InvalidHint(INVALID)
    return data


def read_login_hint(value, max_age):
    data = _load(value, LOGIN_SALT, max_age)
    if not isinstance(data.get("u"), str):
        raise InvalidHint(INVALID)
    return data["u"]


def read_message_hint(value, max_age):
    data = _load(value, MESSAGE_SALT, max_age)
    if not all(isinstance(data.get(k), str) for k in ("u", "b", "k")):
        raise InvalidHint(INVALID)
    return data
