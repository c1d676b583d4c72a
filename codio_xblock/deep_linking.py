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
from datetime import timedelta

from django.core.cache import caches
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lti_bridge.protocol.vocabulary import Claim

from . import adapter, conf
from .ags import Refusals, verify_tool_jwt
from .launch import http_content_allowed, tool_hosts
from .lti1p3.deep_linking import parse_response, settings_claim
from .lti1p3.exceptions import AccessDenied, InvalidRequest, gettext_noop
from .models import DeepLinkingChoice

log = logging.getLogger(__name__)

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


def request_settings(*, user_key, usage_id, tool_slug, title, studio_origin=""):
    """The deep linking settings claim of a new request; ``studio_origin``: the origin of
    the Studio page that asked (where the LMS's "done" page sends the choice)."""
    now = timezone.now()
    DeepLinkingChoice.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    choice = DeepLinkingChoice.objects.create(
        key=secrets.token_urlsafe(24),
        user_key=str(user_key),
        usage_id=usage_id,
        tool_slug=tool_slug,
        studio_origin=studio_origin[:255],
        expires_at=now + timedelta(seconds=DATA_MAX_AGE),
    )
    return settings_claim(return_url=return_url(), data=choice.key, title=title)


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


NOT_ASKED = gettext_noop("This choice was not asked for here, or it has expired.")


def finish(request, token):
    """Check the tool's response and keep the author's choice for the Studio editor.
    Returns (DeepLinkingChoice, response); ``response`` has the choice (or None) and the
    tool's words."""
    tool, claims = _verified_claims(token)
    raw = claims.get(Claim.DL_DATA)
    if not isinstance(raw, str) or not raw or len(raw) > 64:
        raise AccessDenied(NOT_ASKED)
    asked = DeepLinkingChoice.objects.filter(key=raw, expires_at__gt=timezone.now()).first()
    if asked is None:
        raise AccessDenied(NOT_ASKED)
    if asked.tool_slug != tool.slug:
        raise AccessDenied(gettext_noop("This choice comes from another tool than the one asked."))
    platform = adapter.get()
    if str(platform.current_user_key(request)) != asked.user_key:
        raise AccessDenied(gettext_noop("This choice was started by another user."))
    if not platform.request_can_author(request, asked.usage_id):
        raise AccessDenied(gettext_noop("Only the course team may choose this unit."))
    # every field of the item is checked before anything is kept (a refusal changes nothing)
    response = parse_response(
        claims,
        deployment_id=tool.deployment_id,
        hosts=tool_hosts(tool),
        allow_http=http_content_allowed(tool),
    )
    # Spent only by the author's own, well-formed answer: a stranger who replays a stolen
    # response cannot use it up.
    _spend_nonce(tool, claims)
    values = _block_values(response.choice, tool.slug)
    answered = DeepLinkingChoice.objects.filter(pk=asked.pk, answered_at__isnull=True).update(
        answered_at=timezone.now(), values=values
    )
    if not answered:
        raise AccessDenied(gettext_noop("This choice was already saved."))
    asked.refresh_from_db()
    if values is not None:
        log.info(
            "Deep linking: %s chose %s on %s",
            asked.usage_id,
            values["unit"] or values["launch_url"] or "the tool's launch URL",
            tool.slug,
        )
    return asked, response


def _block_values(choice, tool_slug):
    """The block's fields the tool's choice sets (None: the tool chose nothing)."""
    if choice is None:
        return None
    values = {
        "tool": tool_slug,
        "unit": choice.unit,  # empty: a generic tool's item, launched without codio_unit
        "launch_url": choice.url,  # empty: the tool's registered launch URL
        "description": choice.text,
        # the line item's maximum, not the course weight (None: the weight)
        "points_in_tool": choice.score_maximum,
        "line_item_label": choice.line_item_label,
        "line_item_resource_id": choice.line_item_resource_id,
        "line_item_tag": choice.line_item_tag,
    }
    if choice.title:  # the author's own name stays unless the tool gives one
        values["display_name"] = choice.title
    if choice.custom:  # merged into the author's own when applied (merge_custom)
        values["custom"] = [list(pair) for pair in choice.custom]
    if choice.launch_mode:  # the author's presentation stays unless the tool asks
        values["launch_mode"] = choice.launch_mode
    if choice.height:
        values["iframe_height"] = choice.height
    return values


def withdraw_custom(text, chosen):
    """The block's custom parameters without the lines the previous choice added
    (``chosen``: key -> value) that the author left as they were; a line the author changed
    is theirs now and stays."""
    kept = []
    for line in (text or "").splitlines():
        key, sep, value = line.partition("=")
        if sep and chosen.get(key.strip()) == value:
            continue
        kept.append(line)
    return "\n".join(kept)


def merge_custom(text, pairs):
    """The block's custom parameters (``key=value`` lines) with the tool's ``pairs`` merged
    in: a key the author already has takes the tool's value in place, a new key is added;
    every other line (the author's keys, comments) stays as it was."""
    lines = (text or "").splitlines()
    for key, value in pairs:
        for index, line in enumerate(lines):
            if "=" in line and line.split("=", 1)[0].strip() == key:
                lines[index] = f"{key}={value}"
                break
        else:
            lines.append(f"{key}={value}")
    return "\n".join(lines)


def launched_before(usage_id):
    """Whether anyone launched this block into a tool already (its line item's launches):
    learners may have work on what it opened then (a new choice takes effect at the next
    launch; the built-in bridge keeps the earlier work with the teachers, ADR 0013)."""
    from .models import BlockLaunch

    return BlockLaunch.objects.filter(line_item__usage_id=usage_id).exists()


def _waiting(user_key, usage_id):
    """The choices the tool made for this author and block that are not applied yet."""
    return DeepLinkingChoice.objects.filter(
        user_key=str(user_key),
        usage_id=usage_id,
        answered_at__isnull=False,
        applied_at__isnull=True,
        values__isnull=False,
    )


def pending_choice(user_key, usage_id):
    """The newest choice the tool made for this author and block, not yet applied."""
    return _waiting(user_key, usage_id).order_by("-answered_at", "-pk").first()


@transaction.atomic
def take_choice(user_key, usage_id, key="", check=None):
    """The choice (``key``, else the newest pending) of this author for this block, marked
    applied: the caller (the block's Studio handler) writes its values to the draft. None
    if there is none to apply. ``check(choice)`` may raise to refuse it: the choice then
    stays pending, nothing is marked."""
    pending = _waiting(user_key, usage_id).select_for_update()
    choice = (pending.filter(key=key) if key else pending).order_by("-answered_at", "-pk").first()
    if choice is None:
        return None
    if check is not None:
        check(choice)
    # older pending choices of the same block are superseded by this one
    pending.update(applied_at=timezone.now())
    return choice
