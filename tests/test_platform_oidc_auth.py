"""The platform's OIDC authorization endpoint (codio_xblock): every check, its OIDC
error code, and the id_token it signs."""

import re
from html import unescape
from urllib.parse import urlencode

import jwt
import pytest
from django.core import signing

from codio_xblock import hints, keystore
from codio_xblock.models import PlatformSubject
from lti_bridge.protocol.vocabulary import Claim
from tests.support import form_fields, path_of, query

pytestmark = pytest.mark.django_db
AUTH = "/codio/lti/v1/auth"


def auth_params(client, index=0):
    """Start a launch as ``client``'s user and return the auth request the tool makes."""
    page = client.get("/scenario/codio_unit.1/").content.decode()
    handlers = list(dict.fromkeys(re.findall(r'src="([^"]*/handler/[^"]*/launch/[^"]*)"', page)))
    login = client.get(unescape(handlers[index]))
    tool_login = client.get(path_of(login["Location"]) + "&lti1p3_new_window=1")
    return query(tool_login["Location"])


def ask(client, params, method="get"):
    if method == "post":
        return client.post(AUTH, params)
    return client.get(AUTH + "?" + urlencode(params))


def decode(response):
    _, fields = form_fields(response.content.decode())
    token = fields["id_token"]
    header = jwt.get_unverified_header(token)
    published = {k["kid"]: k for k in keystore.jwks()["keys"]}
    public = jwt.algorithms.RSAAlgorithm.from_jwk(published[header["kid"]])
    return header, jwt.decode(token, public, algorithms=["RS256"], audience=course_client_id())


def course_client_id():
    from codio_xblock.models import ToolRegistration

    return ToolRegistration.objects.get(slug="lti_bridge").client_id


def test_valid_request_gets_signed_id_token_with_every_required_claim(as_user, users):
    client = as_user("learner")
    params = auth_params(client)
    response = ask(client, params)
    assert response.status_code == 200
    assert "form-action http://codio.test" in response["Content-Security-Policy"]
    header, claims = decode(response)
    assert header["alg"] == "RS256" and header["kid"]
    assert claims["iss"] == "http://codio.test"
    assert claims["aud"] == claims["azp"] == course_client_id()
    assert claims["nonce"] == params["nonce"]
    assert 0 < claims["exp"] - claims["iat"] <= 600
    sub = claims["sub"]
    assert sub == PlatformSubject.objects.get(user_key=str(users["learner"].pk)).sub
    assert sub not in (str(users["learner"].pk), "learner")
    assert claims[Claim.VERSION] == "1.3.0"
    assert claims[Claim.MESSAGE_TYPE] == "LtiResourceLinkRequest"
    assert claims[Claim.DEPLOYMENT_ID] == "1"
    assert claims[Claim.TARGET_LINK_URI] == "http://codio.test/lti-bridge/lti/launch"
    assert claims[Claim.RESOURCE_LINK]["title"] == "Hello, Python"
    assert claims[Claim.RESOURCE_LINK]["id"].startswith("codio-demo-course.codio_unit.")
    assert claims[Claim.CONTEXT]["id"] == "course-v1:Demo+CS101+2026"
    assert claims[Claim.CONTEXT]["label"] == "CS101"
    assert claims[Claim.CONTEXT]["type"] == [
        "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"
    ]
    assert claims[Claim.ROLES] == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    assert claims[Claim.TOOL_PLATFORM]["product_family_code"] == "openedx"
    assert claims[Claim.TOOL_PLATFORM]["guid"]
    assert claims[Claim.LAUNCH_PRESENTATION]["document_target"] == "iframe"
    assert claims[Claim.LAUNCH_PRESENTATION]["locale"]
    assert claims[Claim.LAUNCH_PRESENTATION]["return_url"] == (
        "http://codio.test/scenario/codio_unit.1/"
    )
    assert claims[Claim.CUSTOM]["codio_unit"] == "hello-python"
    assert claims["name"] == "Ada Lovelace"
    assert claims["email"] == "learner@example.edu"


def test_sub_is_stable_across_launches_and_blocks(as_user):
    client = as_user("learner")
    first = decode(ask(client, auth_params(client, 0)))[1]["sub"]
    second = decode(ask(client, auth_params(client, 1)))[1]["sub"]
    assert first == second


def test_without_sharing_no_name_or_email(as_user):
    client = as_user("learner")
    _, claims = decode(ask(client, auth_params(client, index=1)))
    for key in ("name", "given_name", "family_name", "email"):
        assert key not in claims


def test_post_is_accepted_too(as_user):
    client = as_user("learner")
    assert ask(client, auth_params(client), method="post").status_code == 200


@pytest.mark.parametrize(
    "name, value, code",
    [
        ("scope", "profile", "invalid_scope"),
        ("scope", "", "invalid_request"),
        ("response_type", "code", "unsupported_response_type"),
        ("response_mode", "query", "invalid_request"),
        ("prompt", "login", "invalid_request"),
        ("nonce", "", "invalid_request"),
        ("client_id", "someone-else", "unauthorized_client"),
        ("redirect_uri", "https://evil.example.com/launch", "invalid_request"),
        ("redirect_uri", "http://codio.test/lti-bridge/lti/launch/", "invalid_request"),
        ("login_hint", "forged", "invalid_request"),
        ("lti_message_hint", "forged", "invalid_request"),
    ],
)
def test_each_bad_parameter_is_refused_with_its_oidc_code(as_user, name, value, code):
    client = as_user("learner")
    params = {**auth_params(client), name: value}
    response = ask(client, params)
    assert 400 <= response.status_code < 500
    page = response.content.decode()
    assert code in page
    assert 'name="id_token"' not in page and "Traceback" not in page


def test_hint_of_another_user_is_refused(as_user):
    params = auth_params(as_user("learner"))
    response = ask(as_user("learner2"), params)
    assert response.status_code == 403
    assert "another user" in response.content.decode()


def test_login_required(as_user):
    from django.test import Client

    params = auth_params(as_user("learner"))
    response = ask(Client(), params)
    assert response.status_code == 403
    assert "login_required" in response.content.decode()


def test_login_hint_and_message_hint_must_name_the_same_user(as_user, users):
    client = as_user("learner")
    params = auth_params(client)
    params["login_hint"] = hints.make_login_hint(str(users["learner2"].pk))
    response = ask(client, params)
    assert response.status_code == 403


def test_message_hint_for_another_block_is_refused(as_user, users):
    client = as_user("learner")
    params = auth_params(client)
    data = signing.loads(params["lti_message_hint"], salt=hints.MESSAGE_SALT)
    params["lti_message_hint"] = hints.make_message_hint(
        user_key=data["u"], usage_id="another.block", launch_key=data["k"]
    )
    response = ask(client, params)
    assert response.status_code == 403
    assert "does not belong to this unit" in response.content.decode()


def test_launch_is_single_use(as_user):
    client = as_user("learner")
    params = auth_params(client)
    assert ask(client, params).status_code == 200
    again = ask(client, params)
    assert again.status_code == 403
    assert "already used" in again.content.decode()


def test_expired_hint_is_refused(as_user, settings):
    client = as_user("learner")
    params = auth_params(client)
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "LAUNCH_HINT_MAX_AGE": -1}
    response = ask(client, params)
    assert response.status_code == 403
    assert "expired" in response.content.decode()


def test_disabled_tool_cannot_be_launched(as_user, course):
    client = as_user("learner")
    params = auth_params(client)
    course.enabled = False
    course.save()
    response = ask(client, params)
    assert response.status_code == 400
    assert "unauthorized_client" in response.content.decode()


def test_anonymous_visitor_cannot_start_a_launch(course):
    from django.test import Client

    from codio_xblock.block import CodioUnitBlock  # noqa: F401

    response = Client().get("/handler/codio-demo-course.codio_unit.d0.u0/launch/")
    assert response.status_code == 302  # the demo LMS sends visitors to its sign-in page
    assert "/accounts/login/" in response["Location"]


def test_substitution_variables_follow_the_blocks_sharing(as_user):
    """The demo course's first block shares names and sends student_id=$User.username; the
    anonymous block gets the same parameter but sends the variable unchanged."""
    from tests.test_block import submit, usage_ids

    author = as_user("instructor")
    submit(
        author, usage_ids(author)[1], custom_parameters="student_id=$User.username\nc=$Context.id"
    )
    client = as_user("learner")
    _, shared = decode(ask(client, auth_params(client, 0)))
    _, anonymous = decode(ask(client, auth_params(client, 1)))
    custom = "https://purl.imsglobal.org/spec/lti/claim/custom"
    assert shared[custom]["student_id"] == "learner"
    assert anonymous[custom]["student_id"] == "$User.username"
    assert (
        anonymous[custom]["c"] == shared["https://purl.imsglobal.org/spec/lti/claim/context"]["id"]
    )
