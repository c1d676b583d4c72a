"""Platform side of LTI Advantage services: OAuth 2 access tokens for tools (AGS and NRPS
scopes) and AGS scores written to the gradebook. Views call these; the protocol checks are
in :mod:`.lti1p3`."""

import logging
import secrets
import time
from dataclasses import dataclass

import jwt
import requests
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from lti_bridge.protocol import keys
from lti_bridge.protocol.http import FetchError, fetch_json, find_key

from . import adapter, conf, keystore
from .lti1p3 import nrps
from .lti1p3.ags import (
    IMPLEMENTED_SCOPES,
    NARROWER_SCOPE,
    LineItemQuery,
    LineItemValues,
    parse_line_item,
    parse_score,
    with_implied,
)
from .lti1p3.exceptions import AccessDenied, InvalidRequest, LtiPlatformError, gettext_noop
from .lti1p3.oauth2 import (
    InvalidClient,
    check_assertion_claims,
    grant_scopes,
    parse_token_request,
)
from .models import (
    AgsScore,
    BlockLaunch,
    LineItem,
    PlatformSubject,
    ToolContext,
    ToolRegistration,
    ToolResourceLink,
)

log = logging.getLogger(__name__)

TOKEN_LIFETIME = 3600
# Every scope the token endpoint may grant: the AGS scopes this platform implements and
# the membership service (NRPS 2.0); a tool is granted those of them it is registered for.
OFFERED_SCOPES = (*IMPLEMENTED_SCOPES, nrps.SCOPE_MEMBERSHIP_READONLY)
session = requests.Session()  # outbound: tool key sets only, each from its registration


class Unauthorized(AccessDenied):
    error_code = "invalid_token"
    http_status = 401


class InsufficientScope(AccessDenied):
    """RFC 6750, 3.1: a valid token without the scope this request needs."""

    error_code = "insufficient_scope"


class Conflict(InvalidRequest):
    error_code = "conflict"
    http_status = 409


def token_url():
    return conf.platform_issuer() + reverse("codio_xblock:token")


def _cache():
    return caches[conf.get("CACHE")]


def _tool_key(tool, kid):
    if tool.public_key_pem:
        return keys.jwk_from_public_pem(tool.public_key_pem, kid=kid)
    cache_key = f"codio_xblock:toolkeys:{tool.pk}"
    key_set = _cache().get(cache_key)
    key = find_key(key_set, kid) if key_set else None
    if key_set is None or (key is None and _cache().add(f"{cache_key}:cooldown", 1, 30)):
        try:  # the URL is the registration's own: a registered host by definition
            key_set = fetch_json(session, tool.keyset_url)
        except FetchError as exc:
            raise InvalidClient(gettext_noop("The tool's keys could not be fetched.")) from exc
        _cache().set(cache_key, key_set, 3600)
        key = find_key(key_set, kid)
    return key


@dataclass(frozen=True)
class Refusals:
    """How :func:`verify_tool_jwt` refuses, in the words of the endpoint using it."""

    malformed: type  # exception class for a token that is not a JWT
    refused: type  # exception class for every other refusal
    not_jwt: str
    unknown_tool: str
    unknown_key: str
    invalid: str


def verify_tool_jwt(token, *, audience, require, refusals, issuer=None):
    """The registered tool that signed ``token`` (its ``iss`` is the tool's client id) and
    the verified claims: RS256 with a key of the tool's key set, ``audience``, the claims
    in ``require``, one minute of clock leeway. Used for client assertions (RFC 7523) and
    deep linking responses."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError as exc:
        raise refusals.malformed(refusals.not_jwt) from exc
    tool = ToolRegistration.objects.enabled().filter(client_id=str(unverified.get("iss"))).first()
    if tool is None or header.get("alg") != keys.ALGORITHM:
        raise refusals.refused(refusals.unknown_tool)
    jwk = _tool_key(tool, header.get("kid"))
    try:
        public_key = keys.public_key_from_jwk(jwk) if jwk is not None else None
    except ValueError:  # another kty, malformed, or a private key published
        public_key = None
    if public_key is None:
        raise refusals.refused(refusals.unknown_key)
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=[keys.ALGORITHM],
            audience=audience,
            issuer=tool.client_id if issuer is None else issuer,
            options={"require": list(require)},
            leeway=60,
        )
    except jwt.InvalidTokenError as exc:
        raise refusals.refused(refusals.invalid) from exc
    return tool, claims


CLIENT_ASSERTION_REFUSALS = Refusals(
    malformed=InvalidClient,
    refused=InvalidClient,
    not_jwt=gettext_noop("The client assertion is not a JWT."),
    unknown_tool=gettext_noop("Unknown client."),
    unknown_key=gettext_noop("The client assertion was signed with an unknown key."),
    invalid=gettext_noop("The client assertion is not valid."),
)


def issue_token(params, now=None):
    """Answer a client-credentials token request (RFC 6749 4.4 with RFC 7523)."""
    now = int(now or time.time())
    request = parse_token_request(params)
    tool, claims = verify_tool_jwt(
        request.assertion,
        audience=token_url(),
        require=["iss", "sub", "aud", "exp", "iat", "jti"],
        refusals=CLIENT_ASSERTION_REFUSALS,
    )
    check_assertion_claims(claims, client_id=tool.client_id, token_url=token_url(), now=now)
    if not _cache().add(f"codio_xblock:jti:{tool.pk}:{claims['jti']}", 1, 600):
        raise InvalidClient(gettext_noop("The client assertion was already used."))
    # decided once the client is authenticated: strangers learn nothing of what is granted
    scope = " ".join(
        grant_scopes(
            request.scopes,
            offered=OFFERED_SCOPES,
            allowed=with_implied(tool.scope_list()),
            narrower=NARROWER_SCOPE,
        )
    )
    key = keystore.signing_key()
    token = keys.sign(
        {
            "iss": conf.platform_issuer(),
            "aud": token_url(),
            "sub": tool.client_id,
            "scope": scope,
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
            "jti": secrets.token_hex(16),
        },
        key.private_pem,
        key.kid,
    )
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME,
        "scope": scope,
    }


def authenticate(authorization, scope):
    """The tool behind a ``Bearer`` access token that grants ``scope``."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    # RFC 9110, 11.1: the scheme is case-insensitive ("bearer" is a Bearer token)
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(gettext_noop("A Bearer access token is needed."))
    token = token.strip()
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        jwk = keystore.ring.published_jwk(kid) if isinstance(kid, str) else None
        if jwk is None:
            raise KeyError(kid)
        claims = jwt.decode(
            token,
            keys.public_key_from_jwk(jwk),
            algorithms=[keys.ALGORITHM],
            audience=token_url(),
            issuer=conf.platform_issuer(),
        )
    except (jwt.InvalidTokenError, KeyError) as exc:
        raise Unauthorized(gettext_noop("The access token is not valid or has expired.")) from exc
    if scope not in str(claims.get("scope", "")).split():
        raise InsufficientScope(gettext_noop("The access token does not grant this service."))
    tool = ToolRegistration.objects.enabled().filter(client_id=claims.get("sub")).first()
    if tool is None:
        raise Unauthorized(gettext_noop("The tool of this token is not registered."))
    if scope not in with_implied(tool.scope_list()):  # withdrawn since the token was issued
        raise InsufficientScope(gettext_noop("This service is no longer granted to the tool."))
    return tool


def _same_score(stored, score):
    return (stored.timestamp, stored.score_given, stored.score_maximum, stored.comment) == (
        score.timestamp,
        score.score_given,
        score.score_maximum,
        score.comment,
    ) and (stored.activity_progress, stored.grading_progress) == (
        score.activity_progress,
        score.grading_progress,
    )


class NotFound(LtiPlatformError):
    """A block gone from its course, a line item deleted."""

    error_code = "not_found"
    http_status = 404


def _check_block_takes_scores(line_item, now):
    """Refuse scores for a block no longer in its course, one that is not scored, and
    (lti-consumer's rule) scores past the due date unless the block accepts late grades."""
    grading = adapter.get().block_grading(line_item.usage_id)
    if grading is None:
        raise NotFound(gettext_noop("This unit is no longer in its course."))
    refusal = grading.refusal(now)
    if refusal == "not_scored":
        raise AccessDenied(gettext_noop("This unit does not take scores."))
    if refusal == "past_due":
        raise AccessDenied(gettext_noop("This unit is past its due date and takes no more scores."))


def _publish(stored, line_item):
    """Write the stored final score to the LMS gradebook, raw (the LMS applies the block's
    weight), then note that it got there. Runs once the score's transaction committed.

    A score above its maximum (extra credit, which AGS requires platforms to accept) is kept
    as sent and reported so by the results service, but reaches the gradebook clamped to the
    maximum, as xblock-lti-consumer does: Open edX weights a block to at most its weight.
    A score without ``scoreGiven`` clears the learner's grade (AGS 2.0, 3.4.5)."""
    platform = adapter.get()
    if stored.score_given is None:
        platform.clear_grade(usage_id=line_item.usage_id, user_key=stored.user_key)
    else:
        platform.publish_grade(
            usage_id=line_item.usage_id,
            user_key=stored.user_key,
            raw_earned=min(stored.score_given, stored.score_maximum),
            raw_possible=stored.score_maximum,
            comment=stored.comment,
        )
    AgsScore.objects.filter(pk=stored.pk, timestamp=stored.timestamp).update(
        published=timezone.now()
    )


def _log_score(user_key, line_item, score):
    log.info(
        "AGS score for %s on %s: %s/%s (%s)",
        user_key,
        line_item.usage_id,
        score.score_given,
        score.score_maximum,
        score.grading_progress,
    )


def _reaches_gradebook(line_item, score):
    """A final score (or a cleared one) on a block's own line item; the tool's own line
    items never reach the Open edX gradebook (ADR 0012)."""
    return not line_item.made_by_tool and (score.is_final or score.clears)


def record_score(line_item, body):
    """Store a score for the line item and, once fully graded, write the gradebook.

    Returns the stored :class:`AgsScore`. A score older than the stored one raises
    :class:`Conflict` and changes nothing; a zero is a grade like any other. The same score
    sent again (a tool retrying after a timeout it could not tell from a failure) is
    accepted and changes nothing, except that a final score the gradebook did not get yet
    is published again. The gradebook is written after the score's transaction commits
    (the LMS's grade tasks must find it), never inside it.
    """
    score = parse_score(body)
    if line_item.made_by_tool:
        # The tool's own column: any learner the tool was launched for in the course; it
        # never reaches the gradebook (ADR 0012), so the block's rules do not apply.
        launches = BlockLaunch.objects.filter(
            line_item__tool_id=line_item.tool_id, line_item__course_id=line_item.course_id
        )
        refusal = gettext_noop("'userId' is not a learner launched by this tool in this course.")
    else:
        launches = BlockLaunch.objects.filter(line_item=line_item)
        refusal = gettext_noop("'userId' is not a learner launched into this unit.")
    # The learner's user key, if they were launched: one query.
    user_key = (
        PlatformSubject.objects.filter(sub=score.user_id, user_key__in=launches.values("user_key"))
        .values_list("user_key", flat=True)
        .first()
    )
    if user_key is None:
        raise InvalidRequest(refusal)
    if not line_item.made_by_tool:
        _check_block_takes_scores(line_item, timezone.now())
    values = {
        "score_given": score.score_given,
        "score_maximum": score.score_maximum,
        "activity_progress": score.activity_progress,
        "grading_progress": score.grading_progress,
        "comment": score.comment,
        "timestamp": score.timestamp,
    }
    with transaction.atomic():
        if line_item.made_by_tool and not _lock(line_item):
            raise NotFound(gettext_noop("This line item was deleted."))
        stored, created = AgsScore.objects.select_for_update().get_or_create(
            line_item=line_item, user_key=user_key, defaults=values
        )
        if created:  # written whole by the insert
            if _reaches_gradebook(line_item, score):
                transaction.on_commit(lambda: _publish(stored, line_item))
            _log_score(user_key, line_item, score)
            return stored
        if _same_score(stored, score):
            if _reaches_gradebook(line_item, score) and stored.published is None:
                transaction.on_commit(lambda: _publish(stored, line_item))
            return stored
        if score.timestamp <= stored.timestamp:
            raise Conflict(gettext_noop("A score with the same or a newer timestamp is stored."))
        for name, value in values.items():
            setattr(stored, name, value)
        stored.published = None
        # ``received`` (auto_now) is set by save() only when named: a replaced score is a
        # new score, received now.
        stored.save(update_fields=[*values, "published", "received"])
        if _reaches_gradebook(line_item, score):
            transaction.on_commit(lambda: _publish(stored, line_item))
    _log_score(user_key, line_item, score)
    return stored


# ---- the line item service (AGS 2.0, 3.2) ----


def context_for(tool, course):
    """The course as this tool sees it (its line items container, its membership service):
    made at the tool's first launch in the course, kept in step with the course's names."""
    values = {"label": course.label[:255], "title": course.title[:255]}
    context, created = ToolContext.objects.get_or_create(
        tool=tool, course_id=course.id, defaults=values
    )
    changed = [name for name, value in values.items() if getattr(context, name) != value]
    if not created and changed:
        for name in changed:
            setattr(context, name, values[name])
        context.save(update_fields=changed)
    return context


def line_items_of(context):
    """Every line item of the tool in the course: the blocks' own and the tool's."""
    return LineItem.objects.filter(tool_id=context.tool_id, course_id=context.course_id)


def context_of(item):
    """The context (the tool's course) a line item belongs to."""
    return ToolContext(tool_id=item.tool_id, course_id=item.course_id)


def find_line_items(context, query: LineItemQuery):
    """One page of the context's line items matching ``query``, in a stable order, and
    whether another page follows."""
    items = line_items_of(context)
    if query.resource_link_id:
        items = items.filter(
            Q(usage_id=query.resource_link_id)
            | Q(usage_id__isnull=True, resource_link_id=query.resource_link_id)
        )
    if query.resource_id:
        items = items.filter(resource_id=query.resource_id)
    if query.tag:
        items = items.filter(tag=query.tag)
    start = (query.page - 1) * query.limit
    page = list(items.order_by("pk")[start : start + query.limit + 1])
    return page[: query.limit], len(page) > query.limit


def _check_resource_link(context, resource_link_id):
    """A tool's line item may name a block of the course the tool was launched from."""
    if not resource_link_id:
        return
    known = (
        line_items_of(context).filter(usage_id=resource_link_id).exists()
        or ToolResourceLink.objects.filter(
            context__tool_id=context.tool_id,
            context__course_id=context.course_id,
            usage_id=resource_link_id,
        ).exists()
    )
    if not known:
        raise InvalidRequest(
            gettext_noop("'resourceLinkId' is not a resource link of this tool in this course.")
        )


def _line_item_fields(values: LineItemValues):
    return {
        "label": values.label,
        "score_maximum": values.score_maximum,
        "resource_link_id": values.resource_link_id,
        "resource_id": values.resource_id,
        "tag": values.tag,
        "start_date_time": values.start_date_time,
        "end_date_time": values.end_date_time,
    }


def create_line_item(context, body):
    """A new line item of the tool's own (AGS 2.0, 3.2.4), never in the gradebook."""
    values = parse_line_item(body)
    _check_resource_link(context, values.resource_link_id)
    limit = conf.get("MAX_TOOL_LINE_ITEMS_PER_COURSE")
    # the context's row serializes the tool's creates in the course: the count holds
    ToolContext.objects.select_for_update().filter(pk=context.pk).exists()
    mine = line_items_of(context).filter(usage_id__isnull=True)
    if mine.count() >= limit:
        raise InvalidRequest(
            gettext_noop("This tool has %(limit)s line items in this course, the most it may."),
            limit=limit,
        )
    item = LineItem.objects.create(
        tool_id=context.tool_id,
        course_id=context.course_id,
        usage_id=None,
        **_line_item_fields(values),
    )
    log.info("AGS line item %s made by %s in %s", item.pk, context.tool_id, context.course_id)
    return item


class ReadOnlyLineItem(AccessDenied):
    pass


def update_line_item(item, body):
    """Replace a line item of the tool's (AGS 2.0, 3.2.8). A block's own line item follows
    the block, which the course team edits in Studio: a PUT may send it back unchanged,
    never change it."""
    values = parse_line_item(body)
    if not item.made_by_tool:
        fields = _line_item_fields(values)
        fields["resource_link_id"] = values.resource_link_id or item.usage_id
        current = {name: getattr(item, name) for name in fields}
        current["resource_link_id"] = item.usage_id
        unchanged = fields == current
        if not unchanged:
            raise ReadOnlyLineItem(
                gettext_noop(
                    "This is a unit's own line item: the course team sets its label and "
                    "points in Studio."
                )
            )
        return item
    _check_resource_link(context_of(item), values.resource_link_id)
    fields = _line_item_fields(values)
    for name, value in fields.items():
        setattr(item, name, value)
    item.save(update_fields=[*fields, "modified"])
    return item


def delete_line_item(item):
    """Delete a line item of the tool's, with its scores (AGS 2.0, 3.2.9). A block's own
    line item is the block's gradebook column: it cannot be deleted by the tool."""
    if not item.made_by_tool:
        raise ReadOnlyLineItem(
            gettext_noop("This is a unit's own line item: it goes only with the unit.")
        )
    if not _lock(item):  # deleted by a request just before this one
        raise NotFound(gettext_noop("This line item was deleted."))
    log.info("AGS line item %s deleted by %s", item.pk, item.tool_id)
    item.delete()


def _lock(item):
    """Lock a tool's line item row for the transaction (a score and the line item's
    deletion wait for each other); False if it is gone."""
    return LineItem.objects.select_for_update().filter(pk=item.pk).exists()
