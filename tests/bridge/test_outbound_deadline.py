"""Every outbound fetch is bounded in total time and size (issue 11, item 12): a server
that sends one byte at a time, or no end of bytes, cannot hold a launch or a token request.
Real sockets on 127.0.0.1."""

import socket
import threading
import time
from contextlib import contextmanager

import pytest
import requests

from lti_bridge.protocol.http import FetchError, fetch_json

pytestmark = pytest.mark.live


@contextmanager
def server(behaviour):
    """A TCP server on 127.0.0.1 that answers every connection with ``behaviour(conn)``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=_answer, args=(conn, behaviour, stop), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/jwks"
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def _answer(conn, behaviour, stop):
    try:
        conn.recv(65536)
        behaviour(conn, stop)
    except OSError:
        pass
    finally:
        conn.close()


def drip_body(conn, stop):
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
    while not stop.is_set():
        conn.sendall(b" ")
        time.sleep(0.3)


def drip_headers(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.is_set():
        conn.sendall(b"X")
        time.sleep(0.3)


def endless_body(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    chunk = b"[" + b" " * 65536
    while not stop.is_set():
        conn.sendall(chunk)


def announced_huge(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n{")


@pytest.mark.parametrize("behaviour", [drip_body, drip_headers], ids=["body", "headers"])
def test_a_dripping_server_is_cut_off_at_the_deadline(behaviour):
    with server(behaviour) as url:
        started = time.monotonic()
        with pytest.raises(FetchError, match="within"):
            fetch_json(requests.Session(), url, timeout=(1, 1), deadline=1.5)
        assert time.monotonic() - started < 3  # not the 30+ s the drip would last


@pytest.mark.parametrize("behaviour", [endless_body, announced_huge], ids=["endless", "announced"])
def test_an_oversized_answer_is_refused(behaviour):
    with server(behaviour) as url:
        started = time.monotonic()
        with pytest.raises(FetchError, match="larger than"):
            fetch_json(requests.Session(), url, timeout=(1, 1), deadline=10, max_bytes=256 * 1024)
        assert time.monotonic() - started < 5


def test_a_normal_key_set_still_arrives():
    def key_set(conn, stop):
        body = b'{"keys": []}'
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )

    with server(key_set) as url:
        assert fetch_json(requests.Session(), url, timeout=(1, 1), deadline=2) == {"keys": []}


@pytest.mark.django_db
def test_the_bridge_fetches_platform_keys_with_its_deadline(bridge_setup, settings):
    """A launch from a platform whose key set server drips: a clear refusal in time."""
    from lti_bridge.models import Account

    settings.LTI_BRIDGE = {
        **settings.LTI_BRIDGE,
        "HTTP_TIMEOUT": (1, 1),
        "HTTP_DEADLINE": 1.5,
        "ALLOW_INSECURE_URLS": True,
    }
    with server(drip_body) as url:
        registration = bridge_setup.registration
        registration.key_set = None
        registration.key_set_url = url
        registration.save()
        started = time.monotonic()
        response = bridge_setup.full_launch()
        assert time.monotonic() - started < 4
    assert response.status_code == 504  # the platform's keys did not come in time
    assert "did not send its keys within 1.5 seconds" in response.content.decode()
    assert Account.objects.count() == 0
