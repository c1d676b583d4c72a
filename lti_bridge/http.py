"""Every outbound HTTP call of the bridge: a timeout, a size cap, registered hosts only."""

from urllib.parse import urlsplit

import requests

from . import conf
from .protocol.http import FetchError, fetch_json

USER_AGENT = "codio-xblock-lti-bridge"


# One pooled session for the process (tests mount transport adapters on it).
session = requests.Session()
session.headers["User-Agent"] = USER_AGENT


class OutboundError(Exception):
    """A call that failed or was refused before being made."""


HOST_FIELDS = ("key_set_url", "auth_token_url", "auth_login_url", "issuer", "service_hosts")


def registered_hosts(registration=None):
    """Host patterns of the active registrations (or of one): the hosts of their URLs and
    their explicit service hosts (exact, or ``*.domain`` for its subdomains).

    One registration's are read from the row the caller holds (a delivery reads it with
    its grade, a roster sync with its class), not queried again for each request."""
    from .models import Registration

    if registration is not None:
        rows = [{f: getattr(registration, f) for f in HOST_FIELDS}] if registration.enabled else []
    else:
        rows = Registration.objects.active().values(*HOST_FIELDS)
    hosts = set()
    for row in rows:
        extra = row.pop("service_hosts") or ""
        for url in row.values():
            if url:
                hosts.add(urlsplit(url).netloc.lower())
        hosts |= {line.strip().lower() for line in extra.splitlines() if line.strip()}
    return hosts


def _allowed(netloc, patterns):
    host = netloc.rsplit("@", 1)[-1]
    bare = host.split(":", 1)[0]
    for pattern in patterns:
        if pattern.startswith("*."):
            if bare.endswith(pattern[1:]) and bare != pattern[2:]:
                return True
        elif host == pattern or (":" not in pattern and bare == pattern and ":" not in host):
            return True
    return False


def _note_refusal(registration, url):
    """Record a refused host on the registration, for its admin page."""
    from django.utils import timezone

    from .models import Registration

    host = urlsplit(url).netloc.lower()[:255]
    refused = dict(registration.refused_hosts or {})
    entry = refused.get(host, {"count": 0})
    refused[host] = {
        "count": entry.get("count", 0) + 1,
        "last": timezone.now().isoformat(),
        "url": url[:500],
    }
    if len(refused) > 50:  # keep the newest few
        refused = dict(sorted(refused.items(), key=lambda kv: kv[1]["last"])[-50:])
    Registration.objects.filter(pk=registration.pk).update(refused_hosts=refused)


def check_url(url, registration=None):
    """Refuse a URL whose scheme or host is not allowed (for ``registration``: its own hosts
    and service hosts, so an AGS claim cannot send the bridge to another platform or
    anywhere else). A refusal for a registration is recorded for its admin page."""
    parts = urlsplit(url)
    allowed_schemes = ("https", "http") if conf.get("ALLOW_INSECURE_URLS") else ("https",)
    if parts.scheme not in allowed_schemes:
        raise OutboundError(f"scheme of {url!r} is not allowed")
    if not _allowed(parts.netloc.lower(), registered_hosts(registration)):
        if registration is not None:
            _note_refusal(registration, url)
            raise OutboundError(
                f"host of {url!r} is not registered for the LMS '{registration.name}' (not "
                "among its URLs' hosts or service hosts): an administrator can add it to its "
                "service hosts"
            )
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
