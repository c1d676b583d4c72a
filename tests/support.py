"""Test helpers: a transport that sends the bridge's outbound HTTP to Django's test
client, a scripted platform that signs its own id_tokens, and the XBlock launch flow."""

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
from requests.adapters import BaseAdapter

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
