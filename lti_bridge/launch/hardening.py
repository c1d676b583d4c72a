"""One layer that closes the gaps pylti1p3 leaves a tool to close.

Each check is a small override of pylti1p3's own step, raising a
:mod:`.errors` exception with plain words; tests in ``tests/bridge/test_hardening.py`` cover
each one:

* state and nonce are single use (pylti1p3 accepts a state again with the same
  id_token, and never forgets a nonce);
* the id_token must be RS256, carry ``exp`` and ``iat``; ``iat`` not in the future nor
  older than MAX_TOKEN_AGE; ``aud`` must hold our client id and, with several
  audiences, ``azp`` must be present and equal to it;
* ``target_link_uri`` must be present and one of our launch URLs;
* the OIDC redirect URI comes from our allowlist, never from the request;
* platform key sets are cached in the shared cache and refetched once, with a
  cooldown, on an unknown ``kid`` (key rotation); every fetch is bounded by its deadline
  and independent of the fetches of other key sets.
"""

import copy
import hashlib
import logging
import secrets
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import jwt
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.launch_data_storage.cache import DjangoCacheDataStorage
from pylti1p3.exception import LtiException, OIDCException

from .. import conf
from ..http import OutboundError, get_json
from ..models import SpentValue
from ..protocol import keys
from ..protocol.http import FetchTimeout, find_key
from ..protocol.vocabulary import Claim, MessageType
from . import errors
from .message import check_claim_types, parse

log = logging.getLogger(__name__)

ALGORITHM = "RS256"


def _cache():
    return caches[conf.get("CACHE")]


class LaunchDataStorage(DjangoCacheDataStorage):
    """pylti1p3's cache storage without its ``lti1p3-session-id`` cookie.

    Over HTTPS pylti1p3 keys every nonce by a session id kept in that cookie, which each
    login mints when the browser has none. The units of one course page log in at the same
    moment, each before any answer has set the cookie: every login mints its own, the browser
    keeps the last, and every other frame's launch then finds no nonce ("Invalid Nonce").
    What the session id was for, tying a nonce to the browser that logged in, is done here
    by tying it to the login's state instead (:class:`HardenedOIDCLogin` records the nonce
    with the state, :meth:`HardenedMessageLaunch.validate_nonce` compares them), and the
    state is tied to the browser by its own cookie, one per login."""

    def get_session_cookie_name(self):
        return None


def launch_data_storage():
    return LaunchDataStorage(cache_name=conf.get("CACHE"))


NONCE_PARAM = "lti_bridge_nonce"


def _claim_once(kind, value, ttl):
    """Mark ``value`` used; False if an accepted launch used it before.

    An insert guarded by a unique constraint (see :class:`SpentValue`), in its own
    savepoint. Expired rows are swept now and then by the same call.
    """
    if len(kind) > SpentValue._meta.get_field("kind").max_length:  # SQLite would not say
        raise ValueError(f"spent value kind {kind!r} is longer than its column")
    now = timezone.now()
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
    if secrets.randbelow(100) == 0:
        SpentValue.objects.filter(expires__lt=now).delete()
    try:
        with transaction.atomic():
            SpentValue.objects.create(
                kind=kind, digest=digest, expires=now + timedelta(seconds=ttl)
            )
    except IntegrityError:
        return False
    return True


def _was_claimed(kind, value):
    """Whether an accepted launch used ``value`` (see :func:`_claim_once`)."""
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
    return SpentValue.objects.filter(kind=kind, digest=digest, expires__gte=timezone.now()).exists()


class _Flight:
    """One fetch of a key set under way in this process, and how it ended."""

    def __init__(self):
        self.done = threading.Event()
        self.data = None
        self.error = None


_flights = {}  # cache key of a key set URL -> its _Flight
_flights_guard = threading.Lock()


class KeySetCache:
    """Platform key sets in the shared cache, with a refetch on an unknown kid.

    A cold cache is filled by one fetch, however many launches arrive at once: the threads
    of a process wait for the one fetch of that URL under way and share how it ended (its
    key set, or its failure: they do not queue to try one after another), and across
    processes the first to take a lock in the shared cache fetches while the others wait
    (at most the fetch's deadline) for its result. A burst of first launches used to fetch
    the key set once per launch, and the platform's key set endpoint, hit by all of them,
    answered some with errors.

    Everything here is per key set URL: a fetch of one registration's key set never waits
    for, or shares a lock or a connection with, a fetch of another's (protocol.http)."""

    POLL_SECONDS = 0.05

    def __init__(self, url):
        self.url = url
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
        self.key = f"lti_bridge:keyset:{digest}"
        self.cooldown_key = f"lti_bridge:keyset-refetch:{digest}"
        self.lock_key = f"lti_bridge:keyset-fetching:{digest}"

    @staticmethod
    def deadline():
        """Seconds one fetch may take in all (HTTP_DEADLINE): what others wait for it."""
        return float(conf.get("HTTP_DEADLINE"))

    def fetch(self):
        local = local_key_set(self.url)
        try:
            data = local() if local else get_json(self.url)
        except OutboundError as exc:
            cause = exc.__cause__
            if isinstance(cause, FetchTimeout):
                raise errors.KeySetTimeout(
                    f"key set {self.url}: {exc}", seconds=cause.deadline
                ) from exc
            raise errors.KeySetUnavailable(f"key set {self.url}: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise errors.KeySetUnavailable(f"key set {self.url} is not a JWKS")
        _cache().set(self.key, data, conf.get("KEYSET_CACHE_SECONDS"))
        return data

    def get(self):
        data = _cache().get(self.key)
        if data:
            return data
        with _flights_guard:
            flight = _flights.get(self.key)
            leads = flight is None
            if leads:
                flight = _flights[self.key] = _Flight()
        if not leads:
            return self._join(flight)
        try:
            flight.data = _cache().get(self.key) or self._fetch_once()
        except errors.LaunchError as exc:
            flight.error = exc
            raise
        except Exception as exc:  # the waiters get a refusal, never a missing key set
            flight.error = errors.KeySetUnavailable(f"key set {self.url}: {exc}")
            raise
        finally:
            with _flights_guard:
                _flights.pop(self.key, None)
            flight.done.set()
        return flight.data

    def _join(self, flight):
        """The outcome of the fetch another thread of this process is making."""
        # the leader waits at most for another process's fetch, then makes its own
        if not flight.done.wait(2 * self.deadline() + 2):  # pragma: no cover - it ends
            raise errors.KeySetTimeout(f"key set {self.url}: the fetch under way did not end")
        if flight.error is not None:
            raise copy.copy(flight.error) from flight.error
        return flight.data

    def _fetch_once(self):
        """Fetch, unless another process is fetching: then wait for what it stores."""
        deadline = self.deadline()
        # the lock outlives the fetch it guards (never an early second fetch), not longer
        if _cache().add(self.lock_key, 1, int(deadline) + 2):
            try:
                return self.fetch()
            finally:
                _cache().delete(self.lock_key)
        ends = time.monotonic() + deadline + 1
        while time.monotonic() < ends:
            time.sleep(self.POLL_SECONDS)
            data = _cache().get(self.key)
            if data:
                return data
            if _cache().get(self.lock_key) is None:  # its fetch failed: try ours
                return self.fetch()
        # the other process's fetch ran out its deadline: the platform is that slow now
        raise errors.KeySetTimeout(
            f"key set {self.url}: another process's fetch did not end", seconds=deadline
        )

    def refetch_allowed(self):
        return _cache().add(self.cooldown_key, 1, conf.get("KEYSET_REFETCH_COOLDOWN"))


def local_key_set(url):
    """The in-process reader of a key set this deployment serves itself (LOCAL_KEY_SETS),
    or None: the URL must be on BASE_URL's origin and name a listed view."""
    parts, own = urlsplit(url), urlsplit(conf.base_url())
    readers = conf.get("LOCAL_KEY_SETS")
    if not readers or (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
        return None
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return None
    return import_string(readers[name]) if name in readers else None


def from_library_error(exc):
    """The bridge's refusal for an error pylti1p3 raised: a missing cookie (a browser that
    blocks third-party cookies in the LMS's iframe, over HTTPS) is the cookies page, the
    rest a malformed launch."""
    text = str(exc)
    if "cookie" in text.lower():
        return errors.CookiesBlocked(f"pylti1p3: {text}")
    return errors.InvalidToken(f"pylti1p3: {text}")


class HardenedMessageLaunch(DjangoMessageLaunch):
    """pylti1p3's launch with the checks listed in the module docstring."""

    def __init__(self, *args, **kwargs):
        try:
            super().__init__(*args, **kwargs)
        except (LtiException, OIDCException) as exc:  # e.g. "Missing cookie session-id"
            raise from_library_error(exc) from exc

    def launch_message(self):
        """The validated launch as the one parse makes it (:func:`.message.parse`): the
        typed value the flows receive."""
        return parse(self.get_launch_data())

    def get_client_id(self):
        body = self._get_jwt_body()
        aud = body.get("aud")
        if isinstance(aud, list):
            azp = body.get("azp")
            if len(aud) > 1:
                return azp if azp in aud else None
            return aud[0] if aud else None
        return aud

    # -- state: must match the cookie set at login; single use (claimed on success) --
    def validate_state(self):
        state = self._get_request_param("state")
        if not state:
            raise errors.InvalidToken("missing state parameter")
        if self._cookie_service.get_cookie(state) != state:
            if _was_claimed("state", state):  # a launch posted again (reload, back button):
                raise errors.Replayed("state already used")  # its cookie went with it
            raise errors.CookiesBlocked("state cookie missing or different")
        return self

    def validate_jwt_format(self):
        token = self._get_request_param("id_token")
        if isinstance(token, str) and len(token) > conf.get("MAX_ID_TOKEN_SIZE"):
            raise errors.InvalidToken(f"id_token of {len(token)} bytes is over MAX_ID_TOKEN_SIZE")
        try:
            super().validate_jwt_format()
        except LtiException as exc:
            raise errors.InvalidToken(str(exc)) from exc
        if not isinstance(self._jwt.get("body"), dict) or not isinstance(
            self._jwt.get("header"), dict
        ):
            raise errors.InvalidToken("id_token header or body is not a JSON object")
        check_claim_types(self._jwt["body"])
        return self

    def validate_nonce(self):
        try:
            super().validate_nonce()
        except LtiException as exc:
            raise errors.Replayed(f"nonce not issued by this tool or expired: {exc}") from exc
        # The nonce must be the one issued with this launch's state (see LaunchDataStorage):
        # an id_token carrying another login's nonce is refused in this browser.
        issued = self._session_service.get_state_params(self._get_request_param("state")) or {}
        nonce = self._get_jwt_body().get("nonce")
        if not isinstance(nonce, str) or not constant_time_compare(
            str(issued.get(NONCE_PARAM, "")), nonce
        ):
            raise errors.Replayed("nonce not issued with this launch's state")
        return self

    def validate_registration(self):
        body = self._get_jwt_body()
        aud = body.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and "azp" not in body:
            raise errors.WrongAudience("several audiences and no azp")
        client_id = self.get_client_id()
        if not client_id:
            raise errors.WrongAudience(f"azp {body.get('azp')!r} is not one of aud {aud!r}")
        if not isinstance(body.get("iss"), str) or not body.get("iss"):
            raise errors.MissingClaim("iss")
        try:
            super().validate_registration()
        except LtiException as exc:
            reason = f"no registration for iss={body.get('iss')!r} client_id={client_id!r}"
            if isinstance(aud, list) and len(aud) > 1:
                raise errors.WrongAudience(reason) from exc  # azp names another party
            raise errors.UnknownPlatform(f"{reason}: {exc}") from exc
        return self

    # -- keys: cached key sets, one refetch on an unknown kid (rotation) --
    def get_public_key(self):
        header = self._jwt.get("header", {})
        kid, alg = header.get("kid"), header.get("alg")
        if alg != ALGORITHM:
            raise errors.BadSignature(f"alg {alg!r} is not {ALGORITHM}")
        if not kid:
            raise errors.UnknownKey("id_token header has no kid")
        static = self._registration.get_key_set()
        if static:
            key = find_key(static, kid)
        else:
            url = self._registration.get_key_set_url()
            if not url or not url.startswith(("https://", "http://")):
                raise errors.KeySetUnavailable(f"invalid key set URL {url!r}")
            cache = KeySetCache(url)
            key = find_key(cache.get(), kid)
            if key is None and cache.refetch_allowed():
                log.info("Unknown kid %s: refetching key set %s", kid, url)
                key = find_key(cache.fetch(), kid)
        if key is None:
            raise errors.UnknownKey(f"kid {kid!r} not in the platform's key set")
        try:
            return keys.public_key_from_jwk(key), ALGORITHM
        except (ValueError, TypeError, KeyError) as exc:
            raise errors.UnknownKey(f"kid {kid!r} is not a usable RSA key") from exc

    def validate_jwt_signature(self):
        public_key, alg = self.get_public_key()
        skew = conf.get("CLOCK_SKEW")
        try:
            body = jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[alg],
                audience=self.get_client_id(),
                leeway=skew,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise errors.Expired(str(exc)) from exc
        except jwt.MissingRequiredClaimError as exc:
            raise errors.MissingClaim(exc.claim, str(exc)) from exc
        except jwt.InvalidAudienceError as exc:
            raise errors.WrongAudience(str(exc)) from exc
        except jwt.ImmatureSignatureError as exc:
            raise errors.InvalidToken(f"iat or nbf in the future: {exc}") from exc
        except jwt.InvalidSignatureError as exc:
            raise errors.BadSignature(str(exc)) from exc
        except jwt.InvalidTokenError as exc:
            raise errors.InvalidToken(str(exc)) from exc
        if body.get("azp") is not None and body["azp"] != self._registration.get_client_id():
            raise errors.WrongAudience(f"azp {body['azp']!r} is not our client id")
        if time.time() - body["iat"] > conf.get("MAX_TOKEN_AGE") + skew:
            raise errors.Expired(f"iat {body['iat']} is older than MAX_TOKEN_AGE")
        return self

    def validate_deployment(self):
        try:
            return super().validate_deployment()
        except LtiException as exc:
            raise errors.UnknownDeployment(str(exc)) from exc

    def validate_message(self):
        body = self._get_jwt_body()
        message_type = body.get(Claim.MESSAGE_TYPE)
        if message_type not in (MessageType.RESOURCE_LINK, MessageType.DEEP_LINKING):
            raise errors.Unsupported(f"message type {message_type!r}")
        if message_type == MessageType.DEEP_LINKING:
            # The signed response goes back to the platform through the browser: only to
            # one of the registration's own hosts.
            from ..http import OutboundError, check_url

            try:
                return_url = body[Claim.DL_SETTINGS]["deep_link_return_url"]
                check_url(return_url, self._tool_config.registration_model)
            except OutboundError as exc:
                raise errors.InvalidToken(f"deep_link_return_url: {exc}") from exc
        target = body.get(Claim.TARGET_LINK_URI)
        if not target:
            raise errors.MissingClaim("target_link_uri")
        if target not in conf.launch_urls():
            raise errors.WrongLaunchUrl(f"target_link_uri {target!r} is not ours")
        try:
            return super().validate_message()
        except LtiException as exc:
            raise errors.InvalidToken(f"message validation: {exc}") from exc

    def save_launch_data(self):
        """Last step, reached only by a fully valid launch: spend state and nonce."""
        ttl = conf.get("MAX_TOKEN_AGE") + 2 * conf.get("CLOCK_SKEW") + 3600
        if not _claim_once("state", self._get_request_param("state"), ttl):
            raise errors.Replayed("state already used")
        if not _claim_once("nonce", self._get_jwt_body()["nonce"], ttl):
            raise errors.Replayed("nonce already used")
        return super().save_launch_data()


class HardenedOIDCLogin(DjangoOIDCLogin):
    """Login initiation: registration known, target link one of ours."""

    def __init__(self, *args, **kwargs):
        try:
            super().__init__(*args, **kwargs)
        except (LtiException, OIDCException) as exc:
            raise from_library_error(exc) from exc

    PARAMS = (
        "iss",
        "login_hint",
        "lti_message_hint",
        "target_link_uri",
        "client_id",
        "lti_deployment_id",
        "lti_storage_target",
    )

    def validate_oidc_login(self):
        for name in self.PARAMS:
            value = self._get_request_param(name)
            if value and len(value) > conf.get("MAX_LOGIN_PARAM_SIZE"):
                raise errors.InvalidToken(f"login parameter {name} is over MAX_LOGIN_PARAM_SIZE")
        target = self._get_request_param("target_link_uri")
        if not target:
            raise errors.MissingClaim("target_link_uri", "login without target_link_uri")
        if target not in conf.launch_urls():
            raise errors.WrongLaunchUrl(f"login target_link_uri {target!r} is not ours")
        try:
            registration = super().validate_oidc_login()
        except OIDCException as exc:
            raise errors.UnknownPlatform(
                f"login from iss={self._get_request_param('iss')!r} "
                f"client_id={self._get_request_param('client_id')!r}: {exc}"
            ) from exc
        deployment_id = self._get_request_param("lti_deployment_id")
        if deployment_id and not self._tool_config.find_deployment_by_params(
            registration.get_issuer(), deployment_id, registration.get_client_id()
        ):
            raise errors.UnknownDeployment(f"login with deployment {deployment_id!r}")
        return registration

    def _generate_nonce(self):
        """pylti1p3's nonce, also kept with the login's state: pylti1p3 saves the state's
        parameters right after making the nonce, in the same step (oidc_login.py
        ``_prepare_redirect_url``); see :class:`LaunchDataStorage` for why."""
        nonce = super()._generate_nonce()
        self._state_params = {**(self._state_params or {}), NONCE_PARAM: nonce}
        return nonce

    def redirect_uri(self):
        """Our launch URL for this login: the request's target only if it is on our list."""
        target = self._get_request_param("target_link_uri")
        return target if target in conf.launch_urls() else conf.launch_urls()[0]
