"""Accounts made by launches have no usable password; "forgot password" on the account
email sets one, and then the account signs in to the bridge directly."""

import re

import pytest
from django.core import mail
from django.test import Client

from lti_bridge.models import Account

pytestmark = [
    pytest.mark.bridge_alone,
    pytest.mark.django_db(transaction=True),  # mails go out on commit
]


def reset_link():
    assert len(mail.outbox) == 1
    return re.search(
        r"http://codio\.test(/lti-bridge/account/password/\S+/)", mail.outbox[0].body
    ).group(1)


@pytest.fixture
def launched(bridge_setup):
    assert bridge_setup.full_launch(sub="ada", email="ada@example.edu").status_code == 200
    return Account.objects.get()


def test_set_password_then_sign_in_directly(launched):
    client = Client()
    assert (
        client.post(
            "/lti-bridge/account/sign-in/", {"email": "ada@example.edu", "password": "anything"}
        ).status_code
        == 400
    )
    response = client.post("/lti-bridge/account/password/", {"email": "ADA@example.edu"})
    assert "If an account signs in with this address" in response.content.decode()
    link = reset_link()
    assert client.get(link).status_code == 200
    response = client.post(link, {"password1": "a-Long-passw0rd!", "password2": "a-Long-passw0rd!"})
    assert "Your password is set" in response.content.decode()
    response = client.post(
        "/lti-bridge/account/sign-in/", {"email": "ada@example.edu", "password": "a-Long-passw0rd!"}
    )
    assert response.status_code == 302
    home = client.get(response["Location"]).content.decode()
    assert "Signed in as Test Learner" in home and "Course 1" in home


def test_reset_link_is_single_use(launched):
    Client().post("/lti-bridge/account/password/", {"email": "ada@example.edu"})
    link = reset_link()
    client = Client()
    client.post(link, {"password1": "a-Long-passw0rd!", "password2": "a-Long-passw0rd!"})
    again = client.post(link, {"password1": "0ther-passw0rd!", "password2": "0ther-passw0rd!"})
    assert again.status_code == 400
    assert "not valid or was already used" in again.content.decode()


def test_unknown_address_gets_the_same_answer_and_no_mail(launched):
    response = Client().post("/lti-bridge/account/password/", {"email": "nobody@example.edu"})
    assert "If an account signs in with this address" in response.content.decode()
    assert mail.outbox == []


def test_weak_or_mismatched_passwords_are_refused(launched):
    Client().post("/lti-bridge/account/password/", {"email": "ada@example.edu"})
    link = reset_link()
    client = Client()
    assert (
        "differ"
        in client.post(
            link, {"password1": "a-Long-passw0rd!", "password2": "b-Long-passw0rd!"}
        ).content.decode()
    )
    assert client.post(link, {"password1": "123", "password2": "123"}).status_code == 400
    assert Account.objects.get().password.startswith("!")  # still unusable


def test_forms_need_csrf(launched):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post("/lti-bridge/account/password/", {"email": "ada@example.edu"}).status_code
        == 403
    )
    assert (
        client.post("/lti-bridge/account/sign-in/", {"email": "a@b.c", "password": "x"}).status_code
        == 403
    )


def test_account_page_needs_sign_in():
    response = Client().get("/lti-bridge/account/")
    assert response.status_code == 302 and response["Location"].endswith("/account/sign-in/")


def test_sign_in_attempts_are_limited_per_address_and_per_email(launched, settings):
    """Guessing passwords: past the rate, even the right password is refused for a while,
    from that client address or for that email; others are not affected."""
    from lti_bridge.flows import password

    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "SIGN_IN_RATE": "3/m"}
    password.set_password(launched, "a-Long-passw0rd!")
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for guess in ("one", "two", "three"):
        response = guesser.post(
            "/lti-bridge/account/sign-in/", {"email": "ada@example.edu", "password": guess}
        )
        assert response.status_code == 400
    right = {"email": "ada@example.edu", "password": "a-Long-passw0rd!"}
    response = guesser.post("/lti-bridge/account/sign-in/", right)
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    # Another address, same email: the email itself is over its rate too.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.post("/lti-bridge/account/sign-in/", right).status_code == 429
    # Another email from another address is not affected.
    assert (
        other.post(
            "/lti-bridge/account/sign-in/", {"email": "bob@example.edu", "password": "x"}
        ).status_code
        == 400
    )


def test_password_links_are_limited(launched, settings):
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "PASSWORD_RESET_RATE": "2/h"}
    client = Client()
    for _ in range(2):
        assert (
            client.post("/lti-bridge/account/password/", {"email": "ada@example.edu"}).status_code
            == 200
        )
    response = client.post("/lti-bridge/account/password/", {"email": "ada@example.edu"})
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    assert len(mail.outbox) == 2  # no third mail


def test_a_learner_signing_in_directly_lands_on_their_classes_and_units(launched):
    """The account page links each unit of each class (a learner's own work) and says so
    when there is nothing yet."""
    from lti_bridge.flows.password import set_password
    from lti_bridge.models import ResourceLink

    set_password(launched, "a-Long-passw0rd!")
    client = Client()
    response = client.post(
        "/lti-bridge/account/sign-in/", {"email": "ada@example.edu", "password": "a-Long-passw0rd!"}
    )
    home = client.get(response["Location"]).content.decode()
    link = ResourceLink.objects.get()
    assert f'href="/lti-bridge/units/{link.pk}/">Hello, Python</a>' in home
    assert "/lti-bridge/classes/" not in home  # the class page is for teachers
    unit = client.get(f"/lti-bridge/units/{link.pk}/")
    assert unit.status_code == 200 and 'data-testid="unit-title"' in unit.content.decode()


def test_an_account_in_no_class_is_told_how_to_get_one(db):
    from lti_bridge.flows.password import set_password

    set_password(
        Account.objects.create(name="Nobody", email="nobody@example.edu"), "a-Long-passw0rd!"
    )
    client = Client()
    client.post(
        "/lti-bridge/account/sign-in/",
        {"email": "nobody@example.edu", "password": "a-Long-passw0rd!"},
    )
    home = client.get("/lti-bridge/account/").content.decode()
    assert 'data-testid="no-classes"' in home and "open a Codio unit from your LMS" in home
