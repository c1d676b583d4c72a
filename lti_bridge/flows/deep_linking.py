"""Deep Linking 2.0, tool side: a platform asks the bridge to pick a unit (an
``LtiDeepLinkingRequest``); a teacher picks one of the organization's units; the bridge
answers with a signed ``LtiDeepLinkingResponse`` carrying an ``ltiResourceLink`` whose
custom parameter ``codio_unit`` makes later launches of that link open the unit directly.

A picking session lives in the shared cache under an unguessable token (the capability the
picker's pages and its form carry: they are framed in the platform's page, where no cookie
of ours may arrive) and is spent when the response is made.

The response is signed here rather than by pylti1p3's ``DeepLink``: that class writes its
auto-submit form without escaping and signs with the registration's key setting, while the
bridge signs with its key ring (its ``kid``) and renders the form through a template.
"""

import secrets
import time
import uuid

from django.core.cache import caches

from .. import conf, keys
from ..launch.hardening import _claim_once
from ..models import Registration, Unit
from ..protocol import keys as protocol_keys
from ..protocol.vocabulary import LTI_VERSION, Claim, MessageType

LIFETIME = 60 * 60  # seconds a picker stays open
RESPONSE_LIFETIME = 10 * 60
_PREFIX = "lti_bridge:deep-linking:"


class PickError(Exception):
    """The picker cannot answer: expired, already used, or a unit not of the organization."""


def start(registration, message):
    """Remember a validated deep linking request (a LaunchMessage); returns the picker's
    token. Who may pick is ``message.roles.may_pick_units``, checked by the caller."""
    token = secrets.token_urlsafe(32)
    settings = message.deep_linking
    caches[conf.get("CACHE")].set(
        _PREFIX + token,
        {
            "registration": registration.pk,
            "deployment_id": message.deployment_id,
            "settings": {
                "deep_link_return_url": settings.return_url,
                "accept_presentation_document_targets": list(
                    settings.accept_presentation_document_targets
                ),
                "accept_multiple": settings.accept_multiple,
                "data": settings.data,
                "title": settings.title,
            },
        },
        LIFETIME,
    )
    return token


def load(token):
    """The picking session of ``token``, or raises PickError."""
    pick = caches[conf.get("CACHE")].get(_PREFIX + str(token))
    if not pick:
        raise PickError("expired")
    registration = Registration.objects.active().filter(pk=pick["registration"]).first()
    if registration is None:
        raise PickError("registration gone")
    return pick, registration


def units(registration, query=""):
    rows = Unit.objects.filter(organization=registration.organization).order_by("title", "code")
    query = (query or "").strip()[:100]
    if query:
        from django.db.models import Q

        rows = rows.filter(Q(title__icontains=query) | Q(code__icontains=query))
    return rows


def content_item(unit, pick):
    """The ``ltiResourceLink`` for ``unit`` (Deep Linking 2.0, 3.1)."""
    item = {
        "type": "ltiResourceLink",
        "title": unit.title,
        "text": (unit.instructions or "")[:500],
        "url": conf.launch_urls()[0],
        "custom": {"codio_unit": unit.code},
        "lineItem": {
            "scoreMaximum": float(unit.max_points),
            "label": unit.title,
            "resourceId": unit.code,
        },
    }
    targets = pick["settings"]["accept_presentation_document_targets"]
    if "iframe" in targets:
        item["iframe"] = {"height": 800}
    elif "window" in targets:
        item["window"] = {"targetName": "codio"}
    return item


def respond(token, unit_id=None):
    """Spend the picking session and return (return URL, signed response JWT). Without a
    unit the response carries no content item (the teacher cancelled)."""
    pick, registration = load(token)
    items = []
    if unit_id is not None:
        unit = units(registration).filter(pk=unit_id).first()
        if unit is None:
            raise PickError(f"unit {unit_id!r} is not one of the organization's")
        items.append(content_item(unit, pick))
    if not _claim_once("dl", token, LIFETIME):  # kind fits SpentValue.kind
        raise PickError("already used")
    caches[conf.get("CACHE")].delete(_PREFIX + token)
    now = int(time.time())
    claims = {
        "iss": registration.client_id,
        "aud": registration.issuer,
        "iat": now,
        "exp": now + RESPONSE_LIFETIME,
        "nonce": uuid.uuid4().hex,
        Claim.DEPLOYMENT_ID: pick["deployment_id"],
        Claim.MESSAGE_TYPE: MessageType.DEEP_LINKING_RESPONSE,
        Claim.VERSION: LTI_VERSION,
        Claim.DL_CONTENT_ITEMS: items,
    }
    if pick["settings"].get("data") is not None:
        claims[Claim.DL_DATA] = pick["settings"]["data"]
    if not items:
        claims[Claim.DL_MSG] = "No unit was chosen."
    signing = keys.signing_key()
    token_jwt = protocol_keys.sign(claims, signing.private_pem, signing.kid)
    return pick["settings"]["deep_link_return_url"], token_jwt, registration
