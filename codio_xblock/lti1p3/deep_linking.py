"""LTI Deep Linking 2.0, platform side: the request's settings and the checks of a tool's
response (section 4). Pure: plain values in, plain values out; the signature, the audience
and the single use of the response are checked by the caller (codio_xblock/deep_linking.py).
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from lti_bridge.protocol.vocabulary import LTI_VERSION, Claim, MessageType

from .exceptions import InvalidRequest, gettext_noop

ACCEPT_TYPES: Final = ["ltiResourceLink"]
PRESENTATION_TARGETS: Final = ["iframe", "window"]
MAX_TITLE: Final = 255
UNIT_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
MIN_HEIGHT, MAX_HEIGHT = 200, 3000


def settings_claim(
    *, return_url: str, data: str, title: str = ""
) -> dict[str, str | bool | list[str]]:
    """The ``deep_linking_settings`` of a request: one resource link, iframe or window."""
    return {
        "deep_link_return_url": return_url,
        "accept_types": list(ACCEPT_TYPES),
        "accept_presentation_document_targets": list(PRESENTATION_TARGETS),
        "accept_multiple": False,
        "auto_create": False,
        "title": title,
        "data": data,
    }


@dataclass(frozen=True)
class Choice:
    """What the author chose: the block's new field values (only those the item gave)."""

    unit: str
    title: str = ""
    custom: tuple[tuple[str, str], ...] = ()  # (key, value) pairs other than codio_unit
    score_maximum: float | None = None
    launch_mode: str = ""
    height: int | None = None


@dataclass(frozen=True)
class Response:
    choice: Choice | None  # None: nothing chosen (cancelled)
    msg: str = ""
    errormsg: str = ""


def _text(value: object, limit: int = 1000) -> str:
    return value[:limit] if isinstance(value, str) else ""


def parse_response(claims: Mapping[str, Any], *, deployment_id: str) -> Response:
    """Check a verified ``LtiDeepLinkingResponse``'s claims and return what it chose."""
    if claims.get(Claim.MESSAGE_TYPE.value) != MessageType.DEEP_LINKING_RESPONSE.value:
        raise InvalidRequest(gettext_noop("This is not a deep linking response."))
    if claims.get(Claim.VERSION.value) != LTI_VERSION:
        raise InvalidRequest(gettext_noop("The deep linking response is not LTI 1.3."))
    if claims.get(Claim.DEPLOYMENT_ID.value) != deployment_id:
        raise InvalidRequest(gettext_noop("The deep linking response names another deployment."))
    items = claims.get(Claim.DL_CONTENT_ITEMS.value, [])
    if not isinstance(items, list):
        raise InvalidRequest(gettext_noop("The chosen content is malformed."))
    msg, errormsg = (
        _text(claims.get(Claim.DL_MSG.value)),
        _text(claims.get(Claim.DL_ERRORMSG.value)),
    )
    if not items:
        return Response(None, msg, errormsg)
    if len(items) > 1:
        raise InvalidRequest(gettext_noop("The tool chose several items; this unit takes one."))
    item = items[0]
    if not isinstance(item, dict) or item.get("type") not in ACCEPT_TYPES:
        raise InvalidRequest(
            gettext_noop("The tool chose a kind of content this unit cannot show.")
        )
    custom = item.get("custom") or {}
    if not isinstance(custom, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in custom.items()
    ):
        raise InvalidRequest(gettext_noop("The chosen content's custom parameters are malformed."))
    unit = custom.get("codio_unit", "")
    if not UNIT_RE.match(unit):
        raise InvalidRequest(gettext_noop("The chosen content names no Codio unit."))
    score_maximum = None
    line_item = item.get("lineItem")
    if line_item is not None:
        value = line_item.get("scoreMaximum") if isinstance(line_item, dict) else None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 < value <= 1e6
        ):
            raise InvalidRequest(gettext_noop("The chosen content's line item is malformed."))
        score_maximum = float(value)
    launch_mode, height = "", None
    if isinstance(item.get("window"), dict):
        launch_mode = "window"
    elif isinstance(item.get("iframe"), dict):
        launch_mode = "iframe"
        raw = item["iframe"].get("height")
        if isinstance(raw, int) and not isinstance(raw, bool):
            height = min(max(raw, MIN_HEIGHT), MAX_HEIGHT)
    return Response(
        Choice(
            unit=unit,
            title=_text(item.get("title"), MAX_TITLE).strip(),
            custom=tuple(sorted((k, v) for k, v in custom.items() if k != "codio_unit")),
            score_maximum=score_maximum,
            launch_mode=launch_mode,
            height=height,
        ),
        msg,
        errormsg,
    )
