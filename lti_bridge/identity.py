"""Who launched: the identity claims of a launch, cleaned (sub, email, name).

Bad values never reach the database: an invalid email is treated as absent (and
logged), names lose control characters and are capped, an oversized sub is refused.
"""

import logging
import re
import unicodedata
from collections.abc import Mapping
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
    """The cleaned identity of a launch's claims (called by the one parse, launch/message.py)."""
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


LTI_ID_FIELD = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
MAX_LTI_ID = 255


def lti_id_field_names(field):
    """The custom claim keys a configured field name may arrive as: LTI 1.3 sends custom
    parameters without LTI 1.1's ``custom_`` prefix, but authors often type it."""
    field = (field or "").strip()
    if not field:
        return []
    bare = field[len("custom_") :] if field.startswith("custom_") else field
    return list(dict.fromkeys([field, bare, f"custom_{bare}"]))


def lti_id_from_custom(custom, field):
    """(found, value) of the organization's LTI ID field among a launch's custom parameters
    (a mapping): ``found`` is False when the launch does not carry it. Text or a number;
    cleaned like a name."""
    if not isinstance(custom, Mapping):
        return False, ""
    for key in lti_id_field_names(field):
        value = custom.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            value = str(value)
        value = clean_text(value, MAX_LTI_ID)
        if value and not value.startswith("$"):  # "$User.username": a variable the LMS
            return True, value  # did not substitute, not an identifier
    return False, ""
