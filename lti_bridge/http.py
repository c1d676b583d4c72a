"""Every outbound HTTP call of the bridge: a timeout, a size cap, registered hosts only."""

import json
from urllib.parse import urlsplit

import requests

from . import conf

MAX_RESPONSE_BYTES = 1024 * 1024
USER_AGENT = "codio-xblock-lti-bridge"


# One pooled session for the process (tests mount transport adapters on it).
session = requests.Session()
session.headers["User-Agent"] = USER_AGENT


class OutboundError(Exception):
    """A call that failed or was refused before being made."""


def registered_hosts():
    from .models import Registration

    hosts = set()
    for row in Registration.objects.active().values(
        "key_set_url", "auth_token_url", "auth_login_url", "issuer"
    ):
        for url in row.values():
            if url:
                hosts.add(urlsplit(url).netloc.lower())
    return hosts


def check_url(url):
    parts = urlsplit(url)
    allowed_schemes = ("https", "http") if conf.get("ALLOW_INSECURE_URLS") else ("https",)
    if parts.scheme not in allowed_schemes:
        raise OutboundError(f"scheme of {url!r} is not allowed")
    if parts.netloc.lower() not in registered_hosts():
        raise OutboundError(f"host of {url!r} belongs to no registered platform")


def get_json(url):
    check_url(url)
    try:
        response = session.get(
            url,
            timeout=conf.get("HTTP_TIMEOUT"),
            stream=True,
            headers={"Accept": "application/json"},
            allow_redirects=False,
        )
        response.raise_for_status()
        body = b""
        for chunk in response.iter_content(64 * 1024):
            body += chunk
            if len(body) > MAX_RESPONSE_BYTES:
                raise OutboundError(
                    f"response from {url!r} is larger than {MAX_RESPONSE_BYTES} bytes"
                )
    except requests.RequestException as exc:
        raise OutboundError(str(exc)) from exc
    try:
        return json.loads(body)
    except ValueError as exc:
        raise OutboundError(f"response from {url!r} is not JSON") from exc
