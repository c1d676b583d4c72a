"""`manage.py lms codio_register_builtin_bridge`, which Tutor's `do init` runs: both sides of
the built-in bridge registered from the LMS's URL, and nothing lost or doubled when run
again, on the same URL or a new one."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from codio_xblock.models import ToolRegistration
from lti_bridge.models import Classroom, Deployment, Organization, Registration

pytestmark = pytest.mark.django_db

SCOPES = {
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
}


def register(**opts):
    out = io.StringIO()
    call_command("codio_register_builtin_bridge", stdout=out, **opts)
    return out.getvalue()


@override_settings(CODIO_XBLOCK={"PLATFORM_NAME": "Learn at Example"}, LMS_ROOT_URL="")
def test_registers_both_sides_from_the_lms_url():
    ToolRegistration.objects.filter(slug="lti_bridge").delete()
    with override_settings(LMS_ROOT_URL="https://lms.example.edu"):
        report = register(organization="example", organization_name="Example University")
    tool = ToolRegistration.objects.get(slug="lti_bridge")
    assert tool.oidc_login_url == "https://lms.example.edu/lti-bridge/lti/login"
    assert tool.launch_url == "https://lms.example.edu/lti-bridge/lti/launch"
    assert tool.keyset_url == "https://lms.example.edu/lti-bridge/lti/jwks"
    assert SCOPES <= set(tool.scope_list())
    registration = Registration.objects.get(issuer="https://lms.example.edu")
    assert registration.client_id == tool.client_id
    assert registration.name == "Learn at Example"
    assert registration.organization.name == "Example University"
    assert registration.auth_login_url == "https://lms.example.edu/codio/lti/v1/auth"
    assert registration.auth_token_url == "https://lms.example.edu/codio/lti/v1/token"
    assert registration.key_set_url == "https://lms.example.edu/codio/lti/v1/jwks"
    assert list(registration.deployments.values_list("deployment_id", flat=True)) == [
        tool.deployment_id
    ]
    assert tool.client_id in report and "https://lms.example.edu" in report


def test_running_again_changes_nothing_and_keeps_classes():
    register(base_url="https://lms.example.edu", organization="example")
    tool = ToolRegistration.objects.get(slug="lti_bridge")
    registration = Registration.objects.get(issuer="https://lms.example.edu")
    classroom = Classroom.objects.create(
        organization=registration.organization, registration=registration, context_id="c1"
    )
    register(base_url="https://lms.example.edu", organization="example")
    again = ToolRegistration.objects.get(slug="lti_bridge")
    assert (again.pk, again.client_id, again.deployment_id) == (
        tool.pk,
        tool.client_id,
        tool.deployment_id,
    )
    assert Registration.objects.filter(organization__slug="example").count() == 1
    assert Deployment.objects.filter(registration=registration).count() == 1
    classroom.refresh_from_db()
    assert classroom.registration_id == registration.pk


def test_a_new_lms_url_moves_the_registration_with_its_classes():
    register(base_url="http://local.openedx.io", organization="example")
    registration = Registration.objects.get(issuer="http://local.openedx.io")
    classroom = Classroom.objects.create(
        organization=registration.organization, registration=registration, context_id="c1"
    )
    register(base_url="https://lms.example.edu/", organization="example")
    (moved,) = Registration.objects.filter(organization__slug="example")
    assert moved.pk == registration.pk and moved.issuer == "https://lms.example.edu"
    assert moved.key_set_url == "https://lms.example.edu/codio/lti/v1/jwks"
    assert ToolRegistration.objects.get(slug="lti_bridge").launch_url == (
        "https://lms.example.edu/lti-bridge/lti/launch"
    )
    classroom.refresh_from_db()
    assert classroom.registration_id == moved.pk


def test_lti_id_field_is_set_only_when_given():
    register(base_url="https://lms.example.edu", organization="example", lti_id_field="sid")
    assert Organization.objects.get(slug="example").lti_id_field == "sid"
    register(base_url="https://lms.example.edu", organization="example")
    assert Organization.objects.get(slug="example").lti_id_field == "sid"


@pytest.mark.parametrize("url", ["lms.example.edu", "ftp://lms.example.edu", "javascript:x"])
def test_a_url_that_is_not_http_is_refused_and_nothing_is_written(url):
    before = (ToolRegistration.objects.count(), Registration.objects.count())
    with pytest.raises(CommandError, match="http"):
        register(base_url=url, organization="example")
    assert (ToolRegistration.objects.count(), Registration.objects.count()) == before
    assert not Organization.objects.filter(slug="example").exists()
