"""Fetching JSON (key sets) from the other side: bounded in time and size, no redirects.
Used by the platform (tool key sets) and the bridge (platform key sets). No Django here.

``requests`` timeouts bound each network read, not the whole exchange: a server that sends
one byte a second keeps a read alive for ever. :func:`bounded_request` adds a total
deadline: the exchange runs in a helper thread the caller stops waiting for at the
deadline, and the body is read as it arrives, never past ``max_bytes``.

An exchange the caller gave up on is abandoned for good, and nothing it held reaches the
next one. Its socket is shut down by the caller (which wakes the helper at once, with no
lock of the response taken from another thread), and the helper closes its connection
before the response lets it go: an exchange that did not end cleanly never returns its
connection to the session's pool. (Closing the response from the caller's thread used to
race the helper's read: urllib3 then put the connection, still carrying the slow server's
unread body, back in the pool, and the next request to the same host, another key set's,
was written on it and waited for an answer that never came.) A key set fetch
(:func:`fetch_json`) goes further and uses a connection of its own, never pooled with any
other exchange.
"""

import json
import socket
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


class FetchTimeout(FetchError):
    """The exchange did not end within its deadline (``deadline``: those seconds)."""

    def __init__(self, message: str, deadline: float) -> None:
        super().__init__(message)
        self.deadline = deadline


class _Outcome(TypedDict, total=False):
    """What the exchange's helper leaves: the response, or the error it ended with."""

    response: requests.Response
    error: FetchError


def _read_body(
    response: requests.Response, url: str, max_bytes: int, ends: float, deadline: float
) -> bytes:
    body = bytearray()
    reader = getattr(response.raw, "read1", None)
    while True:
        if time.monotonic() > ends:
            raise FetchTimeout(f"{url!r} did not answer within {deadline:g} seconds", deadline)
        # read1 returns what one network read brings (urllib3 2): the deadline is checked
        # between reads however slowly the server sends.
        chunk = reader(16 * 1024) if reader else response.raw.read(16 * 1024)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"response from {url!r} is larger than {max_bytes} bytes")


def _connection_of(response: requests.Response) -> Any:
    """The urllib3 connection carrying ``response`` (None for another transport)."""
    raw = response.raw
    return getattr(raw, "connection", None) or getattr(raw, "_connection", None)


def _shut_down(connection: Any) -> None:
    """Shut the connection's socket down, from any thread: a read blocked on it returns at
    once. Closing is left to the thread that reads (the helper)."""
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed or shut down


def _discard(response: requests.Response, connection: Any) -> None:
    """End an exchange that did not finish cleanly: its connection is closed before the
    response is released, so the pool only ever gets it back closed (a closed connection is
    reopened on its next use) and no one writes a request on what the server still sends."""
    if connection is not None:
        try:
            connection.close()
        except OSError:
            pass
    response.close()


def _private_send(
    session: requests.Session, method: str, url: str, timeout: Timeout, **kwargs: Any
) -> tuple[requests.Response, requests.adapters.HTTPAdapter]:
    """``session``'s request (its headers, auth, environment: proxies, CA bundle) sent on a
    connection of its own, streamed: a fresh adapter whose pool serves this exchange only
    (closed with it)."""
    prepared = session.prepare_request(requests.Request(method, url, **kwargs))
    settings: Any = session.merge_environment_settings(prepared.url, {}, True, None, None)
    connect_read: Any = timeout  # requests' stubs spell the (connect, read) pair narrower
    adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=1)
    try:
        return adapter.send(prepared, timeout=connect_read, **settings), adapter
    except BaseException:
        adapter.close()
        raise


def bounded_request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    timeout: Timeout = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    max_bytes: int = MAX_RESPONSE_BYTES,
    own_connection: bool = False,
    **kwargs: Any,
) -> requests.Response:
    """``session.request`` bounded in total time and response size; no redirects. Returns
    the response with its body read (``.content``, ``.json()`` work); raises FetchError for
    a network failure or an oversized body, FetchTimeout at the deadline.

    ``own_connection``: the exchange takes no connection from the session's pool and
    leaves none in it (what one exchange does to its connection cannot touch another)."""
    ends = time.monotonic() + deadline
    outcome: _Outcome = {}
    lock = threading.Lock()  # guards ``held`` and ``abandoned`` between helper and caller
    held: list[Any] = []  # the exchange's connection, once its response has arrived
    abandoned = threading.Event()
    over_network = isinstance(session.get_adapter(url), requests.adapters.HTTPAdapter)
    private = own_connection and over_network

    def run() -> None:
        response = adapter = connection = None
        clean = False
        try:
            if private:
                response, adapter = _private_send(session, method, url, timeout, **kwargs)
            else:
                response = session.request(
                    method, url, timeout=timeout, stream=True, allow_redirects=False, **kwargs
                )
            connection = _connection_of(response)
            with lock:
                held.append(connection)
                if abandoned.is_set():  # the caller gave up while the headers came
                    _shut_down(connection)
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"response from {url!r} is larger than {max_bytes} bytes")
            response._content = _read_body(response, url, max_bytes, ends, deadline)
            clean = not abandoned.is_set()
            outcome["response"] = response
        except requests.RequestException as exc:
            outcome["error"] = FetchError(str(exc))
        except FetchError as exc:
            outcome["error"] = exc
        except Exception as exc:  # noqa: BLE001 - anything else the exchange raises is a failure
            outcome["error"] = FetchError(f"{url!r}: {exc}")
        finally:
            if response is not None:
                if clean:
                    response.close()  # read to its end: the connection may serve again
                else:
                    _discard(response, connection)
            if adapter is not None:
                adapter.close()

    if not over_network:
        run()  # an in-process transport (tests): no network to wait on, same thread and DB
    else:
        worker = threading.Thread(target=run, name="lti-fetch", daemon=True)
        worker.start()
        worker.join(deadline)
        if worker.is_alive():
            with lock:
                abandoned.set()
                for connection in held:
                    _shut_down(connection)  # the helper's read ends now; it discards
            raise FetchTimeout(f"{url!r} did not answer within {deadline:g} seconds", deadline)
    if "error" in outcome:
        raise outcome["error"]
    if "response" not in outcome:  # pragma: no cover - the helper always leaves one
        raise FetchError(f"{url!r}: no answer")
    return outcome["response"]


def fetch_json(
    session: requests.Session,
    url: str,
    timeout: Timeout = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_RESPONSE_BYTES,
    deadline: float = DEFAULT_DEADLINE,
) -> Any:
    """GET a JSON document (a key set), bounded in time and size, on a connection of its
    own: a slow key set never holds anything another key set's fetch needs."""
    response = bounded_request(
        session,
        "GET",
        url,
        timeout=timeout,
        deadline=deadline,
        max_bytes=max_bytes,
        own_connection=True,
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
