"""The tool's hardening layer over pylti1p3: one test per gap it closes, each also
checking that a refused launch creates nothing and says what went wrong."""

import time

import pytest
import requests
import responses

from lti_bridge.models import Account, ClassMembership, Classroom, Link, ResourceLink, Work
from tests.support import LTI

pytestmark = pytest.mark.django_db

MODELS = (Account, Link, Classroom, ClassMembership, ResourceLink, Work)


def counts():
    return [m.objects.count() for m in MODELS]


def refused(response, status, words):
    page = response.content.decode()
    assert response.status_code == status, (response.status_code, page[-600:])
    assert words.lower() in page.lower(), page[-600:]
    assert "Traceback" not in page
    assert counts() == [0] * len(MODELS)


def test_a_valid_launch_is_accepted(bridge_setup):
    response = bridge_setup.full_launch()
    assert response.status_code == 200
    assert "Signed in as Test Learner" in response.content.decode()
    assert Account.objects.count() == 1


def test_unit_instructions_are_sanitised_markdown(bridge_setup):
    page = bridge_setup.full_launch().content.decode()
    assert "<strong>hello</strong>" in page
    for danger in ("<script>alert(1)", "onerror", "javascript:"):
        assert danger not in page


def test_state_is_single_use(bridge_setup):
    platform = bridge_setup
    state, nonce = platform.state_and_nonce()
    token = platform.sign(platform.claims(nonce))
    assert platform.launch(token, state).status_code == 200
    replay = platform.launch(token, state)
    assert replay.status_code == 403
    assert "already used" in replay.content.decode()


def test_nonce_is_single_use_even_with_a_fresh_state(bridge_setup):
    platform = bridge_setup
    state, nonce = platform.state_and_nonce()
    assert platform.launch(platform.sign(platform.claims(nonce)), state).status_code == 200
    state2, _ = platform.state_and_nonce()
    again = platform.launch(platform.sign(platform.claims(nonce)), state2)
    assert again.status_code == 403


def test_nonce_not_issued_by_the_tool_is_refused(bridge_setup):
    state, _ = bridge_setup.state_and_nonce()
    response = bridge_setup.launch(bridge_setup.sign(bridge_setup.claims("made-up")), state)
    refused(response, 403, "already used")


def test_missing_state_cookie_shows_the_new_window_page(bridge_setup):
    from django.test import Client

    state, nonce = bridge_setup.state_and_nonce()
    token = bridge_setup.sign(bridge_setup.claims(nonce))
    response = Client().post("/lti-bridge/lti/launch", {"id_token": token, "state": state})
    refused(response, 400, "Open the unit in a new window")


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_exp_and_iat_are_required(bridge_setup, claim):
    refused(bridge_setup.full_launch(**{claim: None}), 400, claim)


def test_expired_token(bridge_setup):
    now = int(time.time())
    refused(bridge_setup.full_launch(iat=now - 400, exp=now - 200), 400, "expired")


def test_iat_in_the_future(bridge_setup):
    now = int(time.time())
    refused(bridge_setup.full_launch(iat=now + 600, exp=now + 900), 400, "malformed")


def test_iat_too_old_even_if_exp_is_far(bridge_setup):
    now = int(time.time())
    refused(bridge_setup.full_launch(iat=now - 3600, exp=now + 3600), 400, "expired")


def test_several_audiences_need_azp(bridge_setup):
    refused(bridge_setup.full_launch(aud=["client-1", "other"], azp=None), 403, "another tool")


def test_azp_must_be_our_client_id(bridge_setup):
    refused(bridge_setup.full_launch(aud=["client-1", "other"], azp="other"), 403, "another tool")


def test_several_audiences_with_our_azp_are_accepted(bridge_setup):
    response = bridge_setup.full_launch(aud=["other", "client-1"], azp="client-1")
    assert response.status_code == 200


def test_wrong_audience(bridge_setup):
    refused(bridge_setup.full_launch(aud="client-2", azp=None), 400, "not registered")


def test_target_link_uri_required(bridge_setup):
    refused(bridge_setup.full_launch(**{LTI + "target_link_uri": None}), 400, "target_link_uri")


def test_target_link_uri_must_be_ours(bridge_setup):
    refused(
        bridge_setup.full_launch(**{LTI + "target_link_uri": "https://evil.example/x"}),
        400,
        "address this tool does not use",
    )


def test_bad_signature(bridge_setup):
    from lti_bridge.protocol import keys

    platform = bridge_setup
    state, nonce = platform.state_and_nonce()
    other_pem = keys.generate_private_pem()
    token = platform.sign(platform.claims(nonce), pem=other_pem)  # right kid, wrong key
    refused(platform.launch(token, state), 403, "signature is not valid")


def test_tampered_payload(bridge_setup):
    import base64
    import json

    platform = bridge_setup
    state, nonce = platform.state_and_nonce()
    token = platform.sign(platform.claims(nonce))
    head, body, sig = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=="))
    data["sub"] = "someone-else"
    body = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    refused(platform.launch(f"{head}.{body}.{sig}", state), 403, "signature is not valid")


def test_unsigned_token_alg_none(bridge_setup):
    import jwt

    platform = bridge_setup
    state, nonce = platform.state_and_nonce()
    token = jwt.encode(
        platform.claims(nonce), None, algorithm="none", headers={"kid": platform.kid}
    )
    refused(platform.launch(token, state), 403, "signature is not valid")


def test_hs256_with_public_key_as_secret(bridge_setup):
    import jwt

    platform = bridge_setup
    state, nonce = platform.state_and_nonce()
    token = jwt.encode(
        platform.claims(nonce), "s" * 32, algorithm="HS256", headers={"kid": platform.kid}
    )
    refused(platform.launch(token, state), 403, "signature is not valid")


def test_unknown_kid(bridge_setup):
    platform = bridge_setup
    state, nonce = platform.state_and_nonce()
    refused(
        platform.launch(platform.sign(platform.claims(nonce), kid="nope"), state),
        403,
        "key the platform does not publish",
    )


def test_malformed_token(bridge_setup):
    state, _ = bridge_setup.state_and_nonce()
    refused(bridge_setup.launch("not-a-jwt", state), 400, "malformed")


def test_unknown_issuer(bridge_setup):
    refused(bridge_setup.full_launch(iss="https://other-lms.example"), 400, "not registered")


def test_unknown_deployment(bridge_setup):
    refused(bridge_setup.full_launch(**{LTI + "deployment_id": "d-unknown"}), 400, "deployment")


def test_disabled_registration(bridge_setup):
    bridge_setup.registration.enabled = False
    bridge_setup.registration.save()
    refused(bridge_setup.launch("x.y.z", "state-x"), 400, "")


@pytest.mark.parametrize(
    "claim",
    [
        LTI + "resource_link",
        LTI + "context",
        "sub",
        LTI + "version",
        LTI + "roles",
    ],
)
def test_missing_claims(bridge_setup, claim):
    response = bridge_setup.full_launch(**{claim: None})
    assert response.status_code == 400
    assert counts() == [0] * len(MODELS)
    assert "Traceback" not in response.content.decode()


def test_unsupported_message_type(bridge_setup):
    refused(
        bridge_setup.full_launch(**{LTI + "message_type": "LtiSubmissionReviewRequest"}),
        400,
        "not supported",
    )


def test_deep_linking_request_without_its_settings_is_refused(bridge_setup):
    response = bridge_setup.full_launch(**{LTI + "message_type": "LtiDeepLinkingRequest"})
    assert response.status_code == 400


def test_unknown_unit(bridge_setup):
    refused(
        bridge_setup.full_launch(**{LTI + "custom": {"codio_unit": "nope"}}),
        404,
        "does not point to a Codio unit",
    )


def test_get_is_not_a_launch(bridge_setup):
    assert bridge_setup.client.get("/lti-bridge/lti/launch").status_code == 405


# ---- login initiation ----


def test_login_redirects_to_registered_auth_url_with_our_redirect_uri(bridge_setup):
    from tests.support import query

    response = bridge_setup.login()
    assert response.status_code == 302
    assert response["Location"].startswith("https://lms.example.edu/auth?")
    params = query(response["Location"])
    assert params["redirect_uri"] == "http://codio.test/lti-bridge/lti/launch"
    assert params["scope"] == "openid" and params["response_mode"] == "form_post"
    assert params["nonce"] and params["state"]


def test_login_never_takes_redirect_uri_from_request(bridge_setup):
    from tests.support import query

    response = bridge_setup.login(redirect_uri="https://evil.example/steal")
    assert query(response["Location"])["redirect_uri"] == "http://codio.test/lti-bridge/lti/launch"


def test_login_with_foreign_target_is_refused(bridge_setup):
    response = bridge_setup.login(target="https://evil.example/launch")
    assert response.status_code == 400
    assert "address this tool does not use" in response.content.decode()


def test_login_from_unknown_platform(bridge_setup):
    response = bridge_setup.login(iss="https://unknown.example")
    assert response.status_code == 400
    assert "not registered" in response.content.decode()


def test_login_with_unknown_deployment(bridge_setup):
    response = bridge_setup.login(lti_deployment_id="nope")
    assert response.status_code == 400
    assert "deployment" in response.content.decode()


def test_login_checks_cookies_first(bridge_setup):
    params_response = bridge_setup.client.get(
        "/lti-bridge/lti/login?iss=https%3A%2F%2Flms.example.edu&client_id=client-1"
        "&login_hint=h&target_link_uri=http%3A%2F%2Fcodio.test%2Flti-bridge%2Flti%2Flaunch"
    )
    assert params_response.status_code == 200
    assert "lti1p3_new_window" in params_response.content.decode()


def test_cookie_check_page_runs_only_its_own_script(bridge_setup):
    """pylti1p3 renders this page with an inline script: the CSP allows exactly that
    script (by hash), and only the registered platform may frame it."""
    import base64
    import hashlib
    import re

    response = bridge_setup.client.get(
        "/lti-bridge/lti/login?iss=https%3A%2F%2Flms.example.edu&client_id=client-1"
        "&login_hint=h&target_link_uri=http%3A%2F%2Fcodio.test%2Flti-bridge%2Flti%2Flaunch"
    )
    csp = response["Content-Security-Policy"]
    [script] = re.findall(r"<script[^>]*>(.*?)</script>", response.content.decode(), re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}';" in csp
    assert "default-src 'none'" in csp and "unsafe-inline'; base-uri" in csp
    assert csp.endswith("frame-ancestors 'self' https://lms.example.edu")


def test_cookies_are_samesite_none_and_secure_over_https(bridge_setup):
    response = bridge_setup.client.get(
        "/lti-bridge/lti/login?iss=https%3A%2F%2Flms.example.edu&client_id=client-1"
        "&login_hint=h&lti1p3_new_window=1"
        "&target_link_uri=http%3A%2F%2Fcodio.test%2Flti-bridge%2Flti%2Flaunch",
        secure=True,
    )
    assert response.status_code == 302
    lti_cookies = [c for name, c in response.cookies.items() if name.startswith("lti1p3")]
    assert lti_cookies
    for cookie in lti_cookies:
        assert cookie["samesite"] == "None" and cookie["secure"]


# ---- platform key sets: cached, refetched once on an unknown kid, timeouts ----


@pytest.fixture
def keyset_platform(bridge_setup):
    bridge_setup.registration.key_set = None
    bridge_setup.registration.save()
    return bridge_setup


@responses.activate
def test_key_set_is_fetched_with_a_timeout_and_cached(keyset_platform):
    responses.get("https://lms.example.edu/jwks", json=keyset_platform.public_jwks())
    assert keyset_platform.full_launch().status_code == 200
    assert keyset_platform.full_launch().status_code == 200
    assert len(responses.calls) == 1
    assert responses.calls[0].request.req_kwargs["timeout"]


@responses.activate
def test_key_rotation_unknown_kid_triggers_one_refetch(keyset_platform):
    from lti_bridge.protocol import keys

    platform = keyset_platform
    old_jwks = platform.public_jwks()
    responses.get("https://lms.example.edu/jwks", json=old_jwks)
    assert platform.full_launch().status_code == 200
    # the platform rotates: new key, published alongside the old one
    platform.private_pem = keys.generate_private_pem()
    platform.kid = keys.kid_for(platform.private_pem)
    responses.replace(
        responses.GET,
        "https://lms.example.edu/jwks",
        json={"keys": old_jwks["keys"] + platform.public_jwks()["keys"]},
    )
    assert platform.full_launch().status_code == 200
    assert len(responses.calls) == 2


@responses.activate
def test_unknown_kid_refetch_has_a_cooldown(keyset_platform):
    platform = keyset_platform
    responses.get("https://lms.example.edu/jwks", json=platform.public_jwks())
    for _ in range(3):
        state, nonce = platform.state_and_nonce()
        response = platform.launch(platform.sign(platform.claims(nonce), kid="rogue"), state)
        assert response.status_code == 403
    assert len(responses.calls) == 2  # first fetch + one refetch, then the cooldown holds


@responses.activate
def test_key_set_timeout_is_a_clear_error(keyset_platform):
    responses.get("https://lms.example.edu/jwks", body=requests.ConnectTimeout("slow"))
    refused(keyset_platform.full_launch(), 502, "keys could not be fetched")


@responses.activate
def test_key_set_not_json(keyset_platform):
    responses.get("https://lms.example.edu/jwks", body="<html>")
    refused(keyset_platform.full_launch(), 502, "keys could not be fetched")


def test_key_set_on_unregistered_host_is_never_fetched(keyset_platform):
    keyset_platform.registration.key_set_url = "https://elsewhere.example/jwks"
    keyset_platform.registration.auth_login_url = "https://lms.example.edu/auth"
    keyset_platform.registration.save()
    from lti_bridge.http import OutboundError, get_json

    with pytest.raises(OutboundError):
        get_json("https://not-registered.example/jwks")


def _ec_jwk(kid):
    from cryptography.hazmat.primitives.asymmetric import ec
    from jwt.algorithms import ECAlgorithm

    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return {**ECAlgorithm.to_jwk(key, as_dict=True), "kid": kid}


def _private_jwk(platform):
    from jwt.algorithms import RSAAlgorithm

    from lti_bridge.protocol import keys

    private = RSAAlgorithm.to_jwk(keys.private_key(platform.private_pem), as_dict=True)
    return {**private, "kid": platform.kid}


@pytest.mark.parametrize("published", ["an EC key", "the key with its private members"])
@responses.activate
def test_a_key_set_entry_that_is_no_rsa_public_key_is_refused(keyset_platform, published):
    """The kid names an EC key, or the RSA key with "d" (a leaked private key: anyone could
    sign): the launch is refused as signed with an unusable key, never a server error."""
    platform = keyset_platform
    entry = _ec_jwk(platform.kid) if published == "an EC key" else _private_jwk(platform)
    responses.get("https://lms.example.edu/jwks", json={"keys": [entry]})
    state, nonce = platform.state_and_nonce()
    refused(
        platform.launch(platform.sign(platform.claims(nonce)), state),
        403,
        "key the platform does not publish",
    )
