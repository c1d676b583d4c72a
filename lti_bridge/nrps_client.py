"""Reading a class's roster from the LMS's Names and Role Provisioning Service (NRPS 2.0).

pylti1p3 has a client (``NamesRolesProvisioningService``), but its requests carry no timeout,
follow ``next`` links to any host, lower-case the links they follow, and keep no bound on
pages or members; a roster is read here instead with the bridge's own service plumbing
(:mod:`.delivery.ags_client`: shared token, registered hosts only, bounded requests).

The whole roster is read and checked before anything is written: a page of the wrong
shape, another course's roster, a member with a field of the wrong type, a loop of ``next``
links, too many pages or members, or a page too large refuses the roster as a whole
(:class:`RosterError`), so a sync never writes half a roster.
"""

import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from . import conf
from .delivery.ags_client import DeliveryError, authorized_request
from .identity import clean_text, normalize_email
from .protocol.vocabulary import Scope

SCOPE = Scope.CONTEXT_MEMBERSHIP_READONLY.value
MEDIA = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
ACTIVE, INACTIVE, DELETED = "Active", "Inactive", "Deleted"
MAX_ROLE_LENGTH = 255


class RosterError(Exception):
    """The roster could not be read, or was refused. ``retryable``: worth trying later."""

    def __init__(self, message, retryable=False):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class RosterMember:
    sub: str
    email: str
    name: str
    roles: tuple
    active: bool  # "Active" (the default); "Inactive" and "Deleted" members have left


def _with_limit(url, limit):
    """The first page's URL with our page size, unless the LMS's URL already names one."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name == "limit" for name, _ in query):
        return url
    return urlunsplit(parts._replace(query=urlencode([*query, ("limit", str(limit))])))


def _text(raw, key, where):
    value = raw.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RosterError(f"{where}: '{key}' is not text")
    return value


def _member(raw, where):
    if not isinstance(raw, dict):
        raise RosterError(f"{where} is not an object")
    sub = raw.get("user_id")
    if (
        not isinstance(sub, str)
        or not sub.strip()
        or len(sub) > 255
        or any(unicodedata.category(ch)[0] == "C" for ch in sub)
    ):
        raise RosterError(f"{where}: 'user_id' is missing or not a valid id")
    roles = raw.get("roles", [])
    if not isinstance(roles, list) or not all(
        isinstance(role, str) and len(role) <= MAX_ROLE_LENGTH for role in roles
    ):
        raise RosterError(f"{where}: 'roles' is not a list of roles")
    if len(roles) > conf.get("MAX_ROLES"):
        raise RosterError(f"{where}: more than {conf.get('MAX_ROLES')} roles")
    status = raw.get("status", ACTIVE)
    if status not in (ACTIVE, INACTIVE, DELETED):
        raise RosterError(f"{where}: 'status' is not Active, Inactive or Deleted")
    name = clean_text(_text(raw, "name", where))
    if not name:
        name = clean_text(
            f"{clean_text(_text(raw, 'given_name', where))} "
            f"{clean_text(_text(raw, 'family_name', where))}"
        )
    return RosterMember(
        sub=sub,
        email=normalize_email(_text(raw, "email", where)),  # invalid: absent, as at launch
        name=name,
        roles=tuple(dict.fromkeys(roles)),
        active=status == ACTIVE,
    )


def _page(registration, url):
    try:
        response = authorized_request(
            registration,
            "GET",
            url,
            SCOPE,
            headers={"Accept": MEDIA},
            max_bytes=conf.get("ROSTER_MAX_PAGE_BYTES"),
        )
    except DeliveryError as exc:
        raise RosterError(str(exc), retryable=exc.retryable) from exc
    if response.status_code >= 400:
        retryable = response.status_code >= 500 or response.status_code in (408, 429)
        raise RosterError(
            f"the LMS answered HTTP {response.status_code}: {response.text[:300]}", retryable
        )
    try:
        body = response.json()
    except ValueError as exc:
        raise RosterError("a roster page is not JSON") from exc
    return response, body


def fetch_roster(registration, url, *, context_id):
    """Every member of the course's roster, by ``sub`` (each listed once: the last listing
    wins). Raises :class:`RosterError`."""
    if not url:
        raise RosterError("the LMS offers no roster service for this course")
    members, visited, page = {}, set(), 0
    next_url = _with_limit(url, conf.get("ROSTER_PAGE_LIMIT"))
    while next_url:
        if next_url in visited:
            raise RosterError("the LMS's next-page links go round in a loop")
        visited.add(next_url)
        page += 1
        if page > conf.get("ROSTER_MAX_PAGES"):
            raise RosterError(f"the roster has more than {conf.get('ROSTER_MAX_PAGES')} pages")
        response, body = _page(registration, next_url)
        if not isinstance(body, dict) or not isinstance(body.get("members"), list):
            raise RosterError(f"page {page} is not a membership container")
        context = body.get("context")
        if context is not None and (
            not isinstance(context, dict) or context.get("id") != context_id
        ):
            raise RosterError(f"page {page} is the roster of another course")
        for index, raw in enumerate(body["members"], start=1):
            member = _member(raw, f"member {index} of page {page}")
            members[member.sub] = member
        if len(members) > conf.get("ROSTER_MAX_MEMBERS"):
            raise RosterError(f"the roster has more than {conf.get('ROSTER_MAX_MEMBERS')} members")
        link = response.links.get("next", {}).get("url")  # RFC 8288, parsed by requests
        next_url = urljoin(next_url, link) if link else None
    return list(members.values())
