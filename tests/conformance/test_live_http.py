"""The suite's wire: what the modules that say "real HTTP" (tests/conformance/conftest.py)
send goes over a socket to the live server serving the demo at ``http://codio.test``,
never through Django's test client in the test's own thread.

The server side is seen through Django's ``request_started`` signal, which carries the
WSGI environ of each request the server handles: its thread (Django's threaded server reads
each connection in a thread of its own), its ``Host``, the peer's address."""

import threading

import pytest
from django.core.signals import request_started

from codio_xblock.lti1p3.ags import SCOPE_SCORE

pytestmark = pytest.mark.django_db(transaction=True)  # the live server's threads read it


@pytest.fixture
def served():
    """The requests the Django in this process handles while the test runs: (path, thread
    id, environ)."""
    seen = []

    def record(sender, environ, **kwargs):
        seen.append((environ.get("PATH_INFO"), threading.get_ident(), dict(environ)))

    request_started.connect(record, dispatch_uid="conformance-served")
    yield seen
    request_started.disconnect(dispatch_uid="conformance-served")


def test_the_http_client_talks_to_the_live_server_over_one_kept_alive_socket(http, served):
    """``http`` sends real HTTP/1.1 to the live server, named by the origin's host
    (``Host: codio.test``, as the issuer says), answered in the server's threads, several
    requests on one connection (keep-alive)."""
    assert http.get("/codio/lti/v1/jwks").status_code == 200
    assert http.get("/codio/lti/v1/jwks", HTTP_ACCEPT="application/json").status_code == 200
    first, second = [entry for entry in served if entry[0] == "/codio/lti/v1/jwks"]
    for _path, thread, environ in (first, second):
        assert thread != threading.get_ident()
        assert environ["HTTP_HOST"] == "codio.test"
        assert environ["SERVER_PROTOCOL"] == "HTTP/1.1"
        assert environ["REMOTE_ADDR"] in ("127.0.0.1", "::1")
    assert second[2]["HTTP_ACCEPT"] == "application/json"
    pools = http.adapter.poolmanager.pools
    (pool,) = [pools[key] for key in pools.keys()]
    assert (pool.host, pool.num_connections) == ("codio.test", 1)  # one connection for both
    assert first[1] == second[1]  # and the server read both from it (a thread a connection)


def test_a_token_request_is_a_form_post_on_the_wire(http, served, tool):
    """RFC 6749 §4.4.2 / LTI Security 1.0 §4.1: the client credentials grant arrives as
    application/x-www-form-urlencoded (what the ``http`` client makes of a dict, as tools
    send it), with its length, and is granted."""
    assert tool.token_response(http, scope=SCOPE_SCORE).status_code == 200
    ((_path, _thread, environ),) = [e for e in served if e[0] == "/codio/lti/v1/token"]
    assert environ["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert int(environ["CONTENT_LENGTH"]) > 0


def test_outbound_calls_of_both_sides_go_to_the_live_server(live_outbound, served):
    """``live_outbound``: the bridge's calls to http://codio.test (through its session) and
    a key set fetch (a transport of its own, lti_bridge.protocol.http ``own_connection``)
    reach the live server over sockets, in its threads."""
    from lti_bridge import http as bridge_http
    from lti_bridge.protocol.http import fetch_json

    key_set = fetch_json(bridge_http.session, "http://codio.test/codio/lti/v1/jwks")
    assert key_set["keys"]
    answer = bridge_http.session.get("http://codio.test/lti-bridge/lti/jwks", timeout=10)
    assert answer.status_code == 200 and answer.json()["keys"]
    assert [r.url for r in live_outbound.requests] == ["http://codio.test/lti-bridge/lti/jwks"]
    paths = [(path, thread) for path, thread, _environ in served]
    assert {path for path, _ in paths} >= {"/codio/lti/v1/jwks", "/lti-bridge/lti/jwks"}
    assert all(thread != threading.get_ident() for _, thread in paths)
