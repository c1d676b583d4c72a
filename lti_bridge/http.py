"""Every outbound HTTP call of the bridge: a timeout, a size cap, registered hosts only."""

from urllib.parse import urlsplit

import requests

from codio_xblock.lti1p3.http import FetchError, fetch_json

from . import conf

USER_AGENT = "codio-xblock-lti-bridge"


# One pooled session for the process (tests mount transport adapters on it).
session = requests.Session()
session.headers["User-Agent"] = USER_AGENT


class OutboundError(Exception):
    """A call that failed or was refused before being made."""


def registered_hosts(registration=None):
    """Hosts of the active registrations' URLs, or of one registration's only."""
    from .models import Registration

    rows = Registration.objects.active()
    if registration is not None:
        rows = rows.filter(pk=registration.pk)
    hosts = set()
    for row in rows.values("key_set_url", "auth_token_url", "auth_login_url", "issuer"):
        for url in row.values():
            if url:
                hosts.add(urlsplit(url).netloc.lower())
    return hosts


def check_url(url, registration=None):
    """Refuse a URL whose scheme or host is not allowed (for ``registration``: its own hosts,
    so an AGS claim cannot send the bridge to another platform or anywhere else)."""
    parts = urlsplit(url)
    allowed_schemes = ("https", "http") if conf.get("ALLOW_INSECURE_URLS") else ("https",)
    if parts.scheme not in allowed_schemes:
        raise OutboundError(f"scheme of {url!r} is not allowed")
    if parts.netloc.lower() not in registered_hosts(registration):
        raise OutboundError(f"host of {url!r} belongs to no registered platform")


def get_json(url):
    check_url(url)
    try:
        return fetch_json(
            session,
            url,
            timeout=conf.get("HTTP_TIMEOUT"),
            deadline=conf.get("HTTP_DEADLINE"),
            max_bytes=conf.get("HTTP_MAX_RESPONSE_BYTES"),
        )
    except FetchError as exc:
        raise OutboundError(str(exc)) from exc
