"""Test helpers: a transport that sends the bridge's outbound HTTP to Django's test
client; the routing of an origin to a live server, a recording network transport and a
client with the test client's interface over real HTTP; a scripted platform that signs
its own id_tokens, and the XBlock launch flow."""

import io
import json
import re
import time
import uuid
from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from django.test import Client
from jwt.api_jws import PyJWS
from requests.adapters import BaseAdapter, HTTPAdapter

from lti_bridge.protocol import keys

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


class BridgeClient(Client):
    """A test client that sends, like the bridge's own pages, the bridge session's form token
    with every unsafe request (forms_token.py). Tests of the protection use a plain Client."""

    def generic(self, method, path, data="", content_type="application/octet-stream", **extra):
        from lti_bridge.forms_token import HEADER, token_for
        from lti_bridge.session import COOKIE

        if method.upper() not in ("GET", "HEAD", "OPTIONS", "TRACE") and COOKIE in self.cookies:
            request = SimpleNamespace(COOKIES={COOKIE: self.cookies[COOKIE].value})
            extra.setdefault("HTTP_" + HEADER.upper().replace("-", "_"), token_for(request))
        return super().generic(method, path, data, content_type, **extra)


class DjangoClientAdapter(BaseAdapter):
    """A requests transport that answers through Django's test client (full Django
    stack, no socket). Mounted on ``lti_bridge.http.session`` for http://codio.test/."""

    def __init__(self):
        super().__init__()
        self.client = Client()
        self.calls = []  # (method, url, timeout)
        self.requests = []  # the prepared requests themselves (bodies, headers)

    def send(self, request, **kwargs):
        self.calls.append((request.method, request.url, kwargs.get("timeout")))
        self.requests.append(request)
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        extra = {}
        if request.headers.get("Authorization"):
            extra["HTTP_AUTHORIZATION"] = request.headers["Authorization"]
        django_response = self.client.generic(
            request.method,
            path,
            request.body or "",
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            **extra,
        )
        response = requests.Response()
        response.status_code = django_response.status_code
        response._content = django_response.content
        response.headers.update(dict(django_response.items()))
        response.url = request.url
        response.request = request
        response.raw = io.BytesIO(django_response.content)
        return response

    def close(self):
        pass


def form_fields(html):
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', html))
    action = re.search(r'<form[^>]*action="([^"]+)"', html)
    return (unescape(action.group(1)) if action else None), {
        k: unescape(v) for k, v in fields.items()
    }


def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def launch_through_xblock(client, *, scenario="codio_unit.1", index=0):
    """Open a Codio unit as ``client``'s user: XBlock handler -> tool login -> platform
    auth -> form post to the tool. Returns the final response (and the steps)."""
    page = client.get(f"/scenario/{scenario}/")
    assert page.status_code == 200, page.status_code
    handlers = re.findall(
        r'(?:src|href)="([^"]*/handler/[^"]*/launch/[^"]*)"', page.content.decode()
    )
    handlers = list(dict.fromkeys(handlers))  # the frame and its "new window" link
    handler = unescape(handlers[index])
    steps = {"handler": client.get(handler)}
    assert steps["handler"].status_code == 302, steps["handler"].content[:500]
    login_url = steps["handler"]["Location"]
    steps["login"] = client.get(path_of(login_url) + "&lti1p3_new_window=1")
    if steps["login"].status_code != 302:
        return steps["login"], steps
    steps["auth"] = client.get(path_of(steps["login"]["Location"]))
    if steps["auth"].status_code != 200:
        return steps["auth"], steps
    action, fields = form_fields(steps["auth"].content.decode())
    steps["launch"] = client.post(path_of(action), fields)
    return steps["launch"], steps


class ScriptedPlatform:
    """A platform driven by the test: its own key, hand-made id_tokens (to forge, expire
    or replay them), and the tool's real login step for a genuine state and nonce."""

    def __init__(self, registration, client=None, private_pem=None):
        self.registration = registration
        self.private_pem = private_pem or keys.generate_private_pem()
        self.kid = keys.kid_for(self.private_pem)
        self.client = client or BridgeClient()

    def public_jwks(self):
        return {"keys": [keys.public_jwk(self.private_pem, self.kid)]}

    def login(self, target="http://codio.test/lti-bridge/lti/launch", **extra):
        params = {
            "iss": self.registration.issuer,
            "client_id": self.registration.client_id,
            "login_hint": "hint",
            "target_link_uri": target,
            "lti1p3_new_window": "1",
            **extra,
        }
        response = self.client.get("/lti-bridge/lti/login?" + urlencode(params))
        return response

    def state_and_nonce_for(self, target):
        response = self.login(target=target)
        assert response.status_code == 302, response.content[:400]
        params = query(response["Location"])
        return params["state"], params["nonce"]

    def state_and_nonce(self):
        response = self.login()
        assert response.status_code == 302, response.content[:400]
        params = query(response["Location"])
        return params["state"], params["nonce"]

    def claims(self, issued_nonce, **overrides):
        now = int(time.time())
        claims = {
            "iss": self.registration.issuer,
            "aud": self.registration.client_id,
            "azp": self.registration.client_id,
            "sub": overrides.pop("sub", "sub-" + uuid.uuid4().hex[:8]),
            "iat": now,
            "exp": now + 300,
            "nonce": issued_nonce,
            "name": "Test Learner",
            "email": "test.learner@example.edu",
            LTI + "version": "1.3.0",
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "deployment_id": self.registration.deployments.first().deployment_id,
            LTI + "target_link_uri": "http://codio.test/lti-bridge/lti/launch",
            LTI + "resource_link": {"id": "rl-1", "title": "Hello"},
            LTI + "context": {"id": "course-1", "label": "C1", "title": "Course 1"},
            LTI + "roles": [LEARNER],
            LTI + "custom": {"codio_unit": "hello-python"},
        }
        for key, value in overrides.items():
            if value is None:
                claims.pop(key, None)
            else:
                claims[key] = value
        return claims

    def sign(self, claims, kid=None, pem=None, headers=None):
        """Sign any claims, even malformed ones (PyJWS signs bytes; PyJWT would refuse)."""
        return PyJWS().encode(
            json.dumps(claims).encode(),
            keys.private_key(pem or self.private_pem),  # parsed once (~30 ms each time)
            algorithm="RS256",
            headers={"kid": kid or self.kid, **(headers or {})},
        )

    def launch(self, token, state):
        return self.client.post("/lti-bridge/lti/launch", {"id_token": token, "state": state})

    def full_launch(self, **overrides):
        state, nonce = self.state_and_nonce()
        return self.launch(self.sign(self.claims(nonce, **overrides)), state)


class LaunchAs:
    """The bridge tests' one "launch as": launch from a scripted LMS as anyone and get their
    browser back, after checking the launch answered 200.

    Each person (``sub``) keeps a browser of their own across launches, as a real person
    does; ``browser=`` launches in the given one instead (``BridgeClient()``: a fresh browser,
    another device). Defaults: name ``sub.title()``, email ``{sub}@example.edu``, the Learner
    role; ``context`` is a claim dict or an id (used as its label and title too); ``custom``
    is added to the unit's parameter. ``.response`` is the last launch's response.
    """

    def __init__(self, platform):
        self.platform = platform
        self.browsers = {}
        self.response = None

    @property
    def registration(self):
        return self.platform.registration

    @property
    def organization(self):
        return self.platform.registration.organization

    def __call__(
        self, sub, roles=(LEARNER,), *, name=None, context=None, custom=None, browser=None, **claims
    ):
        if browser is None:
            browser = self.browsers.setdefault(sub, BridgeClient())
        person = ScriptedPlatform(
            self.platform.registration, client=browser, private_pem=self.platform.private_pem
        )
        values = {LTI + "roles": list(roles)}
        if context is not None:
            values[LTI + "context"] = (
                context
                if isinstance(context, dict)
                else {"id": context, "label": context, "title": context}
            )
        if custom is not None:
            values[LTI + "custom"] = {"codio_unit": "hello-python", **custom}
        self.response = person.full_launch(
            sub=sub,
            name=sub.title() if name is None else name,
            email=f"{sub}@example.edu",
            **{**values, **claims},
        )
        assert self.response.status_code == 200, self.response.content.decode()[-400:]
        return browser


def scripted_platform(
    organization, *, name, issuer, client_id, private_pem=None, client=None, **fields
):
    """Register a ScriptedPlatform with the bridge (registration, deployment "d1", its key
    set) and return it."""
    from lti_bridge.models import Deployment, Registration

    registration = Registration.objects.create(
        organization=organization,
        name=name,
        issuer=issuer,
        client_id=client_id,
        auth_login_url=issuer + "/auth",
        **fields,
    )
    Deployment.objects.create(registration=registration, deployment_id="d1")
    platform = ScriptedPlatform(registration, client=client, private_pem=private_pem)
    registration.key_set = platform.public_jwks()
    registration.save()
    return platform


def gradebook():
    """Every Codio grade in the gradebook outside Open edX (raw, as Open edX's courseware
    StudentModule holds a published score), all courses."""
    from workbench.runtime import WorkbenchRuntime

    from codio_xblock.adapter import weighted_score
    from codio_xblock.models import StandaloneScore

    runtime, rows = WorkbenchRuntime(), []
    for row in StandaloneScore.objects.order_by("usage_id", "user_key"):
        weight = runtime.get_block(row.usage_id).weight
        earned, possible = weighted_score(row.grade, row.max_grade, weight)
        rows.append(
            SimpleNamespace(
                user_key=row.user_key,
                usage_id=row.usage_id,
                earned=row.grade,  # raw, as the tool sent it
                possible=row.max_grade,
                weighted=round(earned, 6),  # what the course grade counts
                weighted_possible=possible,
                comment=row.comment,
                modified=row.modified,
            )
        )
    return rows


def only_grade():
    """The one grade the gradebook holds (fails if there are none or several)."""
    rows = gradebook()
    assert len(rows) == 1, rows
    return rows[0]


def route_origin(monkeypatch, origin, server_url):
    """For the rest of the test, the connections urllib3 (so requests) opens to ``origin``'s
    host and port go to ``server_url``'s instead, as a hosts-file line would send them (the
    port mapped too): the URL, the ``Host`` header and the cookies stay the origin's. Every
    transport over the network follows it, a fresh adapter made for one exchange too, in any
    thread (a live server's own outbound calls)."""
    import urllib3.util.connection as connection

    real = connection.create_connection
    origin_parts, server = urlsplit(origin), urlsplit(server_url)
    routed = (origin_parts.hostname, origin_parts.port or 80)

    def create_connection(address, *args, **kwargs):
        if tuple(address) == routed:
            address = (server.hostname, server.port)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(connection, "create_connection", create_connection)


class RecordingAdapter(HTTPAdapter):
    """requests' network transport that keeps every request it sends, as
    :class:`DjangoClientAdapter` does (``calls``: method, URL, timeout; ``requests``: the
    prepared requests, with headers and body)."""

    def __init__(self):
        super().__init__(max_retries=0)
        self.calls = []
        self.requests = []

    def send(self, request, **kwargs):
        self.calls.append((request.method, request.url, kwargs.get("timeout")))
        self.requests.append(request)
        return super().send(request, **kwargs)


class LiveResponse:
    """A requests response read as tests read Django's test responses: ``status_code``,
    ``content``, ``json()``, ``response["Header"]``, ``response.get("Header")``,
    ``"Header" in response`` (headers case-insensitive), ``streaming_content``."""

    def __init__(self, response):
        self.raw = response
        self.status_code = response.status_code
        self.content = response.content
        self.headers = response.headers

    def json(self):
        return self.raw.json()

    @property
    def streaming_content(self):
        return iter([self.content])

    def __getitem__(self, header):
        return self.headers[header]

    def get(self, header, default=None):
        return self.headers.get(header, default)

    def __contains__(self, header):
        return header in self.headers

    def items(self):
        return self.headers.items()

    def __repr__(self):
        return f"<LiveResponse {self.status_code} {self.raw.request.method} {self.raw.url}>"


class LiveClient:
    """django.test.Client's interface (``get/post/put/patch/delete/head/options(path_or_url,
    data, content_type, **extra)``, ``force_login``, ``cookies``) over real HTTP: a
    ``requests.Session`` (its own cookie jar, keep-alive, timeouts) on ``origin`` (a live
    server there: :func:`route_origin`), its requests recorded (``adapter``, a
    :class:`RecordingAdapter`). Paths are on ``origin``;
    ``HTTP_*`` extras are headers (``HTTP_X_FOO`` is ``X-Foo``). As the test client:
    GET's ``data`` is the query; POST's dict ``data`` without ``content_type`` is a form
    (application/x-www-form-urlencoded, as browsers and OAuth clients send it, where the
    test client sends multipart); a dict or list with a JSON media type is sent as JSON.
    Redirects are answered, not followed. ``bridge_forms``: send the bridge session's form
    token with unsafe requests, as the bridge's pages do (like :class:`BridgeClient`)."""

    def __init__(self, origin, *, timeout=30, bridge_forms=False):
        self.origin = origin.rstrip("/")
        self.timeout = timeout
        self.bridge_forms = bridge_forms
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy from the environment
        self.adapter = RecordingAdapter()
        self.session.mount(self.origin + "/", self.adapter)

    def fresh(self, **options):
        """Another browser on the same origin: an empty cookie jar."""
        return type(self)(
            self.origin,
            timeout=options.get("timeout", self.timeout),
            bridge_forms=options.get("bridge_forms", self.bridge_forms),
        )

    @property
    def cookies(self):
        return self.session.cookies

    def force_login(self, user):
        """Sign ``user`` in as Django's test client does (a session in the session store,
        no login page) and keep its cookie for the origin's host."""
        signed_in = Client()
        signed_in.force_login(user)
        host = urlsplit(self.origin).hostname
        for morsel in signed_in.cookies.values():
            self.session.cookies.set(morsel.key, morsel.value, domain=host, path="/")
        return self

    def close(self):
        self.session.close()

    def url(self, path_or_url):
        if path_or_url.startswith("/"):
            return self.origin + path_or_url
        if not path_or_url.startswith(self.origin + "/"):
            raise ValueError(f"{path_or_url} is not on {self.origin}")
        return path_or_url

    def request(self, method, path, data=None, content_type=None, headers=None, **extra):
        from lti_bridge.forms_token import HEADER, token_for
        from lti_bridge.session import COOKIE

        sent = dict(headers or {})
        for key, value in extra.items():
            if not key.startswith("HTTP_"):
                raise TypeError(f"LiveClient does not send {key!r}")
            sent["-".join(part.capitalize() for part in key[5:].split("_"))] = value
        params, body = None, None
        if method in ("GET", "HEAD", "OPTIONS"):
            params = data or None
        elif content_type is None and isinstance(data, dict):
            body = data  # requests encodes it as a form
        elif data not in (None, "", b"", {}):
            if isinstance(data, (dict, list, tuple)) and re.match(
                r"^application/(.+\+)?json", content_type or ""
            ):
                data = json.dumps(data)
            body = data.encode() if isinstance(data, str) else data
            sent["Content-Type"] = content_type or "application/octet-stream"
        if (
            self.bridge_forms
            and method not in ("GET", "HEAD", "OPTIONS", "TRACE")
            and self.session.cookies.get(COOKIE)
        ):
            request = SimpleNamespace(COOKIES={COOKIE: self.session.cookies.get(COOKIE)})
            sent.setdefault(HEADER, token_for(request))
        response = self.session.request(
            method,
            self.url(path),
            params=params,
            data=body,
            headers=sent,
            allow_redirects=False,
            timeout=self.timeout,
        )
        return LiveResponse(response)

    def get(self, path, data=None, **extra):
        return self.request("GET", path, data, **extra)

    def head(self, path, data=None, **extra):
        return self.request("HEAD", path, data, **extra)

    def options(self, path, data=None, **extra):
        return self.request("OPTIONS", path, data, **extra)

    def post(self, path, data=None, content_type=None, **extra):
        return self.request("POST", path, data, content_type, **extra)

    def put(self, path, data=None, content_type=None, **extra):
        return self.request("PUT", path, data, content_type, **extra)

    def patch(self, path, data=None, content_type=None, **extra):
        return self.request("PATCH", path, data, content_type, **extra)

    def delete(self, path, data=None, content_type=None, **extra):
        return self.request("DELETE", path, data, content_type, **extra)
