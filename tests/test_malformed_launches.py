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
