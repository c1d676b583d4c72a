"""DESIGN section 3, row by row, each through real signed launches (ScriptedPlatform signs
the id_token; the bridge's own login issues state and nonce)."""

import pytest
from django.contrib.auth.hashers import is_password_usable

from lti_bridge.models import (
    Account,
    ClassMembership,
    Classroom,
    Link,
    Organization,
    OrgMembership,
    SyncConflict,
)
from tests.support import INSTRUCTOR, LTI, ScriptedPlatform

pytestmark = pytest.mark.django_db
MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"


def launch(platform, **claims):
    response = platform.full_launch(**claims)
    assert response.status_code == 200, response.content.decode()[-500:]
    return response


def test_row1_known_link_signs_in_and_syncs_name_email_and_role(bridge_setup):
    launch(bridge_setup, sub="u1", name="Ada L", email="ada@old.example")
    page = launch(
        bridge_setup,
        sub="u1",
        name="Ada Lovelace",
        email="ada@new.example",
        **{LTI + "roles": [INSTRUCTOR]},
    ).content.decode()
    account = Account.objects.get()
    assert (account.name, account.email) == ("Ada Lovelace", "ada@new.example")
    assert ClassMembership.objects.get().role == "teacher"
    assert 'data-testid="teacher-view"' in page
    assert Link.objects.count() == 1


def test_row1_email_taken_keeps_old_email_and_records_why(bridge_setup):
    other = Account.objects.create(email="taken@example.edu")
    launch(bridge_setup, sub="u1", email="ada@example.edu")
    launch(bridge_setup, sub="u1", email="taken@example.edu")
    account = Account.objects.exclude(pk=other.pk).get()
    assert account.email == "ada@example.edu"
    conflict = SyncConflict.objects.get()
    assert (conflict.account, conflict.field, conflict.value) == (
        account,
        "email",
        "taken@example.edu",
    )
    assert "another account" in conflict.reason


def test_row1_email_change_in_lms_maps_by_link_not_email(bridge_setup):
    launch(bridge_setup, sub="u1", email="first@example.edu")
    launch(bridge_setup, sub="u1", email="second@example.edu")
    assert Account.objects.count() == 1
    assert Account.objects.get().email == "second@example.edu"


def test_row2_anonymous_learner_gets_account_without_email(bridge_setup):
    page = launch(bridge_setup, sub="anon", name=None, email=None).content.decode()
    account = Account.objects.get()
    assert account.email is None and account.name == ""
    assert not is_password_usable(account.password)
    assert f"Anonymous learner {account.pk}" in page


def test_row3_unknown_email_creates_account_with_it(bridge_setup):
    launch(bridge_setup, sub="u3", email="New.Person@Example.edu ")
    account = Account.objects.get()
    assert account.email == "new.person@example.edu"
    assert not is_password_usable(account.password)
    assert Link.objects.get().account == account
    assert OrgMembership.objects.filter(account=account).exists()


def test_row4_learner_with_taken_email_gets_a_new_account(bridge_setup):
    existing = Account.objects.create(email="ada@example.edu", name="Existing")
    launch(bridge_setup, sub="u4", email="ADA@example.edu")
    new = Account.objects.exclude(pk=existing.pk).get()
    assert new.email is None and new.contact_email == "ada@example.edu"
    assert Link.objects.get().account == new


@pytest.mark.parametrize("role", [INSTRUCTOR, MENTOR])
def test_row5_staff_with_email_of_a_member_is_linked(bridge_setup, role):
    existing = Account.objects.create(email="grace@example.edu", name="Grace")
    OrgMembership.objects.create(
        organization=bridge_setup.registration.organization, account=existing
    )
    launch(bridge_setup, sub="t5", email="grace@example.edu", **{LTI + "roles": [role]})
    assert Account.objects.count() == 1
    assert Link.objects.get().account == existing


def test_learners_link_by_verified_email_when_the_organization_says_so(bridge_setup):
    org = bridge_setup.registration.organization
    org.learner_email_policy = Organization.EmailPolicy.VERIFIED_EMAIL
    org.save()
    member = Account.objects.create(email="member@example.edu")
    OrgMembership.objects.create(organization=org, account=member)
    launch(bridge_setup, sub="l1", email="member@example.edu")
    assert Link.objects.get(sub="l1").account == member  # row 5 for a learner
    Account.objects.create(email="outsider@example.edu")
    page = launch(bridge_setup, sub="l2", email="outsider@example.edu").content.decode()
    assert 'data-testid="check-email"' in page  # row 6 for a learner
    assert not Link.objects.filter(sub="l2").exists()


def test_invalid_email_claim_is_treated_as_absent(bridge_setup):
    launch(bridge_setup, sub="u", email="not-an-address")
    assert Account.objects.get().email is None


def test_two_platforms_with_the_same_sub_get_two_accounts(bridge_setup):
    from lti_bridge.models import Deployment, Registration

    other = Registration.objects.create(
        organization=bridge_setup.registration.organization,
        name="Moodle",
        issuer="https://moodle.example.edu",
        client_id="m-1",
        auth_login_url="https://moodle.example.edu/auth",
    )
    Deployment.objects.create(registration=other, deployment_id="d1")
    moodle = ScriptedPlatform(other, client=bridge_setup.client)
    other.key_set = moodle.public_jwks()
    other.save()
    launch(bridge_setup, sub="same", email=None)
    launch(moodle, sub="same", email=None)
    assert Account.objects.count() == 2
    assert Link.objects.values("registration").distinct().count() == 2


def test_same_person_in_two_courses_is_one_account(bridge_setup):
    launch(bridge_setup, sub="p", **{LTI + "context": {"id": "course-A", "title": "A"}})
    launch(
        bridge_setup,
        sub="p",
        **{
            LTI + "context": {"id": "course-B", "title": "B"},
            LTI + "resource_link": {"id": "rl-B", "title": "B1"},
        },
    )
    assert Account.objects.count() == 1
    assert Classroom.objects.count() == 2
    assert ClassMembership.objects.count() == 2


def test_trial_organization_creates_no_account(bridge_setup):
    org = bridge_setup.registration.organization
    org.trial = True
    org.save()
    response = bridge_setup.full_launch(sub="t")
    assert response.status_code == 403
    assert "trial" in response.content.decode()
    assert (Account.objects.count(), Link.objects.count(), Classroom.objects.count()) == (0, 0, 0)


def test_trial_organization_still_lets_linked_accounts_in(bridge_setup):
    launch(bridge_setup, sub="known")
    org = bridge_setup.registration.organization
    org.trial = True
    org.save()
    launch(bridge_setup, sub="known")
    assert Account.objects.count() == 1


def test_names_with_markup_and_control_characters_are_stored_safely_and_escaped(bridge_setup):
    name = "<script>alert('x')</script>\x00\u202e Eve" + "e" * 500
    page = launch(bridge_setup, sub="x", name=name).content.decode()
    account = Account.objects.get()
    assert "\x00" not in account.name and "\u202e" not in account.name
    assert len(account.name) <= 255
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_oversized_email_is_absent(bridge_setup):
    launch(bridge_setup, sub="x", email="a" * 300 + "@example.edu")
    assert Account.objects.get().email is None
