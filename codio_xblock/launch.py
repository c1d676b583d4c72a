"""Platform side of a launch: start it (third-party initiated login) and answer the
tool's OIDC authentication request with a signed id_token.

The XBlock calls :func:`start_launch`; the auth view calls :func:`authorize`.
"""

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.core.cache import caches
from django.utils import timezone

from lti_bridge.protocol import keys

from . import conf, hints, keystore
from .lti1p3.claims import LaunchData, PlatformIdentity, build_id_token_claims
from .lti1p3.deep_linking import check_content_url, registered_hosts
from .lti1p3.exceptions import (
    AccessDenied,
    InvalidHint,
    LoginRequired,
    UnauthorizedClient,
    gettext_noop,
)
from .lti1p3.oidc import check_client, parse_auth_request
from .models import PlatformSubject, StudioLaunch, ToolRegistration

log = logging.getLogger(__name__)

CACHE_PREFIX = "codio_xblock:launch:"


def _cache():
    return caches[conf.get("CACHE")]


def subject_for(user_key):
    """The stable opaque ``sub`` of a platform user (made on first need)."""
    subject, _ = PlatformSubject.objects.get_or_create(user_key=str(user_key))
    return subject.sub


def platform_identity():
    issuer = conf.platform_issuer()
    return PlatformIdentity(
        issuer=issuer,
        guid=conf.get("PLATFORM_GUID") or issuer,
        name=conf.get("PLATFORM_NAME"),
    )


def get_tool(slug):
    try:
        return ToolRegistration.objects.enabled().get(slug=slug)
    except ToolRegistration.DoesNotExist as exc:
        raise UnauthorizedClient(
            gettext_noop("The tool '%(slug)s' is not registered on this platform, or is disabled."),
            slug=slug,
        ) from exc


def tool_hosts(tool):
    """The hosts (``host:port``) of the tool's registered URLs: its launch, deep linking,
    OIDC login and redirect URLs. Content it chooses (a deep linking item's ``url``, the
    block's launch URL) must be on one of them."""
    return registered_hosts(
        [tool.launch_url, tool.deep_linking_url, tool.oidc_login_url, *tool.redirect_uri_list()]
    )


def http_content_allowed(tool):
    """Whether content of ``tool`` may be launched over http: only if this platform does
    not run on https, or the tool's own launch URL is http."""
    platform_https = conf.platform_issuer().lower().startswith("https:")
    return not platform_https or tool.launch_url.lower().startswith("http:")


def check_tool_url(url, tool):
    """``url`` if ``tool`` may be launched there (see :func:`check_content_url`)."""
    return check_content_url(url, hosts=tool_hosts(tool), allow_http=http_content_allowed(tool))


# A Studio launch's hints: this prefix and the StudioLaunch's random key (ADR 0011).
STUDIO_HINT = "studio."


def start_launch(launch, *, from_studio=False):
    """Snapshot ``launch`` server-side and return the tool's OIDC login URL to send the
    browser to (LTI Core 1.3, 4.1: third-party initiated login).

    A launch of the LMS keeps its snapshot in the cache, named by signed hints. A launch
    started in Studio (``from_studio``: the editor's deep linking request) is answered by
    the LMS, another Django process that need share neither the cache nor SECRET_KEY with
    Studio: its snapshot is a database row (both share the database), and both hints are
    its random, single-use key (unguessable as a signature is unforgeable)."""
    tool = get_tool(launch.tool_slug)
    launch_key = secrets.token_urlsafe(24)
    max_age = conf.get("LAUNCH_HINT_MAX_AGE")
    if from_studio:
        StudioLaunch.objects.filter(expires_at__lt=timezone.now()).delete()
        StudioLaunch.objects.create(
            key=launch_key,
            user_key=launch.user_key,
            usage_id=launch.usage_id,
            data=launch.to_dict(),
            expires_at=timezone.now() + timedelta(seconds=max_age),
        )
        login_hint = message_hint = STUDIO_HINT + launch_key
    else:
        _cache().set(CACHE_PREFIX + launch_key, launch.to_dict(), max_age)
        login_hint = hints.make_login_hint(launch.user_key)
        message_hint = hints.make_message_hint(
            user_key=launch.user_key, usage_id=launch.usage_id, launch_key=launch_key
        )
    params = {
        "iss": platform_identity().issuer,
        "login_hint": login_hint,
        "lti_message_hint": message_hint,
        "target_link_uri": launch.target_link_uri,
        "client_id": tool.client_id,
        "lti_deployment_id": tool.deployment_id,
    }
    separator = "&" if "?" in tool.oidc_login_url else "?"
    return tool.oidc_login_url + separator + urlencode(params)


def _take_studio_launch(request):
    """The StudioLaunch the hints name, taken (deleted: single use) if unexpired."""
    key = request.lti_message_hint[len(STUDIO_HINT) :]
    if request.login_hint != request.lti_message_hint or not key:
        raise InvalidHint(gettext_noop("The login hint and the message hint name different users."))
    row = StudioLaunch.objects.filter(key=key[:64], expires_at__gt=timezone.now()).first()
    if row is None:
        raise InvalidHint(
            gettext_noop("This launch has expired or was already used; open the unit again.")
        )
    return row


@dataclass(frozen=True)
class AuthResponse:
    redirect_uri: str
    id_token: str
    state: str


def authorize(params, current_user_key, now=None):
    """Check an OIDC authentication request and return the form post to make.

    ``current_user_key`` is the signed-in platform user (None if nobody is signed in).
    Raises a :class:`LtiPlatformError` subclass naming the problem.
    """
    request = parse_auth_request(params)
    studio = request.lti_message_hint.startswith(STUDIO_HINT)
    if studio:
        row = _take_studio_launch(request)
        launch = LaunchData.from_dict(row.data)
    else:
        max_age = conf.get("LAUNCH_HINT_MAX_AGE")
        message = hints.read_message_hint(request.lti_message_hint, max_age)
        login_user = hints.read_login_hint(request.login_hint, max_age)
        if login_user != message["u"]:
            raise InvalidHint(
                gettext_noop("The login hint and the message hint name different users.")
            )
        cache = _cache()
        data = cache.get(CACHE_PREFIX + message["k"])
        if data is None:
            raise InvalidHint(
                gettext_noop("This launch has expired or was already used; open the unit again.")
            )
        launch = LaunchData.from_dict(data)
        if launch.usage_id != message["b"] or launch.user_key != message["u"]:
            raise InvalidHint(gettext_noop("The message hint does not belong to this unit."))

    tool = get_tool(launch.tool_slug)
    check_client(request, client_id=tool.client_id, redirect_uris=tool.redirect_uri_list())

    if current_user_key is None:
        raise LoginRequired(gettext_noop("Sign in to the course before opening this unit."))
    if str(current_user_key) != launch.user_key:
        raise AccessDenied(gettext_noop("This launch was started for another user."))

    if studio:
        spent = StudioLaunch.objects.filter(pk=row.pk).delete()[0]
    else:
        spent = cache.delete(CACHE_PREFIX + message["k"])
    if not spent:
        raise InvalidHint(gettext_noop("This launch was already used; open the unit again."))

    now = int(now if now is not None else time.time())
    claims = build_id_token_claims(
        launch,
        platform=platform_identity(),
        client_id=tool.client_id,
        deployment_id=tool.deployment_id,
        nonce=request.nonce,
        now=now,
        lifetime=conf.get("ID_TOKEN_LIFETIME"),
    )
    key = keystore.signing_key()
    log.info("LTI launch of %s for tool %s (sub %s)", launch.usage_id, tool.slug, launch.sub)
    return AuthResponse(
        redirect_uri=request.redirect_uri,
        id_token=keys.sign(claims, key.private_pem, key.kid),
        state=request.state,
    )
