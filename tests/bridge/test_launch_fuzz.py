"""Hostile login and launch requests (issue 11): junk and forged id_tokens, claims of every
wrong type, odd parameters. Every answer is a page that says what happened; none is a 500.
(The nonce is single use: at most the first acceptable launch creates anything.)"""

import base64
import json
import random

import pytest
from django.test import Client

from lti_bridge.models import Account, Classroom
from tests.support import LTI

pytestmark = pytest.mark.django_db

WRONG = [None, True, 0, -1, 1e308, "", "x" * 3000, [], [None], {}, {"id": []}, "\u0000", ["a", 1]]
CLAIMS = [
    "iss",
    "aud",
    "azp",
    "sub",
    "nonce",
    "iat",
    "exp",
    "nbf",
    "name",
    "email",
    "given_name",
    LTI + "roles",
    LTI + "context",
    LTI + "resource_link",
    LTI + "custom",
    LTI + "deployment_id",
    LTI + "message_type",
    LTI + "version",
    LTI + "target_link_uri",
    LTI + "role_scope_mentor",
    LTI + "launch_presentation",
    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint",
]


def b64(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_fuzzed_launches_never_fail_with_500(bridge_setup):
    rng = random.Random(5)
    p = bridge_setup
    state, nonce = p.state_and_nonce()
    tokens = [
        "",
        ".",
        "a.b",
        "a.b.c.d",
        "x" * 70_000,
        "\u00e9.\u00e9.\u00e9",
        f"{b64({'alg': 'none'})}.{b64(p.claims(nonce))}.",
        f"{b64({'alg': 'HS256', 'kid': p.kid})}.{b64(p.claims(nonce))}.AAAA",
        f"{b64([1])}.{b64('claims')}.AAAA",
        f"{b64({'alg': 'RS256', 'kid': {'x': 1}})}.{b64(p.claims(nonce))}.AAAA",
    ]
    for _ in range(120):
        claims = p.claims(nonce)
        for name in rng.sample(CLAIMS, rng.randint(1, 4)):
            claims[name] = rng.choice(WRONG)
        tokens.append(p.sign(claims))
    for token in tokens:
        for data in (
            {"id_token": token, "state": state},
            {"id_token": token},
            {"id_token": token, "state": rng.choice(["", "x" * 5000, state + "x"])},
        ):
            response = p.client.post("/lti-bridge/lti/launch", data)
            # A launch whose only faults are optional claims Codio can do without is accepted
            # (those claims are dropped); anything else is a page saying what happened.
            assert response.status_code in (200, 400, 403, 404, 502), (
                response.status_code,
                token[:80],
            )
            assert response.content and b"Traceback" not in response.content
    assert Account.objects.count() <= 1 and Classroom.objects.count() <= 1


def test_fuzzed_logins_never_fail_with_500(bridge_setup):
    rng = random.Random(9)
    values = ["", "x" * 5000, "\u0000", "https://evil.example/launch", "javascript:alert(1)"]
    names = [
        "iss",
        "client_id",
        "login_hint",
        "lti_message_hint",
        "target_link_uri",
        "lti_deployment_id",
        "lti1p3_new_window",
    ]
    client = Client(raise_request_exception=False)
    for _ in range(150):
        params = {
            "iss": bridge_setup.registration.issuer,
            "client_id": bridge_setup.registration.client_id,
            "login_hint": "h",
            "target_link_uri": "http://codio.test/lti-bridge/lti/launch",
        }
        for name in rng.sample(names, rng.randint(1, 3)):
            params[name] = rng.choice(values)
        method = rng.choice([client.get, client.post])
        response = method("/lti-bridge/lti/login", params)
        assert response.status_code in (200, 302, 400, 403, 404), (response.status_code, params)
