"""Platform: core launch (1EdTech's LTI 1.3 platform certification plan, "Core launch").

The platform (``codio_xblock`` in the demo course) launches its registered tool: the
block's launch handler starts the third-party initiated login, the tool's login sends the
browser to the platform's OIDC authorization endpoint, which answers with a form post of a
signed id_token. The id_token is verified with the key set the platform serves at its
JWKS URL.

Every step is real HTTP: a socket to the live server (the ``http`` client of
tests/conformance/conftest.py, with the test client's interface), the people's browsers
too (``as_user`` is ``live_as_user`` here: each its own cookie jar, signed in by
``force_login``, a session in the store with no login page, its cookie on the wire; that
sign-in is the one step that is not an HTTP request). The tool's login redirect is
followed as a browser does; the platform never sees Django's test client.
"""

import re
from html import unescape
from urllib.parse import urlencode

import jwt
import pytest

from codio_xblock.models import ToolRegistration
from lti_bridge.protocol.vocabulary import Claim
from tests.support import form_fields, path_of, query
from tests.test_platform_oidc_auth import AUTH, ask, auth_params

pytestmark = pytest.mark.django_db(transaction=True)  # the live server's threads read it

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


def bridge():
    return ToolRegistration.objects.get(slug="lti_bridge")


@pytest.fixture
def outbound(live_outbound):
    """The demo's outbound calls (the bridge reading the platform's key set when it is
    launched) over sockets too."""
    return live_outbound


@pytest.fixture
def as_user(live_as_user):
    """The people of the demo course as browsers over real HTTP (conftest.live_as_user)."""
    return live_as_user


def verified(response, client):
    """The id_token of an auth response, verified with the key the JWKS URL serves (read
    by ``client``)."""
    assert response.status_code == 200, response.content.decode()[-400:]
    action, fields = form_fields(response.content.decode())
    token = fields["id_token"]
    header = jwt.get_unverified_header(token)
    key_set = client.fresh().get("/codio/lti/v1/jwks").json()
    (jwk,) = [key for key in key_set["keys"] if key["kid"] == header["kid"]]
    public = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
    claims = jwt.decode(
        token,
        public,
        algorithms=["RS256"],
        audience=bridge().client_id,
        issuer="http://codio.test",
    )
    return action, fields, header, claims


def launch(as_user, username="learner", index=0):
    client = as_user(username)
    params = auth_params(client, index)
    return params, verified(ask(client, params), client)


def test_login_initiation_names_the_platform_the_user_and_the_target(as_user):
    """LTI Core 1.3 §4.1 and LTI Security 1.0 §5.1.1.1: the third-party initiated login
    carries iss, login_hint, target_link_uri, lti_message_hint, client_id and
    lti_deployment_id, sent to the tool's registered login URL."""
    client = as_user("learner")
    page = client.get("/scenario/codio_unit.1/").content.decode()
    handler = unescape(re.search(r'src="([^"]*/handler/[^"]*/launch/[^"]*)"', page).group(1))
    response = client.get(handler)
    assert response.status_code == 302
    assert response["Location"].startswith(bridge().oidc_login_url + "?")
    params = query(response["Location"])
    assert params["iss"] == "http://codio.test"
    assert params["target_link_uri"] == bridge().launch_url
    assert params["client_id"] == bridge().client_id
    assert params["lti_deployment_id"] == bridge().deployment_id
    assert params["login_hint"] and params["lti_message_hint"]
    assert "learner" not in params["login_hint"]  # opaque: no username on the wire


def test_the_auth_response_posts_the_id_token_and_state_to_the_redirect_uri(as_user):
    """LTI Security 1.0 §5.1.1.3 and OAuth 2.0 Form Post Response Mode: an auto-submitted
    form to the registered redirect_uri with ``id_token`` and the ``state`` echoed."""
    params, (action, fields, _header, _claims) = launch(as_user)
    assert action == params["redirect_uri"] == bridge().launch_url
    assert fields["state"] == params["state"]


def test_the_id_token_is_rs256_signed_by_a_key_of_the_jwks(http, as_user):
    """LTI Security 1.0 §5.1.2 and §6.1-6.3: RS256, with the ``kid`` of a key the platform
    publishes at its JWKS URL (public members only)."""
    _params, (_action, _fields, header, _claims) = launch(as_user)
    assert header["alg"] == "RS256" and header["kid"]
    key_set = http.get("/codio/lti/v1/jwks").json()
    for key in key_set["keys"]:
        assert key["kty"] == "RSA" and key["kid"] and key.get("alg", "RS256") == "RS256"
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_the_required_claims(as_user):
    """LTI Core 1.3 §5.3 and LTI Security 1.0 §5.1.2: iss, aud, azp, sub, exp, iat,
    nonce; version 1.3.0 (§5.3.2), message_type (§5.3.1), deployment_id (§5.3.3),
    target_link_uri (§5.3.4), resource_link with id (§5.3.5), roles (§5.3.7)."""
    params, (_action, _fields, _header, claims) = launch(as_user)
    assert claims["aud"] == claims["azp"] == bridge().client_id
    assert claims["nonce"] == params["nonce"]
    assert claims["iat"] <= claims["exp"] and claims["exp"] - claims["iat"] <= 3600
    assert claims["sub"] and len(claims["sub"]) <= 255
    assert claims[Claim.VERSION] == "1.3.0"
    assert claims[Claim.MESSAGE_TYPE] == "LtiResourceLinkRequest"
    assert claims[Claim.DEPLOYMENT_ID] == bridge().deployment_id
    assert claims[Claim.TARGET_LINK_URI] == bridge().launch_url
    assert claims[Claim.RESOURCE_LINK]["id"]
    assert isinstance(claims[Claim.ROLES], list)


def test_roles_are_lis_vocabulary_uris(as_user):
    """LTI Core 1.3 §5.3.7 and Appendix A.2: context roles as full LIS v2 URIs; a course's
    instructor is an Instructor, a learner a Learner."""
    _params, (*_, learner) = launch(as_user, "learner")
    _params, (*_, instructor) = launch(as_user, "instructor")
    assert learner[Claim.ROLES] == [M + "Learner"]
    assert M + "Instructor" in instructor[Claim.ROLES]
    for role in instructor[Claim.ROLES]:
        assert role.startswith("http://purl.imsglobal.org/vocab/lis/v2/")


def test_context_resource_link_and_platform_claims(as_user):
    """LTI Core 1.3 §5.4.1 (context: id, label, title, type), §5.3.5 (resource link: id
    stable per block, distinct between blocks, title) and §5.4.2 (tool_platform: guid,
    product_family_code)."""
    _p, (*_, first) = launch(as_user, index=0)
    _p, (*_, again) = launch(as_user, index=0)
    _p, (*_, second) = launch(as_user, index=1)
    context = first[Claim.CONTEXT]
    assert context["id"] and context["label"] and context["title"]
    assert context["type"] == ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"]
    assert first[Claim.RESOURCE_LINK]["id"] == again[Claim.RESOURCE_LINK]["id"]
    assert first[Claim.RESOURCE_LINK]["id"] != second[Claim.RESOURCE_LINK]["id"]
    assert first[Claim.RESOURCE_LINK]["title"]
    assert first[Claim.TOOL_PLATFORM]["guid"] and first[Claim.TOOL_PLATFORM]["product_family_code"]


def test_custom_and_launch_presentation(as_user):
    """LTI Core 1.3 §5.4.6 (custom: a map of strings) and §5.4.4 (launch_presentation:
    document_target, return_url, locale)."""
    _p, (*_, claims) = launch(as_user)
    custom = claims[Claim.CUSTOM]
    assert custom and all(isinstance(v, str) for v in custom.values())
    presentation = claims[Claim.LAUNCH_PRESENTATION]
    assert presentation["document_target"] in ("iframe", "window", "frame")
    assert presentation["return_url"].startswith("http://codio.test/")
    assert presentation["locale"]


def test_sub_is_stable_and_no_personal_data_when_the_block_shares_none(as_user, users):
    """LTI Core 1.3 §5.3.6 (user identity: ``sub`` stable for the user, never reassigned)
    and §5.3.6.1: name and email only where the platform may share them."""
    _p, (*_, shared) = launch(as_user, index=0)
    _p, (*_, anonymous) = launch(as_user, index=1)
    assert shared["sub"] == anonymous["sub"]
    assert str(users["learner"].pk) != shared["sub"]
    assert shared["email"] == "learner@example.edu"
    assert not {"name", "given_name", "family_name", "email"} & set(anonymous)


@pytest.mark.parametrize(
    "name, value, code",
    [
        ("scope", "profile", "invalid_scope"),
        ("response_type", "code", "unsupported_response_type"),
        ("response_mode", "query", "invalid_request"),
        ("prompt", "login", "invalid_request"),
        ("prompt", "", "invalid_request"),
        ("nonce", "", "invalid_request"),
        ("client_id", "someone-else", "unauthorized_client"),
        ("login_hint", "forged", "invalid_request"),
        ("lti_message_hint", "forged", "invalid_request"),
    ],
)
def test_an_auth_request_in_error_is_refused_with_its_code(as_user, name, value, code):
    """LTI Security 1.0 §5.1.1.2 and OpenID Connect Core 1.0 §3.1.2.6: scope openid,
    response_type id_token, response_mode form_post, prompt none, a nonce, the tool's client
    id and the platform's own hints; otherwise the error code and no id_token."""
    client = as_user("learner")
    response = ask(client, {**auth_params(client), name: value})
    assert 400 <= response.status_code < 500
    page = response.content.decode()
    assert code in page and 'name="id_token"' not in page


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://codio.test/lti-bridge/lti/launch/",
        "http://codio.test/lti-bridge/lti/launch?x=1",
        "HTTP://CODIO.TEST/lti-bridge/lti/launch",
        "https://codio.test/lti-bridge/lti/launch",
        "http://codio.test/lti-bridge/lti/launch#f",
        "https://evil.example.com/launch",
        "",
    ],
)
def test_the_redirect_uri_must_match_a_registered_one_exactly(as_user, redirect_uri):
    """LTI Security 1.0 §5.1.1.2 and OAuth 2.0 Security BCP §4.1: exact string match
    against the registered redirect URIs; never redirect (nor post) to another."""
    client = as_user("learner")
    response = ask(client, {**auth_params(client), "redirect_uri": redirect_uri})
    assert response.status_code == 400
    assert "Location" not in response
    assert 'name="id_token"' not in response.content.decode()


def test_hints_are_bound_to_the_signed_in_user(http, as_user):
    """LTI Security 1.0 §5.1.1.2: the platform checks that the login_hint names the user
    signed in; a launch started for one user does not sign a token for another, nor for
    nobody (login_required)."""
    params = auth_params(as_user("learner"))
    assert ask(as_user("learner2"), params).status_code == 403
    nobody = http.get(AUTH + "?" + urlencode(params))
    assert nobody.status_code == 403 and "login_required" in nobody.content.decode()


def test_a_launch_is_answered_once(as_user):
    """LTI Security 1.0 §5.1.1.2: a message hint is single use (a replayed authentication
    request gets no second id_token)."""
    client = as_user("learner")
    params = auth_params(client)
    assert ask(client, params).status_code == 200
    assert ask(client, params).status_code == 403


def test_the_auth_endpoint_takes_get_and_post_only(as_user):
    """LTI Security 1.0 §5.1.1.2: the authentication request comes by GET or POST."""
    client = as_user("learner")
    assert ask(client, auth_params(client), method="post").status_code == 200
    response = client.put(AUTH)
    assert response.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in response["Allow"].split(",")}


def test_the_form_post_page_only_posts_to_the_tool(as_user):
    """LTI Security 1.0 §5.1.1.3: the page carrying the id_token runs only its own script and
    posts only to the redirect URI's origin; it is never cached."""
    client = as_user("learner")
    response = ask(client, auth_params(client))
    csp = response["Content-Security-Policy"]
    assert "form-action http://codio.test" in csp and "script-src 'nonce-" in csp
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert path_of(bridge().launch_url) in response.content.decode()
