"""Fetching JSON (key sets) from the other side: bounded in time and size, no redirects.
Used by the platform (tool key sets) and the bridge (platform key sets). No Django here.

``requests`` timeouts bound each network read, not the whole exchange: a server that sends
one byte a second keeps a read alive for ever. :func:`fetch_json` adds a total deadline:
the exchange runs in a helper thread the caller stops waiting for at the deadline (the
helper also gives up between reads once the deadline is past, and its socket is closed), and
the body is read as it arrives, never past ``max_bytes``.
"""

import json
import threading
import time
from typing import Any, Final, TypeAlias, TypedDict

import requests

Timeout: TypeAlias = float | tuple[float | None, float | None]
"""A ``requests`` timeout: one number, or (connect, read)."""

MAX_RESPONSE_BYTES: Final = 1024 * 1024
DEFAULT_TIMEOUT: Final[Timeout] = (3.05, 10)
DEFAULT_DEADLINE: Final = 15.0  # seconds for the whole exchange: connect, headers, body


class FetchError(Exception):
    """The document could not be fetched in time, is too large, or is not JSON."""


class _Outcome(TypedDict, total=False):
    """What the exchange's helper leaves: the response, or the error it ended with."""

    response: requests.Response
    error: FetchError


def _read_body(response: requests.Response, url: str, max_bytes: int, deadline: float) -> bytes:
    body = bytearray()
    reader = getattr(response.raw, "read1", None)
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"{url!r} did not answer within the deadline")
        # read1 returns what one network read brings (urllib3 2): the deadline is checked
        # between reads however slowly the server sends.
        chunk = reader(16 * 1024) if reader else response.raw.read(16 * 1024)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"response from {url!r} is larger than {max_bytes} bytes")


def bounded_request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    timeout: Timeout = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    max_bytes: int = MAX_RESPONSE_BYTES,
    **kwargs: Any,
) -> requests.Response:
    """``session.request`` bounded in total time and response size; no redirects. Returns
    the response with its body read (``.content``, ``.json()`` work); raises FetchError for
    a network failure, the deadline, or an oversized body."""
    ends = time.monotonic() + deadline
    outcome: _Outcome = {}
    responses: list[requests.Response] = []

    def run() -> None:
        try:
            response = session.request(
                method, url, timeout=timeout, stream=True, allow_redirects=False, **kwargs
            )
            responses.append(response)
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"response from {url!r} is larger than {max_bytes} bytes")
            response._content = _read_body(response, url, max_bytes, ends)
            outcome["response"] = response
        except requests.RequestException as exc:
            outcome["error"] = FetchError(str(exc))
        except FetchError as exc:
            outcome["error"] = exc
        except Exception as exc:  # noqa: BLE001 - anything else the exchange raises is a failure
            outcome["error"] = FetchError(f"{url!r}: {exc}")
        finally:
            for response in responses:
                response.close()

    if not isinstance(session.get_adapter(url), requests.adapters.HTTPAdapter):
        run()  # an in-process transport (tests): no network to wait on, same thread and DB
    else:
        worker = threading.Thread(target=run, name="lti-fetch", daemon=True)
        worker.start()
        worker.join(deadline)
    if "response" not in outcome and "error" not in outcome:
        for response in responses:
            response.close()  # the helper's next read fails; it ends on its own
        raise FetchError(f"{url!r} did not answer within {deadline:g} seconds")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["response"]


def fetch_json(
    session: requests.Session,
    url: str,
    timeout: Timeout = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_RESPONSE_BYTES,
    deadline: float = DEFAULT_DEADLINE,
) -> Any:
    """GET a JSON document (a key set), bounded in time and size."""
    response = bounded_request(
        session,
        "GET",
        url,
        timeout=timeout,
        deadline=deadline,
        max_bytes=max_bytes,
        headers={"Accept": "application/json"},
    )
    if response.status_code >= 400:
        raise FetchError(f"{url!r} answered HTTP {response.status_code}")
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError) as exc:
        raise FetchError(f"response from {url!r} is not JSON") from exc


def find_key(key_set: object, kid: str | None, alg: str = "RS256") -> dict[str, Any] | None:
    """The JWK with this kid (and alg, when the key names one) in a key set, or None."""
    keys = key_set.get("keys") if isinstance(key_set, dict) else None
    for key in keys if isinstance(keys, list) else []:
        if isinstance(key, dict) and key.get("kid") == kid and key.get("alg", alg) == alg:
            return key
    return None
