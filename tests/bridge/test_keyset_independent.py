"""One slow key set does not stall the next (issue 26, item 10).

A launch whose platform's key set trickles is cut at the fetch's deadline, and its learner
is told why (504, "did not send its keys within N seconds"). The next launch, of another
registration whose key set is on the same host, must not wait for anything the abandoned
fetch held: it used to get the abandoned connection back from the shared pool (still
carrying the slow answer's unread body), write its request on it and wait out its own
deadline. Real sockets on 127.0.0.1: one HTTP server answering two paths, one slow, one
fast."""

import json
import socket
import threading
import time
from contextlib import contextmanager

import pytest
import requests

from lti_bridge.protocol.http import FetchTimeout, bounded_request
from tests import factories

pytestmark = pytest.mark.live

DEADLINE = 1.5


@contextmanager
def one_host(routes):
    """An HTTP/1.1 server on 127.0.0.1 answering each connection's request by its path
    (``routes``: path -> behaviour(conn, stop)); yields its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def answer(conn):
        try:
            request = conn.recv(65536).decode("latin-1")
            path = request.split(" ", 2)[1] if request.count(" ") >= 2 else ""
            routes.get(path, not_found)(conn, stop)
        except OSError:
            pass
        finally:
            conn.close()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def not_found(conn, stop):
    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")


HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n"


def drip_body(conn, stop):
    """Headers at once, then the body a byte every 0.3 s (each read's timeout restarts)."""
    conn.sendall(HEADERS)
    while not stop.is_set():
        conn.sendall(b" ")
        time.sleep(0.3)


def silent_body(conn, stop):
    """Headers and one byte, then nothing until the server stops (a hung backend)."""
    conn.sendall(HEADERS + b"{")
    stop.wait(30)


def drip_headers(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.is_set():
        conn.sendall(b"X")
        time.sleep(0.3)


def serving(document):
    body = json.dumps(document).encode()

    def behaviour(conn, stop):
        # a keep-alive server: the connection stays open for the client's next request
        conn.settimeout(5)
        while not stop.is_set():
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + b"Content-Length: %d\r\n\r\n" % len(body)
                + body
            )
            if not conn.recv(65536):  # the next request (any path: this one's answer)
                return

    return behaviour


@pytest.fixture
def deadline_settings(settings):
    settings.LTI_BRIDGE = {
        **settings.LTI_BRIDGE,
        # a read timeout well past the deadline: the deadline alone must end the fetch
        "HTTP_TIMEOUT": (1, 5),
        "HTTP_DEADLINE": DEADLINE,
        "ALLOW_INSECURE_URLS": True,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slow", [drip_body, silent_body, drip_headers], ids=["drip-body", "silent", "drip-headers"]
)
def test_a_slow_key_set_does_not_stall_the_next_registrations_launch(
    bridge_setup, deadline_settings, slow
):
    from lti_bridge.models import Account

    slow_lms = bridge_setup
    fast_lms = factories.lms(
        slow_lms.registration.organization,
        name="Other LMS",
        issuer="https://other.example.edu",
        client_id="client-2",
    )
    with one_host({"/slow/jwks": slow, "/fast/jwks": serving(fast_lms.public_jwks())}) as base:
        for platform, path in ((slow_lms, "/slow/jwks"), (fast_lms, "/fast/jwks")):
            registration = platform.registration
            registration.key_set, registration.key_set_url = None, base + path
            registration.save()

        started = time.monotonic()
        refused = slow_lms.full_launch()
        took = time.monotonic() - started
        # cut at the deadline, not at the deadline plus a read timeout
        assert took < DEADLINE + 1.5, took
        assert refused.status_code == 504
        page = refused.content.decode()
        assert "did not send its keys within 1.5 seconds" in page
        assert "nothing was changed" in page
        assert Account.objects.count() == 0

        started = time.monotonic()
        opened = fast_lms.full_launch()
        took = time.monotonic() - started
        assert opened.status_code == 200, opened.content.decode()[-400:]
        assert took < 1.0, f"the second launch waited {took:.1f} s"  # was DEADLINE, then 502
        assert Account.objects.count() == 1


@pytest.mark.parametrize("slow", [drip_body, silent_body], ids=["drip-body", "silent"])
def test_an_abandoned_exchange_leaves_nothing_in_a_shared_pool(slow):
    """The grade deliveries' path: every request on one pooled session. A request cut at
    its deadline must not hand its connection to the next request to the same host."""
    session = requests.Session()
    with one_host({"/slow": slow, "/fast": serving({"ok": True})}) as base:
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match="within 1.5 seconds"):
            bounded_request(session, "GET", base + "/slow", timeout=(1, 5), deadline=DEADLINE)
        assert time.monotonic() - started < DEADLINE + 1
        for _ in range(2):  # and the connection the fast answer left serves again
            started = time.monotonic()
            response = bounded_request(
                session, "GET", base + "/fast", timeout=(1, 5), deadline=DEADLINE
            )
            assert response.json() == {"ok": True}
            assert time.monotonic() - started < 1.0
