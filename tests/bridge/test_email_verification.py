"""Row 6: staff whose email belongs to an account outside the organization verify it by a
one-time, expiring link sent by a Celery task through Django's email backend."""

import re
from datetime import timedelta

import pytest
from celery import current_app
from django.core import mail, signing
from django.utils import timezone

from lti_bridge.flows import email_verification
from lti_bridge.models import ClassMembership, EmailVerification, Link, OrgMembership
from tests.support import INSTRUCTOR, LTI, path_of

pytestmark = [
    pytest.mark.bridge_alone,
    pytest.mark.django_db(transaction=True),  # mails go out on commit
]


@pytest.fixture
def outsider(bridge_setup):
    from lti_bridge.models import Account

    return Account.objects.create(email="grace.hopper@example.edu", name="Grace")


def staff_launch(platform, sub="t6"):
    return platform.full_launch(
        sub=sub, email="Grace.Hopper@example.edu", **{LTI + "roles": [INSTRUCTOR]}
    )


def mailed_link():
    assert len(mail.outbox) == 1
    return re.search(r"http://codio\.test(/lti-bridge/verify/[^\s]+/)", mail.outbox[0].body).group(
        1
    )


def test_check_your_email_page_names_the_masked_address_and_links_nothing(bridge_setup, outsider):
    response = staff_launch(bridge_setup)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="check-email"' in page
    assert "g***r@example.edu" in page and "grace.hopper@example.edu" not in page
    assert not Link.objects.exists()
    assert not OrgMembership.objects.filter(account=outsider).exists()
    assert mail.outbox[0].to == ["grace.hopper@example.edu"]
    assert "lti_bridge.send_verification_email" in current_app.tasks


def test_following_the_link_links_joins_and_continues_into_the_unit(bridge_setup, outsider):
    staff_launch(bridge_setup)
    path = mailed_link()
    confirm_page = bridge_setup.client.get(path)
    assert confirm_page.status_code == 200
    assert not Link.objects.exists()  # a GET (a mail scanner) spends nothing
    response = bridge_setup.client.post(path)
    assert response.status_code == 200
    assert 'data-testid="teacher-view"' in response.content.decode()
    assert Link.objects.get().account == outsider
    assert OrgMembership.objects.filter(account=outsider).exists()
    assert ClassMembership.objects.get(account=outsider).role == "teacher"
    # the next launch signs straight in (row 1)
    assert 'data-testid="teacher-view"' in staff_launch(bridge_setup).content.decode()


def test_link_is_single_use(bridge_setup, outsider):
    staff_launch(bridge_setup)
    path = mailed_link()
    assert bridge_setup.client.post(path).status_code == 200
    again = bridge_setup.client.post(path)
    assert again.status_code == 400
    assert "already used" in again.content.decode()


def test_expired_link_is_refused(bridge_setup, outsider):
    staff_launch(bridge_setup)
    path = mailed_link()
    EmailVerification.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = bridge_setup.client.post(path)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not Link.objects.exists()


def test_link_past_the_signature_lifetime_is_refused(bridge_setup, outsider, monkeypatch):
    staff_launch(bridge_setup)
    path = mailed_link()
    monkeypatch.setattr(email_verification, "LIFETIME", timedelta(seconds=-1))
    assert "expired" in bridge_setup.client.get(path).content.decode()


def test_forged_link_is_refused(bridge_setup, outsider):
    staff_launch(bridge_setup)
    forged = signing.dumps({"v": EmailVerification.objects.get().pk}, salt="another-salt")
    response = bridge_setup.client.post(f"/lti-bridge/verify/{forged}/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not Link.objects.exists()


def test_confirm_needs_csrf(bridge_setup, outsider):
    from django.test import Client

    staff_launch(bridge_setup)
    response = Client(enforce_csrf_checks=True).post(mailed_link())
    assert response.status_code == 403
    assert not Link.objects.exists()


def test_relaunching_within_a_minute_sends_no_second_mail(bridge_setup, outsider):
    staff_launch(bridge_setup)
    staff_launch(bridge_setup)
    assert len(mail.outbox) == 1
    assert EmailVerification.objects.count() == 1


def test_mail_is_in_the_launch_language(bridge_setup, outsider):
    bridge_setup.full_launch(
        sub="t6",
        email="grace.hopper@example.edu",
        **{
            LTI + "roles": [INSTRUCTOR],
            LTI + "launch_presentation": {"locale": "es", "document_target": "iframe"},
        },
    )
    assert path_of(mailed_link())
    assert mail.outbox[0].subject == "Confirme su correo para abrir su unidad de Codio"


def test_mask():
    assert email_verification.mask("grace.hopper@example.edu") == "g***r@example.edu"
    assert email_verification.mask("a@example.edu") == "a***@example.edu"
