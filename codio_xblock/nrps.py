"""Platform side of the Names and Role Provisioning Service (NRPS 2.0): the roster of a
course for the tools launched in it. Views call these; the protocol is :mod:`.lti1p3.nrps`.

* Members are the course's enrollments (active or not) and its course team, read from the
  LMS a page at a time through the adapter (a course of 10,000 learners is never loaded at
  once); roles come from the same table and the same strict checks as launches.
* ``user_id`` is the member's launch ``sub``; names and emails are given only as the blocks
  share them (:class:`~codio_xblock.models.ToolResourceLink`).
* The next page is named by an opaque cursor holding the whole query (position, limit, role,
  resource link): Fernet-encrypted (the ``cryptography`` package, already a dependency) so
  it carries the LMS's user id without revealing it, and written in lower-case base32 so
  clients that lower-case the ``Link`` header (pylti1p3 2.0) keep it intact.
"""

import base64
import binascii
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.urls import reverse

from . import adapter, conf
from .lti1p3 import nrps as protocol
from .lti1p3.exceptions import InvalidRequest, LtiPlatformError, gettext_noop
from .lti1p3.roles import lti_roles_for
from .models import PlatformSubject, ToolContext, ToolResourceLink

# With a role filter a request reads at most this many members before it answers with the
# members found so far and a next link (a filter matching few members costs bounded work).
MAX_SCANNED_PER_PAGE = 5000


class NotFound(LtiPlatformError):
    error_code = "not_found"
    http_status = 404


def memberships_url(context):
    return conf.platform_issuer() + reverse("codio_xblock:nrps-memberships", args=[context.pk])


def _sync(model, lookup, values):
    """The row for ``lookup``, made or brought up to date with ``values`` (written only
    when something changed: a returning learner's launch writes nothing here)."""
    row, created = model.objects.get_or_create(**lookup, defaults=values)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if not created and changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
    return row


def service_claim(tool, course, *, usage_id, title, share_name, share_email):
    """The launch's ``namesroleservice`` claim, or None when the tool is not granted the
    membership scope. Records the course and the block (with what it shares)."""
    if protocol.SCOPE_MEMBERSHIP_READONLY not in tool.scope_list():
        return None
    context = _sync(
        ToolContext,
        {"tool": tool, "course_id": course.id},
        {"label": course.label[:255], "title": course.title[:255]},
    )
    _sync(
        ToolResourceLink,
        {"context": context, "usage_id": usage_id},
        {"title": title[:255], "share_name": share_name, "share_email": share_email},
    )
    return protocol.service_claim(memberships_url(context))


def _fernet():
    secret = hashlib.sha256(b"codio_xblock.nrps.cursor:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(secret))


def make_cursor(context, query):
    payload = json.dumps(
        {"c": context.pk, "a": query.after, "l": query.limit, "r": query.role, "k": query.rlid}
    ).encode()
    token = base64.urlsafe_b64decode(_fernet().encrypt(payload))
    return base64.b32encode(token).decode().rstrip("=").lower()


def read_cursor(context, cursor):
    """The :class:`~.lti1p3.nrps.MembershipQuery` a cursor of this context's pages holds."""
    try:
        raw = base64.b32decode(cursor.upper() + "=" * (-len(cursor) % 8))
        data = json.loads(_fernet().decrypt(base64.urlsafe_b64encode(raw)))
        if data["c"] != context.pk:
            raise ValueError(data)
        query = protocol.MembershipQuery(
            limit=int(data["l"]), role=str(data["r"]), rlid=str(data["k"]), after=int(data["a"])
        )
        if not 1 <= query.limit <= protocol.MAX_LIMIT:
            raise ValueError(data)
        return query
    except (InvalidToken, ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise InvalidRequest(gettext_noop("The page cursor is not valid.")) from exc


def _sharing(context, link):
    """(names, emails) the membership may give: one resource link's settings, or, for the
    whole context, only what every block the tool was launched from shares."""
    if link is not None:
        return link.share_name, link.share_email
    flags = list(context.links.values_list("share_name", "share_email"))
    if not flags:
        return False, False
    return all(name for name, _ in flags), all(email for _, email in flags)


def subjects_for(user_keys):
    """user key -> launch ``sub`` for many users at once (made for those who have none)."""
    found = dict(
        PlatformSubject.objects.filter(user_key__in=user_keys).values_list("user_key", "sub")
    )
    missing = [key for key in user_keys if key not in found]
    if missing:
        PlatformSubject.objects.bulk_create(
            [PlatformSubject(user_key=key) for key in missing], ignore_conflicts=True
        )
        found.update(
            PlatformSubject.objects.filter(user_key__in=missing).values_list("user_key", "sub")
        )
    return found


def _scan(course_id, after, batch_size):
    """The course's members after ``after``, in order, read a batch at a time."""
    platform = adapter.get()
    while True:
        batch = platform.course_members(course_id, after=after, limit=batch_size)
        yield from batch
        if len(batch) < batch_size:
            return
        after = batch[-1].position


def _lti_roles(member):
    return protocol.context_roles(lti_roles_for(member.course_roles, role_map=conf.get("ROLE_MAP")))


def membership_page(context, params):
    """One page of the context's membership: (container document, next page URL or None)."""
    cursor = protocol.cursor_of(params)
    query = read_cursor(context, cursor) if cursor else protocol.parse_query(params)
    link = None
    if query.rlid:
        link = context.links.filter(usage_id=query.rlid).first()
        if link is None:
            raise NotFound(gettext_noop("'rlid' is not a resource link of this context."))
    share_name, share_email = _sharing(context, link)

    taken, last, scanned, next_after = [], query.after, 0, None
    batch_size = query.limit + 1 if not query.role else max(query.limit + 1, 500)
    for member in _scan(context.course_id, last, batch_size):
        roles = _lti_roles(member)
        if not query.role or query.role in roles:
            if len(taken) == query.limit:  # one more member exists: the next page has it
                next_after = last
                break
            taken.append((member, roles))
        last = member.position
        scanned += 1
        if scanned >= MAX_SCANNED_PER_PAGE:
            next_after = last
            break

    subjects = subjects_for([member.user_key for member, _ in taken])
    members = [
        protocol.member(
            user_id=subjects[member.user_key],
            roles=roles,
            active=member.active,
            name=member.full_name if share_name else "",
            given_name=member.given_name if share_name else "",
            family_name=member.family_name if share_name else "",
            email=member.email if share_email else "",
        )
        for member, roles in taken
    ]
    base = memberships_url(context)
    next_url = None
    if next_after is not None:
        following = protocol.MembershipQuery(
            limit=query.limit, role=query.role, rlid=query.rlid, after=next_after
        )
        next_url = f"{base}?cursor={make_cursor(context, following)}"
    document = protocol.container(
        url=f"{base}?cursor={cursor}" if cursor else base,
        context_id=context.course_id,
        context_label=context.label,
        context_title=context.title,
        members=members,
    )
    return document, next_url
