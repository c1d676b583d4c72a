"""Web origins (RFC 6454): who may frame the bridge's pages.

The unit's pages load inside the LMS's pages, which may themselves be framed by another
origin of the same site: in Open edX the learner's unit is the LMS's ``render_xblock`` page in
an iframe of the Learning MFE (``apps.<lms host>``). Browsers check a page's CSP
``frame-ancestors`` against every ancestor, so a unit page must name them all: the LMS's own
origins, and the origins the operator names per registration (``frame_origins``).
"""

from urllib.parse import urlsplit


def origin_of(url: str | None) -> str:
    """``scheme://host[:port]`` of an http(s) URL, lowercased, or "" for anything else."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port  # raises on a port that is no number
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    if parts.username or parts.password or parts.query or parts.fragment:
        return ""
    if parts.path not in ("", "/"):
        return ""
    host = parts.hostname.lower()
    if ":" in host:  # IPv6
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def url_origin(url: str | None) -> str:
    """The origin of any http(s) URL (its path and query dropped), or ""."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return origin_of(f"{parts.scheme}://{parts.netloc}")
