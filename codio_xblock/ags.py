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
from django.urls import reverse
from django.utils import timezone

from lti_bridge.protocol import keys
from lti_bridge.protocol.http import FetchError, fetch_json, find_key

from . import adapter, conf, keystore
from .lti1p3 import nrps
from .lti1p3.ags import IMPLEMENTED_SCOPES, parse_score
from .lti1p3.exceptions import AccessDenied, InvalidRequest, LtiPlatformError, gettext_noop
from .lti1p3.oauth2 import (
    InvalidClient,
    InvalidScopeRequest,
    check_assertion_claims,
    parse_token_request,
)
from .models import AgsScore, BlockLaunch, PlatformSubject, ToolRegistration

log = logging.getLogger(__name__)

TOKEN_LIFETIME = 3600
# Every scope the token endpoint may grant: the AGS scopes this platform implements and
# the membership service (NRPS 2.0); a tool is granted those of them it is registered for.
OFFERED_SCOPES = (*IMPLEMENTED_SCOPES, nrps.SCOPE_MEMBERSHIP_READONLY)
session = requests.Session()  # outbound: tool key sets only, each from its registration


class Unauthorized(AccessDenied):
    error_code = "invalid_token"
    http_status = 401


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
    request = parse_token_request(params, OFFERED_SCOPES)
    tool, claims = verify_tool_jwt(
        request.assertion,
        audience=token_url(),
        require=["iss", "sub", "aud", "exp", "iat", "jti"],
        refusals=CLIENT_ASSERTION_REFUSALS,
    )
    check_assertion_claims(claims, client_id=tool.client_id, token_url=token_url(), now=now)
    if not _cache().add(f"codio_xblock:jti:{tool.pk}:{claims['jti']}", 1, 600):
        raise InvalidClient(gettext_noop("The client assertion was already used."))
    refused = [scope for scope in request.scopes if scope not in tool.scope_list()]
    if refused:  # checked once the client is authenticated: strangers learn nothing
        raise InvalidScopeRequest(
            gettext_noop("These scopes are not granted to this tool: %(scopes)s."),
            scopes=" ".join(refused),
        )
    scope = " ".join(request.scopes)
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
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthorized(gettext_noop("A Bearer access token is needed."))
    token = authorization[len("Bearer ") :].strip()
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
        raise AccessDenied(gettext_noop("The access token does not grant this service."))
    tool = ToolRegistration.objects.enabled().filter(client_id=claims.get("sub")).first()
    if tool is None:
        raise Unauthorized(gettext_noop("The tool of this token is not registered."))
    if scope not in tool.scope_list():  # withdrawn since the token was issued
        raise AccessDenied(gettext_noop("This service is no longer granted to the tool."))
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


class BlockGone(LtiPlatformError):
    error_code = "not_found"
    http_status = 404


def _check_block_takes_scores(line_item, now):
    """Refuse scores for a block no longer in its course, one that is not scored, and
    (lti-consumer's rule) scores past the due date unless the block accepts late grades."""
    grading = adapter.get().block_grading(line_item.usage_id)
    if grading is None:
        raise BlockGone(gettext_noop("This unit is no longer in its course."))
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
    # The learner's user key, if they were launched into this unit: one query.
    user_key = (
        PlatformSubject.objects.filter(
            sub=score.user_id,
            user_key__in=BlockLaunch.objects.filter(line_item=line_item).values("user_key"),
        )
        .values_list("user_key", flat=True)
        .first()
    )
    if user_key is None:
        raise InvalidRequest(gettext_noop("'userId' is not a learner launched into this unit."))
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
        stored, created = AgsScore.objects.select_for_update().get_or_create(
            line_item=line_item, user_key=user_key, defaults=values
        )
        if created:  # written whole by the insert
            if score.is_final or score.clears:
                transaction.on_commit(lambda: _publish(stored, line_item))
            _log_score(user_key, line_item, score)
            return stored
        if _same_score(stored, score):
            if (score.is_final or score.clears) and stored.published is None:
                transaction.on_commit(lambda: _publish(stored, line_item))
            return stored
        if score.timestamp <= stored.timestamp:
            raise Conflict(gettext_noop("A score with the same or a newer timestamp is stored."))
        for name, value in values.items():
            setattr(stored, name, value)
        stored.published = None
        stored.save(update_fields=[*values, "published"])
        if score.is_final or score.clears:
            transaction.on_commit(lambda: _publish(stored, line_item))
    _log_score(user_key, line_item, score)
    return stored
