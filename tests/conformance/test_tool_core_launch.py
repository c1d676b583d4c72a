"""Tool: core launch (1EdTech's LTI 1.3 tool certification plan, "Core launch" section).

The bridge as the tool: a platform registered with it (``lms``: issuer, client id,
deployment d1, its public key set) sends its OIDC login initiation and its id_token through
Django's test client and the real URLconf. A valid launch signs the person in; every reject
case of the plan is refused with a page that says why (4xx) and creates nothing: no account,
no link, no class, no unit link.

This module stays on Django's test client (tests/conformance/conftest.py says which run
over real HTTP): the test is the platform, and the bridge calls out to nobody here (the
platform's key set is registered with it), so a socket would add time to every case and
check nothing more.
"""

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import pytest
from jwt.api_jws import PyJWS

from lti_bridge.models import Account, ClassMembership, Classroom, Link, ResourceLink
from lti_bridge.protocol import keys
from tests.conformance.conftest import sign_id_token
from tests.support import LTI, query

pytestmark = pytest.mark.django_db

LAUNCH = "http://codio.test/lti-bridge/lti/launch"


def created():
    return (
        Account.objects.count(),
        Link.objects.count(),
        Classroom.objects.count(),
        ResourceLink.objects.count(),
        ClassMembership.objects.count(),
    )


def assert_refused(response, *statuses):
    """A page that says what happened, and nothing made."""
    assert response.status_code in (statuses or (400, 403)), (
        response.status_code,
        response.content.decode()[-400:],
    )
    page = response.content.decode()
    assert "<html" in page.lower() and "Traceback" not in page
    assert created() == (0, 0, 0, 0, 0)


def launch_with(lms, *, header=None, key=None, algorithm="RS256", state=None, **overrides):
    """A launch whose id_token has ``overrides`` (None drops a claim), signed as asked."""
    issued_state, nonce = lms.state_and_nonce()
    claims = lms.claims(nonce, **overrides)
    if header is None and key is None and algorithm == "RS256":
        token = sign_id_token(lms, claims)
    else:
        token = PyJWS().encode(
            json.dumps(claims).encode(),
            None if algorithm == "none" else key or keys.private_key(lms.private_pem),
            algorithm=algorithm,
            headers=header if header is not None else {"kid": lms.kid},
        )
    return lms.launch(token, issued_state if state is None else state)


def test_a_valid_launch_signs_the_person_in(lms):
    """LTI Core 1.3 §5.1 and §5.3: a valid LtiResourceLinkRequest is accepted: one account,
    its link, the class and the unit link."""
    response = lms.full_launch(sub="ada")
    assert response.status_code == 200, response.content.decode()[-400:]
    assert Link.objects.get().sub == "ada"
    assert created()[:4] == (1, 1, 1, 1)


def test_login_initiation_redirects_to_the_registered_auth_url(lms):
    """LTI Security 1.0 §5.1.1.1-5.1.1.2 and LTI Core 1.3 §4.1: the tool answers the
    third-party initiated login with an OIDC authentication request to the platform's
    registered endpoint: scope openid, response_type id_token, response_mode form_post,
    prompt none, the client id, the hints echoed, a state and a nonce."""
    response = lms.login(lti_message_hint="message-hint")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(lms.registration.auth_login_url + "?")
    params = query(location)
    assert params["scope"] == "openid"
    assert params["response_type"] == "id_token"
    assert params["response_mode"] == "form_post"
    assert params["prompt"] == "none"
    assert params["client_id"] == lms.registration.client_id
    assert params["login_hint"] == "hint" and params["lti_message_hint"] == "message-hint"
    assert params["redirect_uri"] == LAUNCH
    assert len(params["state"]) >= 16 and len(params["nonce"]) >= 16


@pytest.mark.parametrize(
    "login",
    [
        {"iss": "https://unknown.example.edu"},
        {"iss": None},
        {"login_hint": None},
        {"target_link_uri": None},
        {"target_link_uri": "https://evil.example.com/launch"},
        {"client_id": "someone-else"},
        {"lti_deployment_id": "no-such-deployment"},
    ],
    ids=repr,
)
def test_a_bad_login_initiation_is_refused(lms, login):
    """LTI Security 1.0 §5.1.1.1: iss, login_hint and target_link_uri are required; an
    unknown issuer, client or deployment, or a target that is not the tool's, is refused."""
    params = {
        "iss": lms.registration.issuer,
        "client_id": lms.registration.client_id,
        "login_hint": "hint",
        "target_link_uri": LAUNCH,
        "lti1p3_new_window": "1",
        **login,
    }
    response = lms.client.get(
        "/lti-bridge/lti/login?" + urlencode({k: v for k, v in params.items() if v is not None})
    )
    assert response.status_code in (400, 403, 404), response.status_code
    assert "Location" not in response


def test_no_kid(lms):
    """LTI Security 1.0 §6.3: the platform names its signing key (``kid``) in the JOSE
    header; a token without one is refused."""
    assert_refused(launch_with(lms, header={}))


def test_an_unknown_kid(lms):
    """LTI Security 1.0 §6.3: a ``kid`` the platform's key set does not publish."""
    assert_refused(launch_with(lms, header={"kid": "not-published"}))


def test_alg_none(lms):
    """LTI Security 1.0 §5.1.3 (step 6): an unsigned token (``alg: none``)."""
    assert_refused(launch_with(lms, algorithm="none", header={"kid": lms.kid}))


def test_hs256_signed_with_the_public_key(lms):
    """LTI Security 1.0 §5.1.3 (step 6) and §6.1: RS256 only; an HS256 token made with the
    platform's public key as the secret (algorithm confusion)."""
    public = keys.public_pem(lms.private_pem)

    def b64(data):  # PyJWT refuses a PEM as an HMAC secret: signed by hand
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    state, nonce = lms.state_and_nonce()
    signing_input = (
        b64(json.dumps({"alg": "HS256", "kid": lms.kid, "typ": "JWT"}).encode())
        + b"."
        + b64(json.dumps(lms.claims(nonce)).encode())
    )
    secret = public.encode() if isinstance(public, str) else public
    signature = b64(hmac.new(secret, signing_input, hashlib.sha256).digest())
    assert_refused(lms.launch((signing_input + b"." + signature).decode(), state))


def test_a_bad_signature(lms):
    """LTI Security 1.0 §5.1.3 (step 1): signed by another key under the platform's kid."""
    other = keys.generate_private_pem()
    assert_refused(launch_with(lms, key=keys.private_key(other), header={"kid": lms.kid}))


@pytest.mark.parametrize(
    "claim, value",
    [
        (LTI + "version", None),
        (LTI + "version", "1.1"),
        (LTI + "version", "1.3"),
        (LTI + "message_type", None),
        (LTI + "message_type", "LtiUnknownMessage"),
        (LTI + "message_type", "basic-lti-launch-request"),
        (LTI + "deployment_id", None),
        (LTI + "deployment_id", "not-registered"),
        (LTI + "roles", None),
        (LTI + "roles", "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"),
        (LTI + "resource_link", None),
        (LTI + "resource_link", {"title": "no id"}),
        (LTI + "resource_link", {"id": ""}),
        (LTI + "target_link_uri", None),
        (LTI + "target_link_uri", "https://evil.example.com/launch"),
        ("sub", ""),
        ("iss", "https://other-platform.example.edu"),
        ("aud", "another-client"),
        ("aud", ["another-client"]),
        ("azp", "another-client"),
        ("nonce", None),
        ("iat", None),
        ("exp", None),
    ],
    ids=lambda v: repr(v)[-60:],
)
def test_a_claim_missing_or_wrong_is_refused(lms, claim, value):
    """LTI Core 1.3 §5.3 (required message claims: version 1.3.0 §5.3.3, message_type
    §5.3.1, deployment_id §5.3.3, target_link_uri §5.3.4, resource_link id §5.3.5, roles
    §5.3.7) and LTI Security 1.0 §5.1.3 (iss the registered issuer, aud/azp our client id,
    nonce, iat and exp): each missing or wrong one is refused."""
    if value is None:
        response = launch_with(lms, **{claim: None})
    else:
        response = launch_with(lms, **{claim: value})
    assert_refused(response, 400, 403, 404)


def test_an_empty_roles_claim_is_a_launch_of_no_role(lms):
    """LTI Core 1.3 §5.3.7: ``roles`` MAY be an empty array (the platform grants no role):
    accepted, as a learner (Codio's table: anything else is STUDENT)."""
    response = launch_with(lms, **{LTI + "roles": []})
    assert response.status_code == 200, response.content.decode()[-400:]
    assert ClassMembership.objects.get().role == "student"


def test_an_expired_token(lms):
    """LTI Security 1.0 §5.1.3 (step 7): ``exp`` has passed."""
    now = int(time.time())
    assert_refused(launch_with(lms, iat=now - 900, exp=now - 300))


def test_a_token_issued_in_the_future(lms):
    """LTI Security 1.0 §5.1.3 (step 8): ``iat`` in the future (beyond a small skew)."""
    now = int(time.time())
    assert_refused(launch_with(lms, iat=now + 3600, exp=now + 7200))


def test_a_token_issued_long_ago(lms):
    """LTI Security 1.0 §5.1.3 (step 8): the tool MAY refuse an ``iat`` too far in the
    past, even with a distant ``exp``."""
    now = int(time.time())
    assert_refused(launch_with(lms, iat=now - 86_400, exp=now + 3600))


def test_a_nonce_not_issued_by_the_tool(lms):
    """LTI Security 1.0 §5.1.3 (step 9): the nonce must be the one of the tool's own
    authentication request."""
    assert_refused(launch_with(lms, nonce="made-up-nonce"))


def test_a_reused_nonce(lms):
    """LTI Security 1.0 §5.1.3 (step 9): a nonce is used once; the same id_token replayed
    with a fresh state is refused."""
    state, nonce = lms.state_and_nonce()
    token = sign_id_token(lms, lms.claims(nonce, sub="ada"))
    assert lms.launch(token, state).status_code == 200
    before = created()
    fresh_state, _ = lms.state_and_nonce()
    again = lms.launch(token, fresh_state)
    assert again.status_code in (400, 403)
    assert created() == before


@pytest.mark.parametrize("state", ["", "not-the-state"], ids=["empty", "other"])
def test_a_state_mismatch(lms, state):
    """OpenID Connect Core 1.0 §3.1.2.7 and LTI Security 1.0 §5.1.1.3: the state the
    platform echoes must be the one the tool issued to this browser."""
    assert_refused(launch_with(lms, state=state), 400, 403)


def test_a_state_from_another_browser(lms):
    """LTI Security 1.0 §7.3.1 (login CSRF): a state issued to another browser (its
    cookie) does not launch here."""
    from tests.support import BridgeClient, ScriptedPlatform

    state, nonce = lms.state_and_nonce()
    token = sign_id_token(lms, lms.claims(nonce))
    other = ScriptedPlatform(lms.registration, client=BridgeClient(), private_pem=lms.private_pem)
    response = other.launch(token, state)
    assert response.status_code in (400, 403)
    assert created() == (0, 0, 0, 0, 0)


def test_no_id_token(lms):
    """LTI Security 1.0 §5.1.1.3: the authentication response carries the id_token."""
    state, _nonce = lms.state_and_nonce()
    assert_refused(lms.client.post("/lti-bridge/lti/launch", {"state": state}))


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c", "not a jwt"])
def test_a_malformed_id_token(lms, token):
    """RFC 7519 §7.2: a value that is not a JWS compact serialisation."""
    state, _nonce = lms.state_and_nonce()
    assert_refused(lms.launch(token, state))


def test_an_unknown_issuer_and_client(lms):
    """LTI Core 1.3 §5.1.2 and LTI Security 1.0 §5.1.3 (step 2-3): a platform the tool does
    not know, however well signed."""
    assert_refused(launch_with(lms, iss="https://unknown.example.edu", aud="nobody"))


def test_a_launch_by_get_is_refused(lms):
    """LTI Security 1.0 §5.1.1.3: the id_token comes by form_post; GET is 405."""
    response = lms.client.get("/lti-bridge/lti/launch")
    assert response.status_code == 405 and "POST" in response["Allow"]
