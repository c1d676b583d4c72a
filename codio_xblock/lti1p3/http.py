"""Fetching JSON (key sets) from the other side: a timeout, no redirects, a size cap.
Used by the platform (tool key sets) and the bridge (platform key sets). No Django here."""

import json

import requests

MAX_RESPONSE_BYTES = 1024 * 1024
DEFAULT_TIMEOUT = (3.05, 10)


class FetchError(Exception):
    """The document could not be fetched, or is not JSON."""


def fetch_json(session, url, timeout=DEFAULT_TIMEOUT, max_bytes=MAX_RESPONSE_BYTES):
    try:
        response = session.get(
            url,
            timeout=timeout,
            stream=True,
            allow_redirects=False,
            headers={"Accept": "application/json"},
        )
        response.raise_for_status()
        body = b""
        for chunk in response.iter_content(64 * 1024):
            body += chunk
            if len(body) > max_bytes:
                raise FetchError(f"response from {url!r} is larger than {max_bytes} bytes")
    except requests.RequestException as exc:
        raise FetchError(str(exc)) from exc
    try:
        return json.loads(body)
    except ValueError as exc:
        raise FetchError(f"response from {url!r} is not JSON") from exc


def find_key(key_set, kid, alg="RS256"):
    """The JWK with this kid (and alg, when the key names one) in a key set, or None."""
    keys = key_set.get("keys") if isinstance(key_set, dict) else None
    for key in keys if isinstance(keys, list) else []:
        if isinstance(key, dict) and key.get("kid") == kid and key.get("alg", alg) == alg:
            return key
    return None
