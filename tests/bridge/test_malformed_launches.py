"""Signed launches whose claims have the wrong JSON types: a clear 4xx, nothing created."""

import pytest

from lti_bridge.models import Account, Classroom, Link
from tests.support import LTI

pytestmark = pytest.mark.django_db

CASES = [
    {"sub": 123},
    {"sub": ["a"]},
    {"sub": ""},
    {"name": ["x"]},
    {"email": {"a": 1}},
    {"given_name": 5},
    {"email": "not an email"},
    {LTI + "roles": "Instructor"},
    {LTI + "roles": {"a": 1}},
    {LTI + "roles": [42]},
    {LTI + "roles": [None, "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]},
    {LTI + "roles": [["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]]},
    {LTI + "roles": ["x" * 300]},
    {LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"] * 101},
    {LTI + "context": "course"},
    {LTI + "context": {"id": 5}},
    {LTI + "context": {"id": "x" * 300}},
    {LTI + "context": {"title": "no id"}},
    {LTI + "resource_link": ["x"]},
    {LTI + "resource_link": {"id": None}},
    {LTI + "custom": "codio_unit=x"},
    {LTI + "custom": {"codio_unit": 5}},
    {"aud": 5},
    {"aud": []},
    {"aud": [5]},
    {"azp": 5},
    {"nonce": 5},
    {"nonce": ""},
    {"iat": "abc"},
    {"exp": "abc"},
    {"iat": True},
    {"iss": 5},
    {"iss": ["x"]},
    {LTI + "deployment_id": 5},
    {LTI + "deployment_id": ["d1"]},
    {LTI + "version": 1.3},
    {LTI + "version": "1.1"},
    {LTI + "message_type": 5},
    {LTI + "target_link_uri": 5},
    {LTI + "target_link_uri": ["x"]},
    {LTI + "role_scope_mentor": "a,b"},
]


@pytest.mark.parametrize("override", CASES, ids=lambda c: repr(c)[-50:])
def test_malformed_claim_is_refused_clearly(bridge_setup, override):
    response = bridge_setup.full_launch(**override)
    page = response.content.decode()
    if response.status_code == 200:
        # values Codio can live without are dropped, never stored as given
        assert not any(
            isinstance(v, str) and v in page
            for v in override.values()
            if v not in ("", "Instructor")
        )
        return
    assert 400 <= response.status_code < 500, response.status_code
    assert "could not be opened" in page and "Traceback" not in page
    assert (Account.objects.count(), Link.objects.count(), Classroom.objects.count()) == (0, 0, 0)


STRICT_REFUSALS = [
    {LTI + "roles": [42]},
    {LTI + "roles": [None, "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]},
    {LTI + "roles": [{"role": "Instructor"}]},
]


@pytest.mark.parametrize("override", STRICT_REFUSALS, ids=lambda c: repr(c)[-40:])
def test_role_entries_that_are_not_strings_are_refused(bridge_setup, override):
    response = bridge_setup.full_launch(**override)
    assert response.status_code == 400
    assert "could not be opened" in response.content.decode()
    assert Account.objects.count() == 0


def test_an_oversized_id_token_is_refused_before_parsing(bridge_setup, settings, monkeypatch):
    """A 1 MiB id_token is refused by its size: never decoded, validated or cached."""
    import jwt as pyjwt

    decoded = []
    real = pyjwt.api_jws.PyJWS._load

    def spy(self, jwt):
        decoded.append(len(jwt))
        return real(self, jwt)

    monkeypatch.setattr(pyjwt.api_jws.PyJWS, "_load", spy)
    state, nonce = bridge_setup.state_and_nonce()
    claims = bridge_setup.claims(nonce, **{LTI + "custom": {"padding": "x" * (1024 * 1024)}})
    response = bridge_setup.launch(bridge_setup.sign(claims), state)
    assert response.status_code == 400
    assert "could not be opened" in response.content.decode()
    assert not [size for size in decoded if size > 1024 * 1024]
    assert Account.objects.count() == 0


def test_oversized_login_parameters_are_refused(bridge_setup):
    response = bridge_setup.login(login_hint="h" * 10_000)
    assert response.status_code == 400
    assert Account.objects.count() == 0
