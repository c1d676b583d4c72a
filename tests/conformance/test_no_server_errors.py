"""No HTTP 500 from any protocol endpoint, on any input (issue 26, item 4).

Every endpoint of both sides that another LTI party or a browser reaches (the platform's
JWKS, OIDC authorization, deep linking response, token, AGS line items, scores and results,
NRPS memberships; the tool's OIDC login, launch, JWKS and unit picker) gets hostile query
strings, form fields, headers and bodies: Unicode digits, NUL bytes, huge values, repeated
parameters, non-UTF-8 bytes, JSON of the wrong types, deeply nested or with huge numbers,
wrong methods and content types. Each answer is below 500 and, where a specification names
the error, it is that error:

* a method an endpoint does not serve: 405 with ``Allow`` (RFC 9110 §15.5.6);
* a service call without a usable Bearer token: 401 with ``WWW-Authenticate: Bearer``
  (RFC 6750 §3, LTI Security 1.0 §4.1), a token lacking the scope: 403 (RFC 6750 §3.1);
* a bad OAuth 2 token request: 400/401 with an ``error`` code (RFC 6749 §5.2);
* an OIDC authentication request in error: 4xx with its OIDC error code, never a redirect
  to an unregistered URI (OpenID Connect Core 1.0 §3.1.2.6, LTI Security 1.0 §5.1.1);
* a score posted in another media type: 415 (AGS 2.0 §3.4, RFC 9110 §15.5.16); a score
  document that is not one: 400 invalid_request;
* an NRPS query that is not one: 400 invalid_request (NRPS 2.0 §2.4).

This module stays on Django's test client (tests/conformance/conftest.py says which run
over real HTTP): hundreds of cases of hostile input, each of which the test client hands to
the full Django stack as given (raw query strings, non-UTF-8 bytes, any header), where an
HTTP client would first normalise some of them and a socket would add time to each.
"""

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from codio_xblock.lti1p3.ags import (
    MEDIA_SCORE,
    SCOPE_LINEITEM,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
)
from codio_xblock.lti1p3.nrps import SCOPE_MEMBERSHIP_READONLY
from tests.conformance.conftest import client_assertion
from tests.support import path_of

pytestmark = pytest.mark.django_db

# Hostile values for any one parameter.
VALUES = {
    "unicode-superscript-digit": "²",
    "arabic-indic-digits": "١٢",
    "fullwidth-digits": "１０",
    "nul": "a\x00b",
    "only-nul": "\x00",
    "control-chars": "\x01\x1b[31m\x7f",
    "crlf-injection": "a\r\nSet-Cookie: pwned=1",
    "non-ascii": "é中😀\u202e",
    "empty": "",
    "blank": " \t ",
    "huge": "x" * 70_000,
    "huge-number": "9" * 5_000,
    "negative": "-1",
    "float-overflow": "1e999",
    "json-object": '{"a": [1, {"b": null}]}',
    "javascript-url": "javascript:alert(1)",
    "percent-escapes": "%00%ff%fe",
}

AUTHORIZATIONS = {
    "none": None,
    "empty": "",
    "scheme-only": "Bearer",
    "scheme-and-space": "Bearer ",
    "basic": "Basic dXNlcjpwYXNz",
    "digest": 'Digest username="a", realm="b"',
    "junk-jwt": "Bearer x.y.z",
    "non-ascii": "Bearer éé.中.😀",
    "nul": "Bearer a\x00b",
    "huge": "Bearer " + "a" * 100_000,
    "alg-none": "Bearer eyJhbGciOiJub25lIn0.eyJzY29wZSI6IngifQ.",
    "header-not-an-object": "Bearer WzFd.e30.AAAA",
    "kid-of-wrong-type": "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6WzFdfQ.e30.AAAA",
}


@dataclass
class Endpoint:
    """One protocol endpoint: how to reach it with acceptable parameters (``base``), the
    parameters it reads, and the statuses it may answer to hostile ones."""

    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)  # name -> value, or callable
    headers: dict[str, str] = field(default_factory=dict)
    allowed: tuple[int, ...] = (200, 400)
    methods: tuple[str, ...] = ("GET",)
    client: Client = field(default_factory=Client)
    answered: Any = None  # called with each response (an endpoint that spends its input)

    def base(self):
        return {k: (v() if callable(v) else v) for k, v in self.params.items()}

    def send(self, params=None, *, method=None, headers=None, query_string=None):
        method = (method or self.method).lower()
        extra = {**self.headers, **(headers or {})}
        extra = {k: v for k, v in extra.items() if v is not None}
        params = self.base() if params is None else params
        response = self._send(method, params, extra, query_string)
        if self.answered:
            self.answered(response)
        return response

    def _send(self, method, params, extra, query_string):
        if query_string is not None:
            return self.client.generic(
                method.upper(), self.path, QUERY_STRING=query_string, **extra
            )
        if method in ("get", "head", "delete", "options"):
            separator = "&" if "?" in self.path else "?"
            url = self.path + (separator + urlencode(params, doseq=True) if params else "")
            return getattr(self.client, method)(url, **extra)
        return getattr(self.client, method)(self.path, params, **extra)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _token_endpoint(request):
    tool = request.getfixturevalue("tool")
    return Endpoint(
        "POST",
        "/codio/lti/v1/token",
        {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": lambda: client_assertion(tool),
            "scope": SCOPE_SCORE,
        },
        allowed=(200, 400, 401),
        methods=("POST",),
    )


def _auth_endpoint(request):
    from tests.test_platform_oidc_auth import auth_params

    client = request.getfixturevalue("as_user")("learner")
    names = (
        "scope response_type response_mode prompt client_id redirect_uri login_hint "
        "lti_message_hint nonce state"
    ).split()
    started = {}

    def value(name):
        def current():
            if not started:  # a new launch once a request got through and spent it
                started.update(auth_params(client))
            return started.get(name, "")

        return current

    def answered(response):
        if response.status_code == 200:
            started.clear()

    return Endpoint(
        "GET",
        "/codio/lti/v1/auth",
        {name: value(name) for name in names},
        allowed=(200, 400, 403),
        methods=("GET", "POST"),
        client=client,
        answered=answered,
    )


def _service(request, scope, path_of_row):
    token = request.getfixturevalue("access_token")(scope)
    return token, path_of(path_of_row(request))


def _nrps_endpoint(request):
    token = request.getfixturevalue("access_token")(SCOPE_MEMBERSHIP_READONLY)
    url = request.getfixturevalue("membership").url
    return Endpoint(
        "GET",
        path_of(url),
        {"limit": "2", "role": "Learner", "rlid": "block-1", "cursor": ""},
        headers=bearer(token),
        allowed=(200, 400, 404),
    )


def _ags_endpoint(suffix, scope, method="GET", params=None, methods=("GET",)):
    def make(request):
        item = request.getfixturevalue("line_item")
        token = request.getfixturevalue("access_token")(scope)
        return Endpoint(
            method,
            f"/codio/lti/v1/ags/lineitems/{item.pk}{suffix}",
            params or {},
            headers=bearer(token),
            allowed=(200, 400),
            methods=methods,
        )

    return make


def _ags_container(request):
    """The course's line items container (AGS 2.0 §3.2), as the launch's claim names it."""
    from django.urls import reverse

    context = request.getfixturevalue("membership").context
    token = request.getfixturevalue("access_token")(SCOPE_LINEITEM)
    return Endpoint(
        "GET",
        reverse("codio_xblock:ags-lineitems", args=[context.pk]),
        {"resource_link_id": "r", "resource_id": "r", "tag": "t", "limit": "1", "page": "1"},
        headers=bearer(token),
        allowed=(200, 400),
        methods=("GET", "POST"),
    )


def _launch_endpoint(request):
    lms = request.getfixturevalue("lms")
    started = {}

    def state():
        started["state"], started["nonce"] = lms.state_and_nonce()
        return started["state"]

    def id_token():
        return lms.sign(lms.claims(started["nonce"]))

    return Endpoint(
        "POST",
        "/lti-bridge/lti/launch",
        {"state": state, "id_token": id_token},
        allowed=(200, 400, 403, 404),
        methods=("POST",),
        client=lms.client,
    )


def _login_endpoint(request):
    lms = request.getfixturevalue("lms")
    return Endpoint(
        "GET",
        "/lti-bridge/lti/login",
        {
            "iss": lms.registration.issuer,
            "client_id": lms.registration.client_id,
            "login_hint": "hint",
            "lti_message_hint": "message-hint",
            "target_link_uri": "http://codio.test/lti-bridge/lti/launch",
            "lti_deployment_id": "d1",
            "lti1p3_new_window": "1",
        },
        allowed=(200, 302, 400, 403, 404),
        methods=("GET", "POST"),
        client=lms.client,
    )


def _picker_endpoint(method):
    def make(request):
        url = request.getfixturevalue("picker_url")
        lms = request.getfixturevalue("lms")
        params = {"q": "hello", "page": "1"} if method == "GET" else {"unit": "not-a-unit"}
        return Endpoint(
            method,
            path_of(url),
            params,
            allowed=(200, 400, 404),
            methods=("GET", "POST"),
            client=lms.client,
        )

    return make


ENDPOINTS = {
    "platform-jwks": lambda request: Endpoint("GET", "/codio/lti/v1/jwks", {"kid": "k"}),
    "platform-oidc-auth": _auth_endpoint,
    "platform-deep-linking-response": lambda request: Endpoint(
        "POST",
        "/codio/lti/v1/deep-linking/response",
        {"JWT": "a.b.c"},
        allowed=(400, 403),
        methods=("POST",),
    ),
    "platform-token": _token_endpoint,
    "platform-ags-lineitem": _ags_endpoint(
        "", SCOPE_LINEITEM, params={"x": "1"}, methods=("GET", "PUT", "DELETE")
    ),
    "platform-ags-lineitems": _ags_container,
    "platform-ags-results": _ags_endpoint(
        "/results", SCOPE_RESULT_READONLY, params={"user_id": "u", "limit": "1", "page": "1"}
    ),
    "platform-ags-scores": _ags_endpoint("/scores", SCOPE_SCORE, "POST", methods=("POST",)),
    "platform-nrps-memberships": _nrps_endpoint,
    "tool-jwks": lambda request: Endpoint("GET", "/lti-bridge/lti/jwks", {"kid": "k"}),
    "tool-oidc-login": _login_endpoint,
    "tool-launch": _launch_endpoint,
    "tool-deep-linking-picker": _picker_endpoint("GET"),
    "tool-deep-linking-choice": _picker_endpoint("POST"),
}
WITH_PARAMS = [name for name in ENDPOINTS if name != "platform-ags-scores"]
SERVICES = [name for name in ENDPOINTS if name.startswith(("platform-ags", "platform-nrps"))]


@pytest.fixture
def endpoint(request):
    return ENDPOINTS[request.param](request)


def assert_answer(response, endpoint, what):
    """Below 500, one of the endpoint's answers, never an empty refusal."""
    assert response.status_code < 500, (what, response.status_code, response.content[:300])
    assert response.status_code in endpoint.allowed, (what, response.status_code)
    if response.status_code >= 400:
        assert response.content, (what, "an empty refusal")


@pytest.mark.parametrize("endpoint", WITH_PARAMS, indirect=True)
@pytest.mark.parametrize("value", VALUES.values(), ids=VALUES.keys())
def test_a_hostile_value_in_any_parameter_is_a_clear_refusal(endpoint, value):
    """Each parameter the endpoint reads, in turn, given a hostile value."""
    for name in endpoint.params:
        params = endpoint.base()
        params[name] = value
        assert_answer(endpoint.send(params), endpoint, name)


@pytest.mark.parametrize("endpoint", WITH_PARAMS, indirect=True)
def test_repeated_and_missing_parameters(endpoint):
    """A parameter given twice (the good value and a bad one, in both orders) or left out."""
    for name in endpoint.params:
        for order in (lambda good: [good, "\x00²"], lambda good: ["\x00²", good]):
            params = endpoint.base()
            params[name] = order(params[name])
            assert_answer(endpoint.send(params), endpoint, f"{name} twice")
        params = endpoint.base()
        del params[name]
        assert_answer(endpoint.send(params), endpoint, f"without {name}")
    assert_answer(endpoint.send({}), endpoint, "no parameter")


@pytest.mark.parametrize("endpoint", WITH_PARAMS, indirect=True)
@pytest.mark.parametrize(
    "query",
    ["%ff%fe%00=%c3%28", "a" * 50_000, "&&&=&=", "%", "limit=%F0%9F%98%80", "x[]=1&x[]=2"],
    ids=["undecodable", "long", "empty-pairs", "lone-percent", "emoji", "brackets"],
)
def test_raw_query_strings(endpoint, query):
    """Undecodable bytes and malformed pairs in the query string itself."""
    assert_answer(endpoint.send(query_string=query), endpoint, query[:20])


@pytest.mark.parametrize("endpoint", list(ENDPOINTS), indirect=True)
def test_a_method_the_endpoint_does_not_serve_is_405_with_allow(endpoint):
    """RFC 9110 §15.5.6: 405 names the allowed methods in ``Allow``."""
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        if method in endpoint.methods:
            continue
        response = endpoint.client.generic(method, endpoint.path, **endpoint.headers)
        assert response.status_code == 405, (method, response.status_code)
        allowed = {m.strip() for m in response["Allow"].split(",")}
        assert set(endpoint.methods) <= allowed, (method, response["Allow"])


@pytest.mark.parametrize("endpoint", SERVICES, indirect=True)
@pytest.mark.parametrize("authorization", AUTHORIZATIONS.values(), ids=AUTHORIZATIONS.keys())
def test_a_service_call_without_a_usable_bearer_token_is_401(endpoint, authorization):
    """RFC 6750 §3 and LTI Security 1.0 §4.1: no valid access token, 401 with a
    ``WWW-Authenticate: Bearer`` challenge and nothing done."""
    response = endpoint.send(headers={"HTTP_AUTHORIZATION": authorization})
    assert response.status_code == 401, response.content[:300]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]


@pytest.mark.parametrize("endpoint", SERVICES, indirect=True)
def test_a_token_of_another_scope_is_403(endpoint, request):
    """RFC 6750 §3.1 (insufficient_scope) and AGS 2.0 §3.1 / NRPS 2.0 §3.6.1.2: a token
    granted for another service is refused with 403."""
    token = request.getfixturevalue("access_token")
    other = SCOPE_MEMBERSHIP_READONLY if "ags" in endpoint.path else SCOPE_SCORE
    response = endpoint.send(headers=bearer(token(other)))
    assert response.status_code == 403, response.content[:300]
    assert response.json()["error"] == "insufficient_scope"
    assert response["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'


@pytest.mark.parametrize("endpoint", SERVICES, indirect=True)
def test_a_token_whose_header_was_tampered_is_401(endpoint):
    """LTI Security 1.0 §5.1.3: the platform verifies its own tokens' signatures."""
    token = endpoint.headers["HTTP_AUTHORIZATION"].split(" ", 1)[1]
    header, payload, signature = token.split(".")
    for forged in (f"{header}.{payload}.", f"{header}.{payload}x.{signature}", token[::-1]):
        response = endpoint.send(headers=bearer(forged))
        assert response.status_code == 401, forged[:40]


@pytest.mark.parametrize("endpoint", SERVICES, indirect=True)
def test_the_bearer_scheme_is_case_insensitive(endpoint):
    """RFC 9110 §11.1 (RFC 7235 §2.1): the authentication scheme is case-insensitive, so a
    client writing ``bearer`` is a client with a token."""
    token = endpoint.headers["HTTP_AUTHORIZATION"].split(" ", 1)[1]
    params = {} if endpoint.method == "POST" else None
    response = endpoint.send(params, headers={"HTTP_AUTHORIZATION": f"bearer {token}"})
    assert response.status_code != 401, response.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        "/codio/lti/v1/ags/lineitems/{huge}",
        "/codio/lti/v1/ags/lineitems/{huge}/container",
        "/codio/lti/v1/ags/lineitems/{huge}/results",
        "/codio/lti/v1/ags/lineitems/{huge}/scores",
        "/codio/lti/v1/nrps/contexts/{huge}/memberships",
        "/codio/lti/v1/ags/lineitems/0",
        "/codio/lti/v1/nrps/contexts/0/memberships",
    ],
)
@pytest.mark.parametrize("huge", ["9" * 30, "18446744073709551616", "9223372036854775808"])
def test_ids_beyond_any_row_in_service_urls_are_refused(path, huge, access_token, line_item):
    """A row id no database holds (beyond 64 bits): the same refusal as another tool's row
    (403; AGS 2.0 §3.2, NRPS 2.0 §3.6.1.2), never a database overflow."""
    path = path.format(huge=huge)
    scope = SCOPE_MEMBERSHIP_READONLY if "nrps" in path else SCOPE_SCORE
    if path.endswith(("container", "/lineitems/" + huge, "/lineitems/0")):
        scope = SCOPE_LINEITEM
    elif path.endswith("results"):
        scope = SCOPE_RESULT_READONLY
    client = Client()
    method = client.post if path.endswith("scores") else client.get
    kwargs = {"content_type": MEDIA_SCORE} if path.endswith("scores") else {}
    response = method(path, **kwargs, **bearer(access_token(scope)))
    assert response.status_code in (403, 404), (response.status_code, response.content[:300])


def score(**overrides):
    document = {
        "userId": "someone",
        "timestamp": "2026-01-01T00:00:00+00:00",
        "scoreGiven": 5,
        "scoreMaximum": 10,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
    }
    document.update(overrides)
    return json.dumps({k: v for k, v in document.items() if v is not None}).encode()


SCORE_BODIES = {
    "empty": b"",
    "null": b"null",
    "array": b"[]",
    "string": b'"score"',
    "number": b"5",
    "not-json": b"scoreGiven=5",
    "non-utf8": b'{"userId": "\xff\xfe"}',
    "utf16": '{"userId": "a"}'.encode("utf-16"),
    "bom": b"\xef\xbb\xbf" + score(),
    "nul": b'{"userId": "a\x00"}',
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep-object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "huge-integer": score(scoreGiven=10**4000),
    "huge-integer-text": b'{"scoreGiven": ' + b"9" * 5_000 + b"}",
    "float-overflow": score().replace(b'"scoreGiven": 5', b'"scoreGiven": 1e999'),
    "nan": score().replace(b'"scoreGiven": 5', b'"scoreGiven": NaN'),
    "infinity": score().replace(b'"scoreMaximum": 10', b'"scoreMaximum": Infinity'),
    "negative-zero-maximum": score(scoreMaximum=-0.0),
    "bool-score": score(scoreGiven=True),
    "string-score": score(scoreGiven="5"),
    "unicode-digit-score": score(scoreGiven="²"),
    "list-user": score(userId=["a"]),
    "object-user": score(userId={"id": "a"}),
    "int-user": score(userId=5),
    "nul-user": score(userId="a\x00"),
    "huge-user": score(userId="u" * 100_000),
    "bad-timestamp": score(timestamp="yesterday"),
    "int-timestamp": score(timestamp=1700000000),
    "timestamp-year-0": score(timestamp="0000-01-01T00:00:00Z"),
    "timestamp-year-99999": score(timestamp="99999-01-01T00:00:00Z"),
    "timestamp-without-zone": score(timestamp="2026-01-01T00:00:00"),
    "timestamp-huge-offset": score(timestamp="2026-01-01T00:00:00+99:00"),
    "unicode-digit-timestamp": score(timestamp="２０２６-01-01T00:00:00Z"),
    "bad-progress": score(activityProgress=["Completed"]),
    "unknown-progress": score(gradingProgress="Done"),
    "comment-object": score(comment={"a": 1}),
    "comment-huge": score(comment="c" * 200_000),
    "missing-everything": b"{}",
    "duplicate-keys": b'{"userId": "a", "userId": ["b"]}',
}


@pytest.mark.parametrize("body", SCORE_BODIES.values(), ids=SCORE_BODIES.keys())
def test_a_hostile_score_document_is_400(body, access_token, line_item):
    """AGS 2.0 §3.4: a score document that is not one is refused (400 invalid_request),
    whatever its bytes; nothing is recorded."""
    from codio_xblock.models import AgsScore

    response = Client().post(
        f"/codio/lti/v1/ags/lineitems/{line_item.pk}/scores",
        body,
        content_type=MEDIA_SCORE,
        **bearer(access_token(SCOPE_SCORE)),
    )
    # an empty body has no media type to speak of: 415 or 400 both say what is wrong
    assert response.status_code in ((400, 415) if not body else (400,)), (
        response.status_code,
        response.content[:300],
    )
    assert response.json()["error"]
    assert not AgsScore.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/vnd.ims.lis.v1.score+xml",
        "application/vnd.ims.lis.v1.score+json; charset=latin-1; x=\x00",
        "",
        "é/é",
    ],
)
def test_a_score_in_another_media_type_is_415(content_type, access_token, line_item):
    """AGS 2.0 §3.4: scores are posted as application/vnd.ims.lis.v1.score+json; another
    media type is 415 Unsupported Media Type (RFC 9110 §15.5.16)."""
    response = Client().post(
        f"/codio/lti/v1/ags/lineitems/{line_item.pk}/scores",
        score(),
        content_type=content_type,
        **bearer(access_token(SCOPE_SCORE)),
    )
    if content_type.startswith(MEDIA_SCORE):
        assert response.status_code < 500
    else:
        assert response.status_code == 415, (response.status_code, response.content[:300])


FORM_ENDPOINTS = {
    "platform-token": "/codio/lti/v1/token",
    "platform-oidc-auth": "/codio/lti/v1/auth",
    "platform-deep-linking-response": "/codio/lti/v1/deep-linking/response",
    "tool-oidc-login": "/lti-bridge/lti/login",
    "tool-launch": "/lti-bridge/lti/launch",
}
FORM_BODIES = {
    "json": ("application/json", b'{"id_token": "a.b.c", "JWT": [1], "grant_type": {}}'),
    "non-utf8-form": ("application/x-www-form-urlencoded", b"id_token=%ff%fe&JWT=\xff\xfe\x00"),
    "raw-non-utf8": ("application/x-www-form-urlencoded", b"\xff\xfe\xfd=\x80"),
    "bad-multipart": ("multipart/form-data; boundary=zz", b"--zz\r\nnonsense\r\n--zz--"),
    "multipart-no-boundary": ("multipart/form-data", b"a=b"),
    "multipart-file": (
        "multipart/form-data; boundary=zz",
        b'--zz\r\nContent-Disposition: form-data; name="id_token"; filename="t"\r\n\r\n'
        b"a.b.c\r\n--zz--\r\n",
    ),
    "too-many-fields": (
        "application/x-www-form-urlencoded",
        "&".join(f"f{i}=1" for i in range(5_000)).encode(),
    ),
    "too-large": ("application/x-www-form-urlencoded", b"id_token=" + b"a" * 3_000_000),
    "xml": ("text/xml", b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY b 'c'>]><a>&b;</a>"),
    "charset-unknown": ("application/x-www-form-urlencoded; charset=x-unknown", b"a=b"),
}


@pytest.mark.parametrize("path", FORM_ENDPOINTS.values(), ids=FORM_ENDPOINTS.keys())
@pytest.mark.parametrize("body", FORM_BODIES.values(), ids=FORM_BODIES.keys())
def test_hostile_bodies_of_form_posts(path, body, tool):
    """Endpoints that read form posts, given bodies that are not the form they expect."""
    content_type, data = body
    response = Client().generic("POST", path, data, content_type=content_type)
    # the tool's login first checks that the browser keeps cookies (a page, 200), as pylti1p3
    # does, and names what is wrong once it does
    allowed = range(200, 500) if path == FORM_ENDPOINTS["tool-oidc-login"] else range(400, 500)
    assert response.status_code in allowed, (response.status_code, response.content[:300])


def test_the_tool_launch_creates_nothing_from_hostile_input(lms):
    """LTI Core 1.3 §5.1.2 / LTI Security 1.0 §5.1.3: a refused launch changes nothing."""
    from lti_bridge.models import Account, Classroom, Link

    endpoint = ENDPOINTS["tool-launch"](type("R", (), {"getfixturevalue": lambda s, n: lms})())
    for value in VALUES.values():
        for name in ("id_token", "state"):
            params = endpoint.base()
            params[name] = value
            assert endpoint.send(params).status_code in (400, 403)
    assert (Account.objects.count(), Link.objects.count(), Classroom.objects.count()) == (0, 0, 0)


def test_headers_of_any_request_never_break_an_endpoint(tool):
    """Odd Host-independent headers on every endpoint: Accept, Accept-Language, Cookie,
    Content-Length lies and X-Forwarded-* values."""
    headers = {
        "HTTP_ACCEPT": "\x00é/*;q=²",
        "HTTP_ACCEPT_LANGUAGE": "²²-Ⅻ;q=nan, *;q=1e999, " + "x" * 10_000,
        "HTTP_COOKIE": "lti_bridge_session=\x00; csrftoken=é; " + "c=" + "x" * 10_000,
        "HTTP_X_FORWARDED_FOR": "not-an-ip, ²",
        "HTTP_USER_AGENT": "\x00" * 100,
        "HTTP_ORIGIN": "null",
        "HTTP_REFERER": "javascript:alert(1)",
    }
    client = Client()
    for path in (
        "/codio/lti/v1/jwks",
        "/codio/lti/v1/auth",
        "/codio/lti/v1/token",
        "/codio/lti/v1/deep-linking/response",
        "/codio/lti/v1/ags/lineitems/1/scores",
        "/codio/lti/v1/nrps/contexts/1/memberships",
        "/lti-bridge/lti/login",
        "/lti-bridge/lti/launch",
        "/lti-bridge/lti/jwks",
        "/lti-bridge/deep-linking/%C2%B2%00/",
    ):
        for method in (client.get, client.post):
            response = method(path, **headers)
            assert response.status_code < 500, (path, response.status_code)


@pytest.mark.parametrize(
    "token", ["²", "\x00", "é" * 300, "a" * 10_000, "..", "%2e%2e", "%ff"], ids=repr
)
def test_an_unknown_picker_token_is_404(token, lms):
    """Deep Linking 2.0 §4.4 (the tool's own pages): an unknown or garbled picker token is
    a page that says so (404), by GET and by POST."""
    client = Client()
    path = f"/lti-bridge/deep-linking/{token}/"
    for response in (client.get(path), client.post(path, {"unit": "1"})):
        assert response.status_code == 404, (token, response.status_code)
        assert response.content


@pytest.mark.parametrize("unit", ["9" * 30, "9" * 4_400, "²", "-1", "0", "1.5", "\x00"])
def test_a_hostile_unit_choice_in_the_picker_is_refused(unit, picker_url, lms):
    """A choice naming no unit of the organization is refused with a page (400), and the
    picker is not spent by it."""
    response = lms.client.post(path_of(picker_url), {"unit": unit})
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert lms.client.get(path_of(picker_url)).status_code == 200


def test_expired_and_future_service_tokens_are_401(tool, line_item):
    """LTI Security 1.0 §4.1: an access token past its ``exp`` is refused as not valid."""
    from codio_xblock import keystore
    from lti_bridge.protocol import keys

    key = keystore.signing_key()
    now = int(time.time())
    for iat, exp in ((now - 7200, now - 3600), (now - 10, now - 1)):
        token = keys.sign(
            {
                "iss": "http://codio.test",
                "aud": "http://codio.test/codio/lti/v1/token",
                "sub": tool.tool.client_id,
                "scope": SCOPE_LINEITEM,
                "iat": iat,
                "exp": exp,
                "jti": "x",
            },
            key.private_pem,
            key.kid,
        )
        response = Client().get(f"/codio/lti/v1/ags/lineitems/{line_item.pk}", **bearer(token))
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
