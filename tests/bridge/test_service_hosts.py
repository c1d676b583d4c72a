"""Per-registration service hosts (issue 11, item 6): Canvas and Blackboard serve AGS and
tokens from hosts other than those of the registration's URLs. Listed hosts are allowed,
everything else still refused, and each refusal shown to the admin."""

import io

import pytest
import responses
from django.core.management import call_command

from lti_bridge.http import OutboundError, check_url
from lti_bridge.models import GradeDelivery, Registration, ResourceLink
from tests.bridge.test_grade_delivery import graded_and_released, token_ok, unit  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

CANVAS_AGS = "https://school.instructure.com/api/lti/courses/1/line_items/7"


@responses.activate
def test_a_canvas_lineitem_on_the_institution_host_needs_a_service_host(unit):  # noqa: F811
    learner, teacher = unit
    token_ok()
    responses.post(CANVAS_AGS + "/scores", json={})
    work = learner("a")
    ResourceLink.objects.update(lineitem_url=CANVAS_AGS)
    delivery = graded_and_released(work, teacher)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and "service hosts" in delivery.last_error
    registration = Registration.objects.get()
    assert registration.refused_hosts["school.instructure.com"]["count"] >= 1
    assert not [c for c in responses.calls if "instructure" in c.request.url]  # never called

    registration.service_hosts = "*.instructure.com"
    registration.save()
    from lti_bridge.delivery import deliver

    assert deliver.retry(GradeDelivery.objects.filter(pk=delivery.pk)) == 1
    assert GradeDelivery.objects.get(pk=delivery.pk).state == "sent"


@pytest.mark.parametrize(
    "patterns, url, allowed",
    [
        ("lms.example.edu", "https://lms.example.edu/x", True),
        ("school.instructure.com", "https://school.instructure.com/api", True),
        ("*.instructure.com", "https://school.instructure.com/api", True),
        ("*.instructure.com", "https://instructure.com/api", False),
        ("*.instructure.com", "https://evilinstructure.com/api", False),
        ("*.instructure.com", "https://school.instructure.com.evil.example/api", False),
        ("school.instructure.com", "https://school.instructure.com:8443/api", False),
        ("school.instructure.com:8443", "https://school.instructure.com:8443/api", True),
        ("", "https://elsewhere.example/api", False),
    ],
)
def test_host_patterns(bridge_setup, patterns, url, allowed):
    registration = bridge_setup.registration
    registration.service_hosts = patterns
    registration.save()
    if allowed:
        check_url(url, registration)
    else:
        with pytest.raises(OutboundError):
            check_url(url, registration)


def test_the_admin_sees_refused_hosts_and_bad_patterns_are_refused(bridge_setup, django_user_model):
    from django.core.exceptions import ValidationError

    from tests.conftest import client_for

    registration = bridge_setup.registration
    with pytest.raises(OutboundError):
        check_url("https://other.example/scores", registration)
    operator = django_user_model.objects.create_superuser("op", "op@example.edu", "pw")
    page = client_for(operator).get(f"/admin/lti_bridge/registration/{registration.pk}/change/")
    assert "other.example" in page.content.decode()
    for bad in ("*", "*.com/x", "two words.example", "nodot"):
        registration.service_hosts = bad
        with pytest.raises(ValidationError):
            registration.full_clean(exclude=["key_set", "refused_hosts"])


def test_the_register_command_takes_service_hosts(db):
    out = io.StringIO()
    call_command(
        "lti_bridge_register_platform",
        "--organization=uni",
        "--name=Canvas",
        "--issuer=https://canvas.instructure.com",
        "--client-id=1000",
        "--auth-login-url=https://sso.canvaslms.com/api/lti/authorize_redirect",
        "--key-set-url=https://sso.canvaslms.com/api/lti/security/jwks",
        "--service-host=*.instructure.com",
        stdout=out,
    )
    assert Registration.objects.get().service_host_patterns() == ["*.instructure.com"]


def test_one_registrations_hosts_come_from_the_row_held(bridge_setup, django_assert_num_queries):
    """Issue 15: a delivery checked each of its requests' hosts with a query of its own."""
    from lti_bridge.http import check_url, registered_hosts

    registration = bridge_setup.registration
    with django_assert_num_queries(0):
        assert "lms.example.edu" in registered_hosts(registration)
        check_url("https://lms.example.edu/api/scores", registration)


def test_a_disabled_registration_has_no_hosts(bridge_setup):
    from lti_bridge.http import OutboundError, check_url, registered_hosts

    registration = bridge_setup.registration
    registration.enabled = False
    assert registered_hosts(registration) == set()
    with pytest.raises(OutboundError):
        check_url("https://lms.example.edu/api/scores", registration)
