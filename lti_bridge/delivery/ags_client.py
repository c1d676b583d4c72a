"""The bridge's client of the platform's services (AGS, and NRPS through
:mod:`lti_bridge.nrps_client`): one OAuth 2 access token per platform registration and
scope, shared by every task and worker through the cache until shortly before it expires;
every request with a timeout, a deadline and a size cap, to registered hosts only.

pylti1p3 has a service connector, but it fetches a token per connector instance and its
requests carry no timeout; delivery needs the shared token and explicit failure classes.
"""

import time
import uuid
from urllib.parse import urlsplit, urlunsplit

from django.core.cache import caches

from .. import conf, keys
from ..http import OutboundError, check_url, session
from ..protocol import keys as protocol_keys
from ..protocol.http import FetchError, bounded_request
from ..protocol.vocabulary import Scope

SCORE_SCOPE = Scope.SCORE.value
LINEITEM_SCOPE = Scope.LINEITEM.value
RESULT_SCOPE = Scope.RESULT_READONLY.value
# Open edX's LTI platform (xblock-lti-consumer) answers a stale or rotated token with 403
# "Invalid token signature", not 401: both mean "get a new token".
STALE_TOKEN_STATUSES = (401, 403)
# How xblock-lti-consumer answers the very same score sent again (HTTP 400).
ALREADY_HELD = "already exists for the provided timestamp"
TOKEN_MARGIN = 60  # seconds before expiry when a cached token stops being used


class DeliveryError(Exception):
    """``retryable`` failures are tried again later; ``retry_after`` in seconds if known."""

    def __init__(self, message, retryable, retry_after=None, status=None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


def service_url(lineitem_url, name):
    """The line item's ``scores`` or ``results`` service (AGS 2.0, 3.4, 3.3): the name goes
    on the path and the query stays, as Moodle's line item URLs (``...?type_id=1``) need."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + name, fragment=""))


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


def _send(method, url, registration, max_bytes=None, **kwargs):
    try:
        check_url(url, registration)
    except OutboundError as exc:
        raise DeliveryError(str(exc), retryable=False) from exc
    try:
        return bounded_request(
            session,
            method,
            url,
            timeout=conf.get("HTTP_TIMEOUT"),
            deadline=conf.get("HTTP_DEADLINE"),
            max_bytes=max_bytes or conf.get("HTTP_MAX_RESPONSE_BYTES"),
            **kwargs,
        )
    except FetchError as exc:  # network errors, timeouts, the deadline, oversized answers
        raise DeliveryError(f"{url}: {exc}", retryable=True) from exc


def _post(url, registration, **kwargs):
    return _send("POST", url, registration, **kwargs)


def access_token(registration, scope=SCORE_SCOPE, force=False):
    key = f"lti_bridge:ags-token:{registration.pk}:{scope}"
    cached = None if force else _cache().get(key)
    if cached:
        return cached
    signing = keys.signing_key()
    now = int(time.time())
    assertion = protocol_keys.sign(
        {
            "iss": registration.client_id,
            "sub": registration.client_id,
            # Most platforms want their token URL; some name another audience (D2L
            # Brightspace: https://api.brightspace.com/auth/token).
            "aud": registration.auth_audience or registration.auth_token_url,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        },
        signing.private_pem,
        signing.kid,
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


def authorized_request(registration, method, url, scope, **kwargs):
    """A request with a Bearer token for ``scope``. A cached token the platform refuses (401,
    or 403 as Open edX's platform answers a rotated key) is dropped and a new one fetched
    once. Raises :class:`DeliveryError` for refused hosts and network failures."""
    headers = kwargs.pop("headers", {})
    for attempt in (1, 2):
        token = access_token(registration, scope=scope, force=attempt == 2)
        response = _send(
            method,
            url,
            registration,
            headers={**headers, "Authorization": f"Bearer {token}"},
            **kwargs,
        )
        if response.status_code not in STALE_TOKEN_STATUSES:
            break
    return response


def _platform_holds(registration, lineitem_url, score):
    """Does the platform already hold exactly this score? Asked of its results endpoint
    (AGS 2.0, 3.3) when it offers one; None when it cannot be asked."""
    url = service_url(lineitem_url, "results")
    try:
        check_url(url, registration)
        token = access_token(registration, scope=RESULT_SCOPE)
        response = bounded_request(
            session,
            "GET",
            url,
            params={"user_id": score["userId"]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=conf.get("HTTP_TIMEOUT"),
            deadline=conf.get("HTTP_DEADLINE"),
            max_bytes=conf.get("HTTP_MAX_RESPONSE_BYTES"),
        )
        results = response.json() if response.status_code == 200 else None
    except (OutboundError, DeliveryError, FetchError, ValueError):
        return None
    if not isinstance(results, list):
        return None
    wanted = (score.get("scoreGiven"), score.get("scoreMaximum"))
    for result in results:
        if isinstance(result, dict) and result.get("userId") == score["userId"]:
            held = (result.get("resultScore"), result.get("resultMaximum"))
            if None in held or None in wanted:
                return None
            # Platforms may scale results to their own maximum: compare the fractions.
            return abs(held[0] / held[1] - wanted[0] / wanted[1]) < 1e-6 if held[1] else None
    return False


def post_score(registration, lineitem_url, score):
    """POST one AGS score. A stale token is refreshed once. A platform that answers that it
    already holds a score for this timestamp (the very same score, sent again after a lost
    answer) has it: that is a delivery, unless its results say it holds another score."""
    url = service_url(lineitem_url, "scores")
    try:
        check_url(url, registration)  # before asking for a token to send there
    except OutboundError as exc:
        raise DeliveryError(str(exc), retryable=False) from exc
    response = authorized_request(
        registration,
        "POST",
        url,
        SCORE_SCOPE,
        json=score,
        headers={"Content-Type": "application/vnd.ims.lis.v1.score+json"},
    )
    if response.status_code == 400 and ALREADY_HELD in response.text:
        if _platform_holds(registration, lineitem_url, score) is not False:
            return response
    _raise_for(response, "score")
    return response


def create_line_item(registration, lineitems_url, *, label, resource_link_id, tag=""):
    """POST a line item to the container (the claim had no line item); returns its URL."""
    try:
        check_url(lineitems_url, registration)
    except OutboundError as exc:
        raise DeliveryError(str(exc), retryable=False) from exc
    response = authorized_request(
        registration,
        "POST",
        lineitems_url,
        LINEITEM_SCOPE,
        json={
            "label": label[:255],
            "scoreMaximum": 100,
            "resourceLinkId": resource_link_id,
            **({"tag": tag} if tag else {}),
        },
        headers={"Content-Type": "application/vnd.ims.lis.v2.lineitem+json"},
    )
    _raise_for(response, "line item")
    try:
        url = response.json()["id"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DeliveryError("line item response has no id", retryable=True) from exc
    if not isinstance(url, str):
        raise DeliveryError("line item id is not a URL", retryable=False)
    return url
