"""LTI Deep Linking 2.0, platform side: the request's settings and the checks of a tool's
response (section 4). Pure: plain values in, plain values out; the signature, the audience
and the single use of the response are checked by the caller (codio_xblock/deep_linking.py).

Every field of the one ``ltiResourceLink`` the block accepts (section 3.1) is checked
against what the block can store and launch before anything is kept; a field that does
not fit refuses the whole item with a sentence naming it (nothing is truncated or dropped
unseen). Fields the block does not use (``icon``, ``thumbnail``, ``available``,
``submission``, a tool's own extensions) are ignored, as the specification allows.
"""

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from lti_bridge.protocol.vocabulary import LTI_VERSION, Claim, MessageType

from .custom import KEY_RE, MAX_PARAMETERS, MAX_VALUE_LENGTH
from .exceptions import InvalidRequest, gettext_noop

ACCEPT_TYPES: Final = ["ltiResourceLink"]
PRESENTATION_TARGETS: Final = ["iframe", "window"]
UNIT_PARAMETER: Final = "codio_unit"
UNIT_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
MAX_TITLE: Final = 255  # the block's display name
MAX_TEXT: Final = 4000  # the block's description
MAX_URL: Final = 2048
MAX_LINE_ITEM_TEXT: Final = 255  # label, resourceId, tag: the line item's columns
MAX_SCORE_MAXIMUM: Final = 1_000_000  # the block's "Points in Codio" (validate_field_data)
MAX_DIMENSION: Final = 10_000  # pixels of a frame or window the tool asks for
MAX_WINDOW_NAME: Final = 255
MAX_WINDOW_FEATURES: Final = 1000
MIN_HEIGHT, MAX_HEIGHT = 200, 3000  # the block's frame (a height outside is brought within)
DEFAULT_PORTS: Final = {"http": 80, "https": 443}


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
    """What the author chose: one ``ltiResourceLink`` item, checked. Empty text and None
    mean the item did not give that field."""

    unit: str = ""  # the Codio-specific custom parameter codio_unit, if the item had it
    title: str = ""
    text: str = ""
    url: str = ""  # empty: launches go to the tool's registered launch URL (DL 2.0, 3.1)
    custom: tuple[tuple[str, str], ...] = ()  # (key, value) pairs other than codio_unit
    score_maximum: float | None = None
    line_item_label: str = ""
    line_item_resource_id: str = ""
    line_item_tag: str = ""
    launch_mode: str = ""
    height: int | None = None


@dataclass(frozen=True)
class Response:
    choice: Choice | None  # None: nothing chosen (cancelled)
    msg: str = ""
    errormsg: str = ""


def _text(value: object, limit: int = 1000) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _shown(value: str, limit: int = 60) -> str:
    """A value quoted for an error message (control characters visible, long ones cut)."""
    return repr(value[:limit] + ("…" if len(value) > limit else ""))


def _has_controls(value: str, allowed: str = "") -> bool:
    return any((ord(ch) < 32 and ch not in allowed) or ord(ch) == 127 for ch in value)


# ---- URLs: the content item's url, and the block's launch URL (Studio, every launch) ----


def url_host(url: str) -> str:
    """``host:port`` of an absolute http(s) URL (the port made explicit), or ""."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return ""
    return f"{parts.hostname.lower()}:{port or DEFAULT_PORTS[scheme]}"


def registered_hosts(urls: Iterable[str]) -> frozenset[str]:
    """The hosts (``host:port``) of a tool's registered URLs."""
    return frozenset(host for host in (url_host(url or "") for url in urls) if host)


def check_content_url(url: object, *, hosts: Collection[str], allow_http: bool) -> str:
    """``url`` if it is an absolute http(s) URL on one of ``hosts`` (http only when
    ``allow_http``: a platform on https launches content over http only when the tool's own
    launch URL is http); raises :class:`InvalidRequest` naming what is wrong."""
    if (
        not isinstance(url, str)
        or not url
        or len(url) > MAX_URL
        or any(ch.isspace() for ch in url)
        or _has_controls(url)
    ):
        raise InvalidRequest(
            gettext_noop(
                "The content's URL must be an absolute http or https address of at most "
                "%(limit)s characters, without spaces."
            ),
            limit=MAX_URL,
        )
    parts = urlsplit(url)
    host = url_host(url)
    if not host or parts.username is not None or parts.password is not None:
        raise InvalidRequest(
            gettext_noop(
                "The content's URL %(url)s is not an absolute http or https address (with a "
                "host and no user name or password)."
            ),
            url=_shown(url),
        )
    if parts.scheme.lower() == "http" and not allow_http:
        raise InvalidRequest(
            gettext_noop(
                "The content's URL %(url)s uses http: this platform and the tool use https."
            ),
            url=_shown(url),
        )
    if host not in hosts:
        raise InvalidRequest(
            gettext_noop(
                "The content's URL %(url)s is not on a host registered for the tool (%(hosts)s)."
            ),
            url=_shown(url),
            hosts=", ".join(sorted(hosts)) or "-",
        )
    return url


# ---- the response ----


def parse_response(
    claims: Mapping[str, Any],
    *,
    deployment_id: str,
    hosts: Collection[str] = (),
    allow_http: bool = True,
) -> Response:
    """Check a verified ``LtiDeepLinkingResponse``'s claims and return what it chose.
    ``hosts``: the tool's registered hosts (``host:port``), where the item's ``url`` must
    be; ``allow_http``: whether that URL may be http."""
    if claims.get(Claim.MESSAGE_TYPE.value) != MessageType.DEEP_LINKING_RESPONSE.value:
        raise InvalidRequest(gettext_noop("This is not a deep linking response."))
    if claims.get(Claim.VERSION.value) != LTI_VERSION:
        raise InvalidRequest(gettext_noop("The deep linking response is not LTI 1.3."))
    if claims.get(Claim.DEPLOYMENT_ID.value) != deployment_id:
        raise InvalidRequest(gettext_noop("The deep linking response names another deployment."))
    items = claims.get(Claim.DL_CONTENT_ITEMS.value, [])
    if items is None:
        items = []
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
    return Response(_choice(item, hosts=hosts, allow_http=allow_http), msg, errormsg)


def _choice(item: Mapping[str, Any], *, hosts: Collection[str], allow_http: bool) -> Choice:
    custom = _custom(item.get("custom"))
    unit = custom.pop(UNIT_PARAMETER, "")
    if unit and not UNIT_RE.match(unit):
        raise InvalidRequest(
            gettext_noop(
                "The chosen content names a Codio unit (codio_unit) that is not valid: "
                "letters, digits, '.', '_' or '-' (at most 100)."
            )
        )
    url = item.get("url")
    label, resource_id, tag, score_maximum = _line_item(item.get("lineItem"))
    launch_mode, height = _presentation(item)
    return Choice(
        unit=unit,
        title=_title(item.get("title")),
        text=_description(item.get("text")),
        url="" if url is None else check_content_url(url, hosts=hosts, allow_http=allow_http),
        custom=tuple(sorted(custom.items())),
        score_maximum=score_maximum,
        line_item_label=label,
        line_item_resource_id=resource_id,
        line_item_tag=tag,
        launch_mode=launch_mode,
        height=height,
    )


def _title(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_TITLE or _has_controls(value):
        raise InvalidRequest(
            gettext_noop(
                "The chosen content's title must be text on one line, of at most %(limit)s "
                "characters."
            ),
            limit=MAX_TITLE,
        )
    return value.strip()


def _description(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_TEXT or _has_controls(value, "\n\r\t"):
        raise InvalidRequest(
            gettext_noop(
                "The chosen content's description (text) must be text of at most %(limit)s "
                "characters."
            ),
            limit=MAX_TEXT,
        )
    return value.strip()


def _custom(value: object) -> dict[str, str]:
    """The item's custom parameters as the block stores them (``key=value`` lines, which
    parse_custom_parameters reads back unchanged)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidRequest(
            gettext_noop("The chosen content's custom parameters must be an object of texts.")
        )
    if len(value) > MAX_PARAMETERS:
        raise InvalidRequest(
            gettext_noop("The chosen content has more than %(limit)s custom parameters."),
            limit=MAX_PARAMETERS,
        )
    for key, text in value.items():
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise InvalidRequest(
                gettext_noop(
                    "The chosen content's custom parameter name %(key)s is not valid: "
                    "letters, digits and underscores only (at most 64)."
                ),
                key=_shown(str(key)),
            )
        if (
            not isinstance(text, str)
            or len(text) > MAX_VALUE_LENGTH
            or _has_controls(text)
            or text != text.strip()
        ):
            raise InvalidRequest(
                gettext_noop(
                    "The chosen content's custom parameter %(key)s must be text on one line "
                    "of at most %(limit)s characters, without spaces around it."
                ),
                key=_shown(key),
                limit=MAX_VALUE_LENGTH,
            )
    return dict(value)


def _number(value: object, upper: float) -> bool:
    """Whether ``value`` is a JSON number in (0, upper] (any size of integer compares)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return 0 < value <= upper


def _line_item(value: object) -> tuple[str, str, str, float | None]:
    if value is None:
        return "", "", "", None
    if not isinstance(value, dict):
        raise InvalidRequest(gettext_noop("The chosen content's line item must be an object."))
    score_maximum = value.get("scoreMaximum")
    if not _number(score_maximum, MAX_SCORE_MAXIMUM):
        raise InvalidRequest(
            gettext_noop(
                "The chosen content's maximum score (lineItem.scoreMaximum) must be a number "
                "more than 0 and at most %(limit)s."
            ),
            limit=MAX_SCORE_MAXIMUM,
        )
    texts = []
    for name in ("label", "resourceId", "tag"):
        text = value.get(name)
        if text is None:
            text = ""
        if not isinstance(text, str) or len(text) > MAX_LINE_ITEM_TEXT or _has_controls(text):
            raise InvalidRequest(
                gettext_noop(
                    "The chosen content's lineItem.%(field)s must be text on one line of at "
                    "most %(limit)s characters."
                ),
                field=name,
                limit=MAX_LINE_ITEM_TEXT,
            )
        texts.append(text.strip())
    return texts[0], texts[1], texts[2], float(score_maximum)  # type: ignore[arg-type]


def _dimension(target: str, options: Mapping[str, Any], name: str) -> int | None:
    value = options.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not _number(value, MAX_DIMENSION):
        raise InvalidRequest(
            gettext_noop(
                "The chosen content's %(target)s.%(field)s must be a whole number of pixels "
                "from 1 to %(limit)s."
            ),
            target=target,
            field=name,
            limit=MAX_DIMENSION,
        )
    return int(value)


def _presentation(item: Mapping[str, Any]) -> tuple[str, int | None]:
    """The launch mode and frame height the item asks for (the window first, as before)."""
    options = {}
    for target in PRESENTATION_TARGETS:
        value = item.get(target)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise InvalidRequest(
                gettext_noop("The chosen content's %(target)s presentation must be an object."),
                target=target,
            )
        _dimension(target, value, "width")
        _dimension(target, value, "height")
        options[target] = value
    if "window" in options:
        for name, limit in (
            ("targetName", MAX_WINDOW_NAME),
            ("windowFeatures", MAX_WINDOW_FEATURES),
        ):
            text = options["window"].get(name)
            if text is not None and (
                not isinstance(text, str) or len(text) > limit or _has_controls(text)
            ):
                raise InvalidRequest(
                    gettext_noop(
                        "The chosen content's window.%(field)s must be text on one line of at "
                        "most %(limit)s characters."
                    ),
                    field=name,
                    limit=limit,
                )
        return "window", None
    if "iframe" in options:
        height = _dimension("iframe", options["iframe"], "height")
        return "iframe", None if height is None else min(max(height, MIN_HEIGHT), MAX_HEIGHT)
    return "", None
