"""The organization's "LTI Integrations" settings page: administrators only (from the LMS's
system or institution Administrator role, or appointed), validated, audited."""

import pytest
from django.test import Client

from lti_bridge.models import Classroom, Link, Organization, OrganizationChange, OrgMembership
from tests.support import INSTRUCTOR, LEARNER

pytestmark = pytest.mark.django_db
SYSTEM_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"
INSTITUTION_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
CONTEXT_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator"


@pytest.fixture
def lms(launch_as):
    def launch(sub, roles, context="course-1", custom=None, client=None):
        return launch_as(
            sub, roles, name=f"Person {sub}", context=context, custom=custom or {}, browser=client
        )

    launch.organization = launch_as.organization
    return launch


def url(organization):
    return f"/lti-bridge/organizations/{organization.pk}/lti-integrations/"


def test_only_organization_administrators_see_the_page(lms):
    org = lms.organization
    admin = lms("admin", [INSTRUCTOR, SYSTEM_ADMIN])
    page = admin.get(url(org))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Scripted LMS" in text and "https://lms.example.edu" in text and "client-1" in text
    assert "http://codio.test/lti-bridge/lti/login" in text
    assert (
        'data-testid="lti-integrations-link"'
        in admin.get(f"/lti-bridge/classes/{Classroom.objects.get().pk}/").content.decode()
    )
    # A course's own Administrator is a teacher of that class, not of the organization.
    teacher = lms("teacher", [INSTRUCTOR, CONTEXT_ADMIN])
    learner = lms("learner", [LEARNER])
    for client in (teacher, learner, Client()):
        assert client.get(url(org)).status_code == 404
        assert client.post(url(org), {"lti_id_field": "x"}).status_code == 404
    assert lms("inst", [INSTITUTION_ADMIN]).get(url(org)).status_code == 200
    other = Organization.objects.create(name="Other", slug="other")
    assert admin.get(url(other)).status_code == 404


def test_changes_are_validated_and_audited(lms):
    org = lms.organization
    admin = lms("admin", [SYSTEM_ADMIN])
    response = admin.post(
        url(org),
        {
            "lti_id_field": "student_number",
            "learner_email_policy": "verified_email",
            "release_automatically": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "It applies from each learner" in text and "Settings saved." in text
    org.refresh_from_db()
    assert (org.lti_id_field, org.learner_email_policy, org.release_automatically) == (
        "student_number",
        "verified_email",
        True,
    )
    changes = {c.field: c for c in OrganizationChange.objects.all()}
    assert set(changes) == {"lti_id_field", "learner_email_policy", "release_automatically"}
    change = changes["lti_id_field"]
    assert (change.changed_by.email, change.old_value, change.new_value) == (
        "admin@example.edu",
        "",
        "student_number",
    )
    assert changes["release_automatically"].new_value == "yes"
    assert "Learners link by verified email" in changes["learner_email_policy"].new_value
    audit = admin.get(url(org)).content.decode()
    assert "Person admin" in audit and "student_number" in audit

    # Saving the same values again records nothing.
    admin.post(
        url(org),
        {
            "lti_id_field": "student_number",
            "learner_email_policy": "verified_email",
            "release_automatically": "on",
        },
    )
    assert OrganizationChange.objects.count() == 3


@pytest.mark.parametrize(
    "values, field",
    [
        ({"lti_id_field": "student number"}, "lti_id_field"),
        ({"lti_id_field": "<script>alert(1)</script>"}, "lti_id_field"),
        ({"lti_id_field": "x" * 101}, "lti_id_field"),
        ({"learner_email_policy": "anything"}, "learner_email_policy"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(lms, values, field):
    org = lms.organization
    admin = lms("admin", [SYSTEM_ADMIN])
    data = {"lti_id_field": "", "learner_email_policy": "new_account", **values}
    response = admin.post(url(org), data)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.content.decode()
    org.refresh_from_db()
    assert org.lti_id_field == "" and org.learner_email_policy == "new_account"
    assert not OrganizationChange.objects.exists()


def test_settings_form_needs_the_csrf_token(lms):
    org = lms.organization
    admin = lms("admin", [SYSTEM_ADMIN], client=Client(enforce_csrf_checks=True))
    response = admin.post(url(org), {"lti_id_field": "sis", "learner_email_policy": "new_account"})
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.lti_id_field == ""


def test_renamed_field_is_shown_until_each_learner_launches_again(lms):
    org = lms.organization
    lms("s-1", [LEARNER], custom={"sis": "1"})
    lms("s-2", [LEARNER], custom={"sis": "2"})
    admin = lms("admin", [SYSTEM_ADMIN])
    admin.post(url(org), {"lti_id_field": "sis", "learner_email_policy": "new_account"})
    page = admin.get(url(org)).content.decode()
    assert "3 linked accounts still have an LTI ID from another field" in page
    lms("s-1", [LEARNER], custom={"sis": "1"})
    lms("admin", [SYSTEM_ADMIN])
    page = admin.get(url(org)).content.decode()
    assert "1 linked account still has an LTI ID from another field" in page
    assert Link.objects.get(sub="s-1").lti_id == "1"


def test_admin_right_follows_the_lms_unless_appointed(lms):
    org = lms.organization
    admin = lms("admin", [SYSTEM_ADMIN])
    lms("admin", [INSTRUCTOR])  # no longer an administrator in the LMS
    assert admin.get(url(org)).status_code == 404
    appointed = lms("boss", [INSTRUCTOR])
    OrgMembership.objects.filter(account__email="boss@example.edu").update(is_admin=True)
    lms("boss", [INSTRUCTOR])
    assert appointed.get(url(org)).status_code == 200


def test_release_default_applies_to_new_classes(lms):
    org = lms.organization
    lms("t", [INSTRUCTOR], context="before")
    org.release_automatically = True
    org.save()
    lms("t", [INSTRUCTOR], context="after")
    assert dict(Classroom.objects.values_list("context_id", "release_automatically")) == {
        "before": False,
        "after": True,
    }


def test_changes_made_in_the_django_admin_are_audited_too(lms, admin_client):
    org = lms.organization
    response = admin_client.post(
        f"/admin/lti_bridge/organization/{org.pk}/change/",
        {
            "name": org.name,
            "slug": org.slug,
            "learner_email_policy": "new_account",
            "lti_id_field": "sis_id",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    change = OrganizationChange.objects.get()
    assert (change.field, change.new_value, change.changed_by_name) == (
        "lti_id_field",
        "sis_id",
        "admin (Django admin)",
    )
