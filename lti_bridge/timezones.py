"""Whose clock the bridge's pages show: the viewer's time zone when their LMS says it, else
this server's, and always named.

LTI has no time zone claim; LMSs send one as a custom parameter from the substitution
variable ``$Person.address.timezone`` (LTI 1.3 Appendix C; Canvas, and this package's XBlock,
which reads Open edX's ``time_zone`` preference), e.g. ``timezone=$Person.address.timezone``.
The value is kept only when it names an IANA zone this server knows; anything else is
ignored (the page falls back to the server's zone and says so), never an error. CSV exports
stay in UTC and say so in their headers.
"""

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

# Custom parameter names LMSs use for the viewer's zone, first match wins.
CUSTOM_KEYS = ("timezone", "time_zone", "tz")
MAX_NAME = 64


@dataclass(frozen=True)
class ViewerZone:
    name: str  # an IANA name, e.g. "Europe/Madrid"
    from_lms: bool  # False: the server's zone, the LMS sent none


@lru_cache(maxsize=1)
def _known_zones():
    return frozenset(zoneinfo.available_timezones())


def valid_zone(name):
    """``name`` if it is an IANA zone this server knows, else ""."""
    if isinstance(name, str) and 0 < len(name) <= MAX_NAME and name in _known_zones():
        return name
    return ""


def zone_from_custom(custom):
    """The viewer's zone from a launch's custom parameters (a mapping), or ""."""
    if not isinstance(custom, Mapping):
        return ""
    for key in CUSTOM_KEYS:
        zone = valid_zone(custom.get(key))
        if zone:
            return zone
    return ""


def server_zone():
    return getattr(settings, "TIME_ZONE", None) or "UTC"


def viewer_zone(name):
    """The zone a page is shown in, given the session's zone (maybe "")."""
    zone = valid_zone(name)
    return ViewerZone(zone, True) if zone else ViewerZone(server_zone(), False)
