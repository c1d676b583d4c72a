"""The bridge's AGS client: one OAuth 2 access token per platform registration, shared by
every task and worker through the cache until shortly before it expires; scores posted
with a timeout to registered hosts only.

pylti1p3 has a service connector, but it fetches a token per connector instance and its
requests carry no timeout; delivery needs the shared token and explicit failure classes.
"""

import time
import uuid

import jwt
import requests
from django.core.cache import caches

from .. import conf, keys
from ..http import OutboundError, check_url, session

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
TOKEN_MARGIN = 60  # seconds before expiry when a cached token stops being used


class DeliveryError(Exception):
    """``retryable`` failures are tried again later; ``retry_after`` in seconds if known."""

    def __init__(self, message, retryable, retry_after=None, status=None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


def _cache():
    return caches[conf.get("CACHE")]


def _retry_after(response):
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else None


def _raise_for(response, what):
    if response.status_code < 400:
        return
    retryable = response.status_code >= 500 or response.status_code in (408, 429)
    raise DeliveryError(
        f"{what}: HTTP {response.status_code} {response.text[:500]}",
        retryable=retryable,
        retry_after=_retry_after(response),
        status=response.status_code,
    )


def _post(url, registration, **kwargs):
    try:
        check_url(url, registration)
    except OutboundError as exc:
        raise DeliveryError(str(exc), retryable=False) from exc
    try:
        return session.post(url, timeout=conf.get("HTTP_TIMEOUT"), allow_redirects=False, **kwargs)
    except requests.RequestException as exc:  # network errors and timeouts
        raise DeliveryError(f"{url}: {exc}", retryable=True) from exc


def access_token(registration, scope=SCORE_SCOPE, force=False):
    key = f"lti_bridge:ags-token:{registration.pk}:{scope}"
    cached = None if force else _cache().get(key)
    if cached:
        return cached
    signing = keys.signing_key()
    now = int(time.time())
    assertion = jwt.encode(
        {
            "iss": registration.client_id,
            "sub": registration.client_id,
            "aud": registration.auth_token_url,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        },
        signing.private_pem,
        algorithm="RS256",
        headers={"kid": signing.kid},
    )
    response = _post(
        registration.auth_token_url,
        registration,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": scope,
        },
    )
    _raise_for(response, "token request")
    try:
        body = response.json()
        token, lifetime = body["access_token"], int(body.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError) as exc:
        raise DeliveryError("token response is not a token", retryable=True) from exc
    _cache().set(key, token, max(lifetime - TOKEN_MARGIN, 1))
    return token


def post_score(registration, lineitem_url, score):
    """POST one AGS score; a 401 refreshes the token once."""
    url = lineitem_url.split("?")[0].rstrip("/") + "/scores"
    try:
        check_url(url, registration)  # before asking for a token to send there
    except OutboundError as exc:
        raise DeliveryError(str(exc), retryable=False) from exc
    for attempt in (1, 2):
        token = access_token(registration, force=attempt == 2)
        response = _post(
            url,
            registration,
            json=score,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/vnd.ims.lis.v1.score+json",
            },
        )
        if response.status_code != 401:
            break
    _raise_for(response, "score")
    return response


def create_line_item(registration, lineitems_url, *, label, resource_link_id, tag=""):
    """POST a line item to the container (the claim had no line item); returns its URL."""
    try:
        check_url(lineitems_url, registration)
    except OutboundError as exc:
        raise DeliveryError(str(exc), retryable=False) from exc
    token = access_token(registration, scope=LINEITEM_SCOPE)
    response = _post(
        lineitems_url,
        registration,
        json={
            "label": label[:255],
            "scoreMaximum": 100,
            "resourceLinkId": resource_link_id,
            **({"tag": tag} if tag else {}),
        },
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/vnd.ims.lis.v2.lineitem+json",
        },
    )
    _raise_for(response, "line item")
    try:
        url = response.json()["id"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DeliveryError("line item response has no id", retryable=True) from exc
    if not isinstance(url, str):
        raise DeliveryError("line item id is not a URL", retryable=False)
    return url
