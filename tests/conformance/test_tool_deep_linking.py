"""Tool: Deep Linking 2.0 (1EdTech's tool certification plan, Deep Linking section): the
bridge answers an LtiDeepLinkingRequest with its unit picker and sends the choice back as a
signed LtiDeepLinkingResponse. A scripted platform (``lms``) sends the request through
Django's test client and the real URLconf; the response is verified with the key set the
bridge serves at its JWKS URL.

This module stays on Django's test client (tests/conformance/conftest.py says which run
over real HTTP): the test is the platform, and the bridge calls out to nobody here (the
platform's key set is registered with it), so a socket would add time to every case and
check nothing more.
"""

import re
from html import unescape

import jwt
import pytest
from django.test import Client

from lti_bridge.models import Account, Unit
from tests.conformance.conftest import deep_linking_request, deep_linking_settings
from tests.support import LEARNER, LTI, path_of

pytestmark = pytest.mark.django_db

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def answer_form(response):
    assert response.status_code == 200, response.content.decode()[-400:]
    page = response.content.decode()
    action = re.search(r'<form id="deep-linking-response" method="post" action="([^"]+)"', page)
    token = re.search(r'name="JWT" value="([^"]+)"', page)
    return unescape(action.group(1)), token.group(1)


def verified(token, lms):
    header = jwt.get_unverified_header(token)
    key_set = Client().get("/lti-bridge/lti/jwks").json()
    (jwk,) = [k for k in key_set["keys"] if k["kid"] == header["kid"]]
    assert header["alg"] == "RS256"
    return jwt.decode(
        token,
        jwt.algorithms.RSAAlgorithm.from_jwk(jwk),
        algorithms=["RS256"],
        audience=lms.registration.issuer,
        issuer=lms.registration.client_id,
    )


def test_a_teachers_request_opens_the_picker(lms, picker_url):
    """Deep Linking 2.0 §4.4 (LtiDeepLinkingRequest): the tool shows its selection UI; it
    lists the organization's units."""
    page = lms.client.get(path_of(picker_url)).content.decode()
    assert 'data-testid="unit-picker"' in page and "Hello, Python" in page
    assert Account.objects.count() == 0  # picking signs nobody in


def test_the_response_message(lms, picker_url):
    """Deep Linking 2.0 §4.5 (LtiDeepLinkingResponse) and LTI Security 1.0 §5.2: posted to
    deep_link_return_url as ``JWT``, RS256 by a key of the tool's JWKS, iss the client id,
    aud the platform's issuer, iat/exp, a nonce, version 1.3.0, the deployment id, the
    request's ``data`` echoed, and an ltiResourceLink content item (§3.1)."""
    unit = Unit.objects.get(code="hello-python")
    action, token = answer_form(lms.client.post(path_of(picker_url), {"unit": unit.pk}))
    assert action == deep_linking_settings(lms)["deep_link_return_url"]
    claims = verified(token, lms)
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == "d1"
    assert claims["nonce"] and claims["exp"] > claims["iat"]
    assert claims[DL + "data"] == "platform-opaque-data"
    (item,) = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["title"] == unit.title
    assert item["url"] == "http://codio.test/lti-bridge/lti/launch"
    assert item["custom"] == {"codio_unit": "hello-python"}


def test_cancel_answers_with_no_content_item(lms, picker_url):
    """Deep Linking 2.0 §4.5: a response with no content item tells the platform nothing was
    chosen."""
    _action, token = answer_form(lms.client.post(path_of(picker_url), {"unit": ""}))
    assert not verified(token, lms).get(DL + "content_items")


def test_the_picker_answers_once(lms, picker_url):
    """Deep Linking 2.0 §4.5 and LTI Security 1.0 §5.2: one response per request."""
    unit = Unit.objects.get(code="hello-python")
    answer_form(lms.client.post(path_of(picker_url), {"unit": unit.pk}))
    again = lms.client.post(path_of(picker_url), {"unit": unit.pk})
    assert again.status_code in (400, 404)


def test_the_data_claim_is_left_out_when_the_request_had_none(lms):
    """Deep Linking 2.0 §4.4.1 / §4.5: ``data`` is echoed only if the request carried it."""
    settings = deep_linking_settings(lms)
    del settings["data"]
    response = deep_linking_request(lms, settings=settings)
    picker = response["Location"]
    unit = Unit.objects.get(code="hello-python")
    _action, token = answer_form(lms.client.post(path_of(picker), {"unit": unit.pk}))
    assert DL + "data" not in verified(token, lms)


def test_a_learner_may_not_pick(lms):
    """Deep Linking 2.0 §4.4: deep linking is the course designer's act; the tool refuses a
    learner's request with a page saying so."""
    response = deep_linking_request(lms, roles=(LEARNER,))
    assert response.status_code == 403 and response.content


@pytest.mark.parametrize(
    "settings",
    [
        None,
        {"accept_types": ["ltiResourceLink"]},
        {"deep_link_return_url": ""},
        {"deep_link_return_url": "https://evil.example.com/return"},
        {"deep_link_return_url": "javascript:alert(1)"},
    ],
    ids=["no-settings", "no-return-url", "empty-return-url", "foreign-return-url", "javascript"],
)
def test_a_request_without_usable_settings_is_refused(lms, settings):
    """Deep Linking 2.0 §4.4.1: deep_linking_settings with deep_link_return_url are
    required; the tool answers only to the platform's own address (never to another site,
    nor a script URL)."""
    claim = DL + "deep_linking_settings"
    if settings is None:
        response = lms.full_launch(
            **{LTI + "message_type": "LtiDeepLinkingRequest", LTI + "resource_link": None}
        )
    elif "deep_link_return_url" not in settings:
        response = lms.full_launch(
            **{
                LTI + "message_type": "LtiDeepLinkingRequest",
                LTI + "resource_link": None,
                claim: settings,
                LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
            }
        )
    else:
        response = deep_linking_request(lms, settings=deep_linking_settings(lms, **settings))
    assert response.status_code in (400, 403), response.status_code
    assert "Location" not in response
