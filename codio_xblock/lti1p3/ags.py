"""LTI Assignment and Grade Services 2.0, platform side: scopes, media types, score
validation and line item documents. Pure: plain values in, plain values out."""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, NoReturn

from lti_bridge.protocol.vocabulary import Scope

from .exceptions import InvalidRequest, gettext_noop

SCOPE_LINEITEM: Final = Scope.LINEITEM.value
SCOPE_LINEITEM_READONLY: Final = Scope.LINEITEM_READONLY.value
SCOPE_RESULT_READONLY: Final = Scope.RESULT_READONLY.value
SCOPE_SCORE: Final = Scope.SCORE.value
ALL_SCOPES: Final = (SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY, SCOPE_RESULT_READONLY, SCOPE_SCORE)
# What this platform implements: the line item service (read, create, update, delete the
# tool's own line items; read the blocks' line items), scores and results.
IMPLEMENTED_SCOPES: Final = ALL_SCOPES
# A tool that asks for ``lineitem`` but may only read line items gets ``lineitem.readonly``
# (RFC 6749, 3.3: the server may grant less than asked, and says so in ``scope``).
NARROWER_SCOPE: Final = {SCOPE_LINEITEM: SCOPE_LINEITEM_READONLY}


def with_implied(scopes: Iterable[str]) -> set[str]:
    """A tool's grants with what they imply: ``lineitem`` includes reading line items, so
    a tool granted it may also hold ``lineitem.readonly`` (which ltijs asks for to list)."""
    granted = set(scopes)
    return granted | {NARROWER_SCOPE[s] for s in granted if s in NARROWER_SCOPE}


MEDIA_LINEITEM: Final = "application/vnd.ims.lis.v2.lineitem+json"
MEDIA_LINEITEMS: Final = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MEDIA_SCORE: Final = "application/vnd.ims.lis.v1.score+json"
MEDIA_RESULTS: Final = "application/vnd.ims.lis.v2.resultcontainer+json"

ACTIVITY_PROGRESS: Final = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING_PROGRESS: Final = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}
MAX_COMMENT: Final = 10_000
MAX_BODY: Final = 64 * 1024  # a score is a few hundred bytes
MAX_POINTS: Final = 1e9  # far above any real score, far below where floats lose whole points


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity, -Infinity (json.loads allows them)


def load_json_body(raw: bytes) -> Any:
    """Parse a service request body as strict JSON (RFC 8259: no NaN or Infinity), bounded in
    size and depth. Raises :class:`InvalidRequest` for anything else."""
    if len(raw) > MAX_BODY:
        raise InvalidRequest(gettext_noop("The request body is too large."))
    try:
        body = json.loads(raw or b"null", parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise InvalidRequest(gettext_noop("The request body is not valid JSON.")) from exc
    if _holds_nul(body):  # no database text column takes it (PostgreSQL refuses it outright)
        raise InvalidRequest(gettext_noop("The request body holds a NUL character."))
    return body


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


@dataclass(frozen=True)
class Score:
    user_id: str
    timestamp: datetime
    activity_progress: str
    grading_progress: str
    score_given: float | None = None
    score_maximum: float | None = None
    comment: str = ""

    @property
    def is_final(self) -> bool:
        return self.grading_progress == "FullyGraded" and self.score_given is not None

    @property
    def clears(self) -> bool:
        """No ``scoreGiven``: the learner has no grade now (AGS 2.0, 3.4.5)."""
        return self.score_given is None


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequest(gettext_noop("'%(name)s' must be a number."), name=name)
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidRequest(gettext_noop("'%(name)s' must be a finite number."), name=name)
    if value < 0:
        raise InvalidRequest(gettext_noop("'%(name)s' must not be negative."), name=name)
    if value > MAX_POINTS:
        raise InvalidRequest(gettext_noop("'%(name)s' is too large."), name=name)
    return float(value)


# Years a stored date may have: every database Open edX runs on holds them in UTC (MySQL's
# DATETIME from year 1000), so a date at the calendar's edge must not overflow there.
MIN_YEAR, MAX_YEAR = 1900, 9000


def date_time(raw: object, name: str) -> datetime | None:
    """An ISO 8601 date-time with a time zone, in UTC, or None when absent (None or "")."""
    if raw is None or raw == "":
        return None
    try:
        if not isinstance(raw, str) or len(raw) > 64:
            raise ValueError(raw)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise InvalidRequest(gettext_noop("'%(name)s' must carry a time zone."), name=name)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidRequest(
            gettext_noop("'%(name)s' must be an ISO 8601 date-time."), name=name
        ) from exc
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise InvalidRequest(
            gettext_noop("'%(name)s' must be a date between the years %(low)s and %(high)s."),
            name=name,
            low=MIN_YEAR,
            high=MAX_YEAR,
        )
    return moment


def parse_score(body: object) -> Score:
    """Validate a score POST body (AGS 2.0, 3.4); a zero ``scoreGiven`` is a real grade."""
    if not isinstance(body, dict):
        raise InvalidRequest(gettext_noop("The score must be a JSON object."))
    user_id = body.get("userId")
    if not isinstance(user_id, str) or not user_id or len(user_id) > 255:
        raise InvalidRequest(gettext_noop("'userId' is missing."))
    timestamp = date_time(body.get("timestamp"), "timestamp")
    if timestamp is None:
        raise InvalidRequest(gettext_noop("'timestamp' must be an ISO 8601 date-time."))
    activity, grading = body.get("activityProgress"), body.get("gradingProgress")
    if not isinstance(activity, str) or activity not in ACTIVITY_PROGRESS:
        raise InvalidRequest(gettext_noop("'activityProgress' is not a known value."))
    if not isinstance(grading, str) or grading not in GRADING_PROGRESS:
        raise InvalidRequest(gettext_noop("'gradingProgress' is not a known value."))
    given = body.get("scoreGiven")
    maximum = body.get("scoreMaximum")
    if given is not None:
        given = _number(given, "scoreGiven")
        if maximum is None:
            raise InvalidRequest(gettext_noop("'scoreMaximum' is needed with 'scoreGiven'."))
    if maximum is not None:
        maximum = _number(maximum, "scoreMaximum")
        if maximum == 0:
            raise InvalidRequest(gettext_noop("'scoreMaximum' must be more than zero."))
        # AGS 2.0, 3.4.7: a scoreGiven above scoreMaximum (extra credit) MUST be accepted.
    comment = body.get("comment") or ""
    if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
        raise InvalidRequest(gettext_noop("'comment' must be text of reasonable length."))
    return Score(user_id, timestamp, activity, grading, given, maximum, comment)


def result(
    *,
    url: str,
    user_id: str,
    score_given: float | None,
    score_maximum: float | None,
    comment: str,
    line_item_url: str,
) -> dict[str, str | float | None]:
    """An AGS result document (AGS 2.0, 3.3)."""
    document: dict[str, str | float | None] = {
        "id": url,
        "userId": user_id,
        "scoreOf": line_item_url,
    }
    if score_given is not None:
        document["resultScore"] = score_given
        document["resultMaximum"] = score_maximum
    if comment:
        document["comment"] = comment
    return document


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def line_item(
    *,
    url: str,
    label: str,
    score_maximum: float,
    resource_link_id: str = "",
    resource_id: str = "",
    tag: str = "",
    start_date_time: datetime | None = None,
    end_date_time: datetime | None = None,
) -> dict[str, str | float]:
    """A line item document (AGS 2.0, 3.2); optional members only when they have a value."""
    item: dict[str, str | float] = {"id": url, "label": label, "scoreMaximum": score_maximum}
    if resource_link_id:
        item["resourceLinkId"] = resource_link_id
    if resource_id:
        item["resourceId"] = resource_id
    if tag:
        item["tag"] = tag
    if start_date_time is not None:
        item["startDateTime"] = _iso(start_date_time)
    if end_date_time is not None:
        item["endDateTime"] = _iso(end_date_time)
    return item


MAX_TEXT: Final = 255  # label, resourceId, tag, resourceLinkId: what the columns hold


@dataclass(frozen=True)
class LineItemValues:
    """A line item a tool posts or puts (AGS 2.0, 3.2.4 and 3.2.8), checked."""

    label: str
    score_maximum: float
    resource_link_id: str = ""
    resource_id: str = ""
    tag: str = ""
    start_date_time: datetime | None = None
    end_date_time: datetime | None = None


def _optional_text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_TEXT or "\x00" in value:
        raise InvalidRequest(
            gettext_noop("'%(name)s' must be text of at most %(limit)s characters."),
            name=name,
            limit=MAX_TEXT,
        )
    return value.strip()


def _date_time(body: dict[str, Any], name: str) -> datetime | None:
    return date_time(body.get(name), name)


def parse_line_item(body: object) -> LineItemValues:
    """Validate a line item a tool creates or replaces: ``label`` and a positive
    ``scoreMaximum`` are required (AGS 2.0, 3.2.4 and 3.2.5); unknown members are ignored,
    as the specification lets tools add their own."""
    if not isinstance(body, dict):
        raise InvalidRequest(gettext_noop("The line item must be a JSON object."))
    label = _optional_text(body, "label")
    if not label:
        raise InvalidRequest(gettext_noop("'label' is needed and may not be blank."))
    if body.get("scoreMaximum") is None:
        raise InvalidRequest(gettext_noop("'scoreMaximum' is needed."))
    score_maximum = _number(body["scoreMaximum"], "scoreMaximum")
    if score_maximum == 0:
        raise InvalidRequest(gettext_noop("'scoreMaximum' must be more than zero."))
    start = _date_time(body, "startDateTime")
    end = _date_time(body, "endDateTime")
    if start is not None and end is not None and end < start:
        raise InvalidRequest(gettext_noop("'endDateTime' is before 'startDateTime'."))
    return LineItemValues(
        label=label,
        score_maximum=score_maximum,
        resource_link_id=_optional_text(body, "resourceLinkId"),
        resource_id=_optional_text(body, "resourceId"),
        tag=_optional_text(body, "tag"),
        start_date_time=start,
        end_date_time=end,
    )


DEFAULT_PAGE: Final = 100
MAX_PAGE: Final = 1000


def positive_int(raw: str, name: str, *, default: int, maximum: int) -> int:
    """A page size or page number from a query string: ASCII digits only (``str.isdigit``
    also takes '²', which ``int`` refuses), at least 1, capped at ``maximum``."""
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
        raise InvalidRequest(gettext_noop("'%(name)s' must be a positive whole number."), name=name)
    return min(int(raw), maximum)


@dataclass(frozen=True)
class LineItemQuery:
    """The line items container's filters and page (AGS 2.0, 3.2.3)."""

    resource_link_id: str = ""
    resource_id: str = ""
    tag: str = ""
    limit: int = DEFAULT_PAGE
    page: int = 1


def _single(params: Any, name: str) -> str:
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name, "")]
    values = [v for v in values if v is not None]
    if len(values) > 1:
        raise InvalidRequest(gettext_noop("'%(name)s' is given more than once."), name=name)
    value = values[0] if values else ""
    if not isinstance(value, str) or len(value) > MAX_TEXT or "\x00" in value:
        raise InvalidRequest(gettext_noop("'%(name)s' is not a valid value."), name=name)
    return value


def parse_line_item_query(params: Any) -> LineItemQuery:
    return LineItemQuery(
        resource_link_id=_single(params, "resource_link_id"),
        resource_id=_single(params, "resource_id"),
        tag=_single(params, "tag"),
        limit=positive_int(
            _single(params, "limit"), "limit", default=DEFAULT_PAGE, maximum=MAX_PAGE
        ),
        page=positive_int(_single(params, "page"), "page", default=1, maximum=10**6),
    )


def endpoint_claim(
    *, lineitems_url: str, lineitem_url: str, scopes: Iterable[str] = IMPLEMENTED_SCOPES
) -> dict[str, str | list[str]]:
    """The AGS endpoint claim: only scopes both implemented and granted (AGS 2.0, 3.1)."""
    wanted = set(scopes)
    granted: list[str] = [scope for scope in IMPLEMENTED_SCOPES if scope in wanted]
    return {"scope": granted, "lineitems": lineitems_url, "lineitem": lineitem_url}
