"""Bridge sign-ins are server-side sessions that can be ended (issue 11, items 3 and 13)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from lti_bridge.models import Account
from lti_bridge.session import COOKIE

pytestmark = pytest.mark.django_db

ACCOUNT_PAGE = "/lti-bridge/account/"


@pytest.fixture
def signed_in(bridge_setup):
    """A learner signed in by a launch; the cookie the browser got."""
    response = bridge_setup.full_launch(sub="ada", email="ada@example.edu")
    assert response.status_code == 200
    return bridge_setup.client, Account.objects.get(), response.cookies[COOKIE].value


def copy_of(cookie_value):
    client = Client()
    client.cookies[COOKIE] = cookie_value
    return client


def test_the_cookie_is_a_session_key_not_the_account_id(signed_in):
    client, account, value = signed_in
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS

    assert len(value) >= 32 and set(value) <= set(VALID_KEY_CHARS)  # a random session key
    assert client.get(ACCOUNT_PAGE).status_code == 200


def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(signed_in):
    client, _, value = signed_in
    assert copy_of(value).get(ACCOUNT_PAGE).status_code == 200
    client.post("/lti-bridge/account/sign-out/")
    assert copy_of(value).get(ACCOUNT_PAGE).status_code == 302  # back to sign-in


def test_a_password_change_ends_the_accounts_sessions(signed_in):
    _, account, value = signed_in
    account.password = make_password("a-new-Passw0rd!")
    account.save()
    assert copy_of(value).get(ACCOUNT_PAGE).status_code == 302


def test_deactivation_ends_the_accounts_sessions(signed_in):
    _, account, value = signed_in
    Account.objects.filter(pk=account.pk).update(is_active=False)
    assert copy_of(value).get(ACCOUNT_PAGE).status_code == 302


def test_signing_in_again_starts_a_new_session(signed_in, bridge_setup):
    client, _, first = signed_in
    response = bridge_setup.full_launch(sub="ada", email="ada@example.edu")
    second = response.cookies[COOKIE].value
    assert second != first
    assert copy_of(first).get(ACCOUNT_PAGE).status_code == 302  # the old one ended
    assert copy_of(second).get(ACCOUNT_PAGE).status_code == 200


def test_a_deactivated_account_gets_a_clear_page_at_launch(bridge_setup):
    bridge_setup.full_launch(sub="ada", email="ada@example.edu")
    Account.objects.update(is_active=False)
    client = Client()
    bridge_setup.client = client
    response = bridge_setup.full_launch(sub="ada", email="ada@example.edu")
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert COOKIE not in response.cookies


def test_a_deactivated_account_gets_a_clear_page_at_sign_in(bridge_setup):
    bridge_setup.full_launch(sub="ada", email="ada@example.edu")
    Account.objects.update(is_active=False, password=make_password("a-Long-passw0rd!"))
    response = Client().post(
        "/lti-bridge/account/sign-in/", {"email": "ada@example.edu", "password": "a-Long-passw0rd!"}
    )
    assert response.status_code == 403 and "deactivated" in response.content.decode()
    wrong = Client().post(
        "/lti-bridge/account/sign-in/", {"email": "ada@example.edu", "password": "wrong-one"}
    )
    assert wrong.status_code == 400 and "deactivated" not in wrong.content.decode()


def test_the_lms_session_is_left_alone(bridge_setup):
    """Embedded in the LMS, the LMS's own session cookie is never set or changed."""
    response = bridge_setup.full_launch(sub="ada", email="ada@example.edu")
    assert "sessionid" not in response.cookies
