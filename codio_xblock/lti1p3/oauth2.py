"""The platform's OAuth 2 token endpoint for LTI services (LTI Security 1.0, 4.1: client
credentials grant with a JWT client assertion, RFC 7523). Pure checks; errors carry the
RFC 6749 section 5.2 codes."""

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from .exceptions import LtiPlatformError, gettext_noop

GRANT_TYPE: Final = "client_credentials"
ASSERTION_TYPE: Final = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_AGE: Final = 300


class InvalidClient(LtiPlatformError):
    error_code = "invalid_client"
    http_status = 401


class UnsupportedGrantType(LtiPlatformError):
    error_code = "unsupported_grant_type"


class InvalidScopeRequest(LtiPlatformError):
    error_code = "invalid_scope"


class TokenRequestError(LtiPlatformError):
    error_code = "invalid_request"


@dataclass(frozen=True)
class TokenRequest:
    assertion: str
    scopes: tuple[str, ...]


MAX_SCOPES: Final = 20


def parse_token_request(params: Mapping[str, str]) -> TokenRequest:
    """The grant, the client assertion and the scopes asked for; which of them the client
    gets is decided once it is authenticated (:func:`grant_scopes`)."""
    if params.get("grant_type") != GRANT_TYPE:
        raise UnsupportedGrantType(gettext_noop("The grant type must be client_credentials."))
    if params.get("client_assertion_type") != ASSERTION_TYPE:
        raise TokenRequestError(gettext_noop("The client assertion type must be jwt-bearer."))
    assertion = params.get("client_assertion") or ""
    if not assertion or len(assertion) > 8192:
        raise TokenRequestError(gettext_noop("The client assertion is missing."))
    raw = params.get("scope") or ""
    requested = tuple(dict.fromkeys(raw.split()))
    if not requested:
        raise InvalidScopeRequest(gettext_noop("Ask for at least one scope."))
    if len(raw) > 4096 or len(requested) > MAX_SCOPES:
        raise InvalidScopeRequest(gettext_noop("Too many scopes were asked for."))
    return TokenRequest(assertion, requested)


def grant_scopes(
    requested: Iterable[str],
    *,
    offered: Container[str],
    allowed: Container[str],
    narrower: Mapping[str, str],
) -> tuple[str, ...]:
    """What a client gets of the scopes it asked for (RFC 6749, 3.3: the server may grant
    less, and says what it granted in the response's ``scope``): each scope this platform
    offers and the client is allowed, else its narrower form when the client is allowed
    that (``lineitem`` -> ``lineitem.readonly``); scopes neither offered nor allowed are
    left out. Refused (``invalid_scope``) only when nothing is left."""
    granted: dict[str, None] = {}
    for scope in requested:
        if scope in offered and scope in allowed:
            granted[scope] = None
        elif scope in narrower and narrower[scope] in offered and narrower[scope] in allowed:
            granted[narrower[scope]] = None
    if not granted:
        raise InvalidScopeRequest(
            gettext_noop("None of these scopes is granted to this tool: %(scopes)s."),
            scopes=" ".join(requested)[:500],
        )
    return tuple(granted)


def check_assertion_claims(
    claims: Mapping[str, Any], *, client_id: str, token_url: str, now: float
) -> None:
    """The assertion must be the client's own (iss = sub = client id), for this endpoint,
    fresh, and carry a jti (whose single use the caller enforces)."""
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise InvalidClient(gettext_noop("The client assertion is not the client's own."))
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if token_url not in audiences:
        raise InvalidClient(gettext_noop("The client assertion is for another audience."))
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or iat > now + 60 or now - iat > MAX_ASSERTION_AGE:
        raise InvalidClient(gettext_noop("The client assertion is too old or from the future."))
    if not isinstance(claims.get("jti"), str) or not claims["jti"]:
        raise InvalidClient(gettext_noop("The client assertion has no jti."))
