"""Admins see an account's links, organizations and sync conflicts, and can unlink."""

import pytest

from lti_bridge.models import Account, Link

pytestmark = [pytest.mark.bridge_alone, pytest.mark.django_db]


def test_account_page_shows_links_organizations_and_conflicts(bridge_setup, admin_client):
    Account.objects.create(email="taken@example.edu")
    bridge_setup.full_launch(sub="sub-42", email="ada@example.edu")
    bridge_setup.full_launch(sub="sub-42", email="taken@example.edu")
    account = Link.objects.get().account
    page = admin_client.get(f"/admin/lti_bridge/account/{account.pk}/change/").content.decode()
    assert "sub-42" in page and "Scripted LMS" in page
    assert "Org" in page
    assert "taken@example.edu" in page and "another account already has this email" in page


def test_unlinking_makes_the_next_launch_follow_the_table_again(bridge_setup, admin_client):
    bridge_setup.full_launch(sub="sub-1", email="ada@example.edu")
    account = Account.objects.get()
    link = Link.objects.get()
    prefix = "links"
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": str(link.pk),
        f"{prefix}-0-account": str(account.pk),
        f"{prefix}-0-DELETE": "on",
        "org_memberships-TOTAL_FORMS": "0",
        "org_memberships-INITIAL_FORMS": "0",
        "org_memberships-MIN_NUM_FORMS": "0",
        "org_memberships-MAX_NUM_FORMS": "1000",
        "sync_conflicts-TOTAL_FORMS": "0",
        "sync_conflicts-INITIAL_FORMS": "0",
        "sync_conflicts-MIN_NUM_FORMS": "0",
        "sync_conflicts-MAX_NUM_FORMS": "1000",
        "name": account.name,
        "email": account.email,
        "contact_email": "",
        "is_active": "on",
    }
    response = admin_client.post(f"/admin/lti_bridge/account/{account.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert not Link.objects.exists()
    # the next launch follows the table: the email is now taken by the old account (row 4)
    bridge_setup.full_launch(sub="sub-1", email="ada@example.edu")
    assert Account.objects.count() == 2
    assert Link.objects.get().account != account
