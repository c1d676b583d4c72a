"""Deep Linking 2.0, platform side: an author chooses the block's unit in the tool.

:func:`start` makes the deep linking request launch (from the block's ``deep_link``
handler, Studio editor's "Choose a unit"); :func:`finish` takes the tool's signed
``LtiDeepLinkingResponse`` at the platform's endpoint and saves the choice into the block.

The request's ``data`` is signed here and binds the response to one author, one block, one
tool and one request (single use, ``DATA_MAX_AGE``); the response must be signed by that
tool's key, addressed to this platform, fresh, of the tool's deployment, and never seen
before (its nonce).
"""

import logging
import secrets

from django.core import signing
from django.core.cache import caches
from django.urls import NoReverseMatch, reverse

from lti_bridge.protocol.vocabulary import Claim

from . import adapter, conf
from .ags import Refusals, verify_tool_jwt
from .lti1p3.deep_linking import parse_response, settings_claim
from .lti1p3.exceptions import AccessDenied, InvalidRequest, gettext_noop

log = logging.getLogger(__name__)

SALT = "codio_xblock.deep_linking"
DATA_MAX_AGE = 30 * 60  # seconds an author has to choose
MAX_RESPONSE = 64 * 1024  # bytes of the response JWT


# The LMS serves the platform's endpoints (plugin_app url_config, under /codio/); Studio,
# where the choice starts, does not route them, so the path is known, not reversed there.
LMS_RESPONSE_PATH = "/codio/lti/v1/deep-linking/response"


def return_url():
    try:
        path = reverse("codio_xblock:deep-linking-response")
    except NoReverseMatch:  # Studio
        path = LMS_RESPONSE_PATH
    return conf.platform_issuer() + path


def request_settings(*, user_key, usage_id, tool_slug, title):
    data = signing.dumps(
        {"u": str(user_key), "b": usage_id, "t": tool_slug, "r": secrets.token_urlsafe(16)},
        salt=SALT,
        compress=True,
    )
    return settings_claim(return_url=return_url(), data=data, title=title)


def _cache():
    return caches[conf.get("CACHE")]


RESPONSE_REFUSALS = Refusals(
    malformed=InvalidRequest,
    refused=AccessDenied,
    not_jwt=gettext_noop("The deep linking response is not a JWT."),
    unknown_tool=gettext_noop("The deep linking response is not from a registered tool."),
    unknown_key=gettext_noop("The deep linking response is signed with an unknown key."),
    invalid=gettext_noop("The deep linking response is not valid (signature, audience or age)."),
)


def _verified_claims(token):
    if not isinstance(token, str) or not token or len(token) > MAX_RESPONSE:
        raise InvalidRequest(gettext_noop("The deep linking response is missing or too large."))
    tool, claims = verify_tool_jwt(
        token,
        audience=conf.platform_issuer(),
        require=["iss", "aud", "exp", "iat", "nonce"],
        refusals=RESPONSE_REFUSALS,
    )
    if not isinstance(claims["nonce"], str):
        raise InvalidRequest(gettext_noop("The deep linking response has no nonce."))
    return tool, claims


def _spend_nonce(tool, claims):
    if not _cache().add(f"codio_xblock:dl-nonce:{tool.pk}:{claims['nonce'][:200]}", 1, 3600):
        raise AccessDenied(gettext_noop("This deep linking response was already used."))


def finish(request, token):
    """Check the tool's response and save the author's choice into the block. Returns
    (usage_id, response, tool slug); ``response`` has the choice (or None) and the tool's
    words."""
    tool, claims = _verified_claims(token)
    raw = claims.get(Claim.DL_DATA)
    try:
        data = signing.loads(raw, salt=SALT, max_age=DATA_MAX_AGE)
    except (signing.BadSignature, TypeError) as exc:
        raise AccessDenied(
            gettext_noop("This choice was not asked for here, or it has expired.")
        ) from exc
    usage_id = data["b"]
    if data["t"] != tool.slug:
        raise AccessDenied(gettext_noop("This choice comes from another tool than the one asked."))
    platform = adapter.get()
    if str(platform.current_user_key(request)) != data["u"]:
        raise AccessDenied(gettext_noop("This choice was started by another user."))
    if not platform.request_can_author(request, usage_id):
        raise AccessDenied(gettext_noop("Only the course team may choose this unit."))
    response = parse_response(claims, deployment_id=tool.deployment_id)
    # Spent only by the author's own, well-formed answer: a stranger who replays a stolen
    # response cannot use it up.
    _spend_nonce(tool, claims)
    if not _cache().add(f"codio_xblock:dl-data:{data['r']}", 1, DATA_MAX_AGE + 60):
        raise AccessDenied(gettext_noop("This choice was already saved."))
    if response.choice is not None:
        choice = response.choice
        values = {"unit": choice.unit, "tool": tool.slug}
        if choice.title:
            values["display_name"] = choice.title
        values["custom_parameters"] = "\n".join(f"{k}={v}" for k, v in choice.custom)
        if choice.score_maximum is not None:  # the line item's maximum, not the course weight
            values["points_in_tool"] = choice.score_maximum
        if choice.launch_mode:
            values["launch_mode"] = choice.launch_mode
        if choice.height:
            values["iframe_height"] = choice.height
        try:
            platform.update_block(request, usage_id, values)
        except LookupError as exc:
            raise InvalidRequest(gettext_noop("This unit is no longer in its course.")) from exc
        log.info("Deep linking: %s now opens %s on %s", usage_id, choice.unit, tool.slug)
    return usage_id, response, tool.slug
