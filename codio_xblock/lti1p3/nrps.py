"""LTI Names and Role Provisioning Services 2.0, platform side: the service claim, the
membership request's query and the membership container document. Pure: plain values in,
plain values out.

Paging follows NRPS 2.0, 2.4: a page holds at most ``limit`` members and, when more may
follow, the response's ``Link`` header names the next page (``rel="next"``), whose URL is
opaque to the tool. That URL must survive clients that lower-case the header (pylti1p3
2.0's service connector does), so it carries one case-free ``cursor`` parameter that holds
the whole query. A ``role`` query keeps members holding that role (full URI or a short
LIS name); ``rlid`` asks for the members of one resource link (NRPS 2.0, 2.3).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from lti_bridge.protocol.vocabulary import MEMBERSHIP, MEMBERSHIP_SUB, Scope

from .exceptions import InvalidRequest, gettext_noop

SCOPE_MEMBERSHIP_READONLY: Final = Scope.CONTEXT_MEMBERSHIP_READONLY.value
MEDIA_MEMBERSHIPS: Final = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
SERVICE_VERSIONS: Final = ("2.0",)

DEFAULT_LIMIT: Final = 100
MAX_LIMIT: Final = 1000  # a page of 1,000 members is a few hundred KiB
MAX_QUERY_VALUE: Final = 1024
MAX_CURSOR: Final = 4096

STATUS_ACTIVE: Final = "Active"
STATUS_INACTIVE: Final = "Inactive"

MEMBERSHIP_PREFIX: Final = MEMBERSHIP
_SHORT_ROLE: Final = re.compile(r"[A-Za-z]+(#[A-Za-z]+)?")
# ASCII digits only: str.isdigit and int() disagree on '²' (a digit int() refuses) and int()
# takes '١٢' (Arabic-Indic digits) and '1_0', none of which is a number in a URL's query.
_LIMIT: Final = re.compile(r"[0-9]+")


def service_claim(memberships_url: str) -> dict[str, str | list[str]]:
    """The ``namesroleservice`` claim of a launch (NRPS 2.0, 3.6.1.1)."""
    return {"context_memberships_url": memberships_url, "service_versions": list(SERVICE_VERSIONS)}


def normalize_role(value: str) -> str:
    """A context role as a full URI: ``Learner`` and ``Instructor#TeachingAssistant`` are
    short LIS names of ``.../membership#Learner`` and ``.../membership/Instructor#...``."""
    if "://" in value or value.startswith("urn:"):
        return value
    if not _SHORT_ROLE.fullmatch(value):
        raise InvalidRequest(gettext_noop("'role' is not an LTI role."))
    principal, _, sub = value.partition("#")
    if sub:
        return f"{MEMBERSHIP_SUB}{principal}#{sub}"
    return MEMBERSHIP_PREFIX + principal


@dataclass(frozen=True)
class MembershipQuery:
    limit: int = DEFAULT_LIMIT
    role: str = ""  # full URI, or "" for every role
    rlid: str = ""
    after: int = 0  # where the previous page ended (decoded from the cursor)


def cursor_of(params: Mapping[str, object]) -> str:
    """The ``cursor`` of a next-page request ("" for a first page)."""
    value = params.get("cursor", "")
    if not isinstance(value, str) or len(value) > MAX_CURSOR:
        raise InvalidRequest(gettext_noop("The page cursor is not valid."))
    return value.strip()


def parse_query(params: Mapping[str, object]) -> MembershipQuery:
    """Validate the query of a first-page request; unknown parameters are ignored."""
    values: dict[str, str] = {}
    for name in ("limit", "role", "rlid"):
        value = params.get(name, "")
        if not isinstance(value, str) or len(value) > MAX_QUERY_VALUE:
            raise InvalidRequest(gettext_noop("'%(name)s' is too long."), name=name)
        if "\x00" in value:  # no database column takes it (PostgreSQL refuses it outright)
            raise InvalidRequest(gettext_noop("'%(name)s' is not a valid value."), name=name)
        values[name] = value.strip()
    limit = DEFAULT_LIMIT
    if values["limit"]:
        # at most MAX_QUERY_VALUE digits: far below int()'s limit on digits
        if not _LIMIT.fullmatch(values["limit"]) or int(values["limit"]) < 1:
            raise InvalidRequest(gettext_noop("'limit' must be a positive whole number."))
        limit = min(int(values["limit"]), MAX_LIMIT)
    role = normalize_role(values["role"]) if values["role"] else ""
    return MembershipQuery(limit=limit, role=role, rlid=values["rlid"])


def member(
    *,
    user_id: str,
    roles: Iterable[str],
    active: bool,
    name: str = "",
    given_name: str = "",
    family_name: str = "",
    email: str = "",
) -> dict[str, str | list[str]]:
    """One member (NRPS 2.0, 2.2). Only ``user_id`` and ``roles`` are required; personal
    fields are given only when they may be shared, and only when they have a value."""
    document: dict[str, str | list[str]] = {
        "status": STATUS_ACTIVE if active else STATUS_INACTIVE,
        "user_id": user_id,
        "roles": list(roles),
    }
    for key, value in (
        ("name", name),
        ("given_name", given_name),
        ("family_name", family_name),
        ("email", email),
    ):
        if value:
            document[key] = value
    return document


def container(
    *,
    url: str,
    context_id: str,
    context_label: str,
    context_title: str,
    members: Iterable[Mapping[str, Any]],
) -> dict[str, Any]:
    """The membership container (NRPS 2.0, 2.1)."""
    return {
        "id": url,
        "context": {"id": context_id, "label": context_label, "title": context_title},
        "members": list(members),
    }


def next_link(url: str) -> str:
    """The ``Link`` header value naming the next page (RFC 8288)."""
    return f'<{url}>; rel="next"'


def context_roles(roles: Iterable[str]) -> list[str]:
    """Only context (membership) roles: a roster lists course roles, never system ones."""
    return [role for role in roles if role.startswith(MEMBERSHIP_PREFIX.rsplit("#", 1)[0])]
