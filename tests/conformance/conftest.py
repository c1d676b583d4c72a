"""The conformance suite's world, organised as 1EdTech's certification test plans are: both
sides of LTI 1.3 (the platform ``codio_xblock`` and the tool ``lti_bridge``) answering real
HTTP with the real URLconf.

Over real HTTP (sockets to pytest-django's ``live_server``, which serves the whole demo,
platform and bridge, at the origin ``http://codio.test``: the requests go to the server's
port with ``Host: codio.test``, as if the name resolved to it, so the issuer, the tool
registrations and every absolute URL in the documents stay those of the other tests:
``live_platform``):

* the platform modules (test_platform_ags, _nrps, _core_launch, _deep_linking) send every
  request with the ``http`` client (:class:`tests.support.LiveClient`: ``requests``, its own
  cookie jar, keep-alive, timeouts; the test client's interface) and sign people in with
  ``live_as_user`` (``force_login`` in the session store, then its cookie on the wire);
* the tool modules test_tool_ags and test_tool_nrps send the bridge's outbound calls (token,
  AGS, NRPS, key sets) and the platform's (the bridge's key set) over sockets
  (``live_outbound``), while the browsers in those tests (launches, the teacher's forms)
  stay on Django's test client: what they check is what the bridge sends out.

test_live_http checks that wire itself (the server's threads, ``Host``, keep-alive, form
posts, the outbound calls of both sides).

On Django's test client (no socket): test_tool_core_launch and test_tool_deep_linking (the
test is the platform and the bridge calls out to nobody) and test_no_server_errors
(hundreds of hostile inputs handed to Django as given, which an HTTP client would first
normalise in part); each module's docstring says why.

Fixtures (built from tests/support.py, tests/factories.py and tests/test_platform_ags.py,
not copies of them):

* platform side: ``tool`` (a tool registered on the platform, holding its private key:
  :class:`tests.test_platform_ags.ScriptedTool`), ``other_tool``, ``line_item`` (a block's
  line item of ``tool``), ``membership`` (a course's membership service for ``tool``),
  ``access_token`` (a token from the real token endpoint for a scope, through the test
  client); the demo course with a launchable block is the top-level ``course`` fixture
  (``as_user`` signs in);
* real HTTP: ``live_platform`` (the live server serving ``http://codio.test``), ``http``
  (a :class:`tests.support.LiveClient`; ``http.fresh()`` is another browser),
  ``live_as_user`` (a signed-in LiveClient), ``live_outbound`` (the sockets for the
  outbound calls of both sides, recorded as the ``outbound`` fixture records them);
* tool side: ``lms`` (a platform registered with the bridge that signs its own id_tokens:
  :class:`tests.support.ScriptedPlatform`);
* helpers: :func:`sign_id_token` and :func:`client_assertion`.
"""

import socket
from types import SimpleNamespace

import pytest
from django.test import Client

from tests.support import LiveClient, RecordingAdapter, ScriptedPlatform, route_origin
from tests.test_platform_ags import TOKEN_URL, ScriptedTool, workbench_blocks

__all__ = ["TOKEN_URL", "client_assertion", "sign_id_token"]

COURSE_ID = "course-v1:Conformance+LTI13+2026"
ORIGIN = "http://codio.test"  # the demo's origin (tests/settings.py BASE_URL)


def sign_id_token(platform: ScriptedPlatform, claims, *, kid=None, pem=None, headers=None):
    """An id_token of ``platform`` (any claims, even malformed ones), RS256 by its key."""
    return platform.sign(claims, kid=kid, pem=pem, headers=headers)


def client_assertion(tool: ScriptedTool, **overrides):
    """A tool's RFC 7523 client assertion for the platform's token endpoint (``None``
    drops a claim)."""
    return tool.assertion(**overrides)


@pytest.fixture
def tool(db):
    return ScriptedTool("conformance-tool")


@pytest.fixture
def other_tool(db):
    return ScriptedTool("other-tool")


@pytest.fixture
def access_token(tool):
    """``access_token(scope)``: a token of ``tool`` from the platform's token endpoint."""
    client = Client()
    return lambda scope, of=tool: of.token(client, scope)


@pytest.fixture
def live_platform(live_server, settings, monkeypatch):
    """The live server answering for ``http://codio.test``: connections to codio.test:80
    go to it (:func:`tests.support.route_origin`, for every client and thread of the
    process), its host allowed as a deployment at that name allows it; its URL.
    ``live_server`` needs transactional tests."""
    route_origin(monkeypatch, ORIGIN, live_server.url)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "codio.test"]
    # Django's server writes a response's headers and body in two writes: with Nagle's
    # algorithm and the client's delayed ACK each response waits ~40 ms for nothing.
    # Accepted sockets inherit TCP_NODELAY from the listening one (Linux), as a production
    # server sets it.
    live_server.thread.httpd.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return live_server.url


@pytest.fixture
def http(live_platform):
    """A client with django.test.Client's interface sending real HTTP to the live server
    (:class:`tests.support.LiveClient`); ``http.fresh()`` is another browser. Every client
    made is closed after the test."""
    made = []

    class Closing(LiveClient):
        def fresh(self, **options):
            other = super().fresh(**options)
            made.append(other)
            return other

    client = Closing(ORIGIN)
    made.append(client)
    yield client
    for each in made:
        each.close()


@pytest.fixture
def live_as_user(users, http):
    """``live_as_user(username)``: a browser of the demo user over real HTTP, signed in
    (``force_login``: its session in the session store, its cookie sent on the wire), that
    sends the bridge's form token as the bridge's pages do (like ``as_user``)."""
    return lambda username: http.fresh(bridge_forms=True).force_login(users[username])


@pytest.fixture
def live_outbound(live_platform):
    """The outbound HTTP of both sides for http://codio.test/ over sockets to the live
    server: the bridge's (``lti_bridge.http.session``: token, AGS, NRPS, key sets) and the
    platform's (``codio_xblock.ags.session``: a tool's key set), on network transports in
    place of the top-level ``outbound`` fixture's test-client one. The bridge's requests are
    recorded (``.requests``, ``.calls``) as ``outbound`` records them, except the key set
    fetches, which take a fresh transport of their own (lti_bridge.protocol.http
    ``own_connection``) and so reach the server without passing here; a module overrides
    ``outbound`` with this fixture to run the demo (``course``) this way."""
    from codio_xblock import ags
    from lti_bridge import http as bridge_http

    prefix = ORIGIN + "/"
    adapter, platform_adapter = RecordingAdapter(), RecordingAdapter()
    before = {
        session: session.adapters.get(prefix) for session in (bridge_http.session, ags.session)
    }
    bridge_http.session.mount(prefix, adapter)
    ags.session.mount(prefix, platform_adapter)
    yield adapter
    for session, previous in before.items():
        session.adapters.pop(prefix, None)
        if previous is not None:
            session.mount(prefix, previous)
    adapter.close()
    platform_adapter.close()


@pytest.fixture
def line_item(tool):
    """A line item of a real block of the workbench course, owned by ``tool``."""
    from codio_xblock.models import LineItem

    return LineItem.objects.create(
        tool=tool.tool,
        usage_id=workbench_blocks()[0],
        course_id=COURSE_ID,
        label="Unit",
        score_maximum=10,
    )


def membership_service(of, *, usage_id="block-1", share_name=True, share_email=True):
    """The course's membership service as a launch of ``of`` (a ScriptedTool) records it."""
    from codio_xblock import nrps
    from codio_xblock.adapter import CourseInfo
    from codio_xblock.models import ToolContext

    course = CourseInfo(id=COURSE_ID, label="LTI13", title="Conformance")
    claim = nrps.service_claim(
        of.tool,
        course,
        usage_id=usage_id,
        title="Unit",
        share_name=share_name,
        share_email=share_email,
    )
    context = ToolContext.objects.get(tool=of.tool, course_id=COURSE_ID)
    return SimpleNamespace(context=context, url=claim["context_memberships_url"], claim=claim)


@pytest.fixture
def membership(tool):
    return membership_service(tool)


@pytest.fixture
def lms(bridge_setup):
    """A platform registered with the bridge (issuer https://lms.example.edu, client-1,
    deployment d1, its public key set), signing its own id_tokens."""
    return bridge_setup


DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
LTI_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def deep_linking_settings(platform, **overrides):
    """A deep_linking_settings claim as a platform sends it (Deep Linking 2.0 §4.4.1)."""
    return {
        "deep_link_return_url": platform.registration.issuer + "/dl/return?course=1",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": False,
        "data": "platform-opaque-data",
        **overrides,
    }


def deep_linking_request(platform, *, roles=(INSTRUCTOR,), settings=None, **claims):
    """Send an LtiDeepLinkingRequest from ``platform`` to the bridge; the response."""
    return platform.full_launch(
        **{
            LTI_CLAIM + "message_type": "LtiDeepLinkingRequest",
            LTI_CLAIM + "resource_link": None,
            LTI_CLAIM + "roles": list(roles),
            DL_CLAIM: settings or deep_linking_settings(platform),
            **claims,
        }
    )


@pytest.fixture
def picker_url(lms):
    """The bridge's unit picker, opened by a teacher's deep linking request."""
    response = deep_linking_request(lms)
    assert response.status_code == 302, response.content.decode()[-400:]
    return response["Location"]
