"""Who launched: the identity claims of a launch, cleaned (sub, email, name).

Bad values never reach the database: an invalid email is treated as absent (and
logged), names lose control characters and are capped, an oversized sub is refused.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .launch import errors

log = logging.getLogger(__name__)

MAX_SUB = 255
MAX_NAME = 255
MAX_EMAIL = 254
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class LaunchIdentity:
    sub: str
    email: str  # normalised, or "" when absent or invalid
    name: str  # display name, or "" (anonymous)


def normalize_email(value):
    """Lower-cased, stripped address, or "" when missing or not a valid address."""
    if not isinstance(value, str):
        return ""
    email = value.strip().lower()
    if not email:
        return ""
    if len(email) > MAX_EMAIL or len(email.partition("@")[0]) > 64:  # RFC 5321 limits
        log.warning("Launch email claim is too long; treated as absent")
        return ""
    try:
        validate_email(email)
    except ValidationError:
        log.warning("Launch email claim is not a valid address; treated as absent")
        return ""
    return email


def clean_text(value, limit=MAX_NAME):
    """Printable text: control and format characters removed, whitespace collapsed."""
    if not isinstance(value, str):
        return ""
    kept = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", kept).strip()[:limit]


def identity_from_claims(body):
    sub = body.get("sub")
    if not isinstance(sub, str) or not sub.strip():
        raise errors.MissingClaim("sub")
    if len(sub) > MAX_SUB or any(unicodedata.category(ch)[0] == "C" for ch in sub):
        raise errors.MissingClaim("sub", "sub is too long or has control characters")
    name = clean_text(body.get("name"))
    if not name:
        name = clean_text(
            f"{clean_text(body.get('given_name'))} {clean_text(body.get('family_name'))}"
        )
    return LaunchIdentity(sub=sub, email=normalize_email(body.get("email")), name=name)
