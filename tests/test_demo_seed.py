"""The demo on any PORT or URL: the seed registers both sides at the demo's URL, and seeding
again at another one moves the registrations (no stale second registration)."""

import subprocess

import pytest

from codio_xblock.models import ToolRegistration
from demo.seed import seed
from lti_bridge.models import Classroom, Organization, Registration

pytestmark = pytest.mark.django_db


def urls():
    tool = ToolRegistration.objects.get(slug="lti_bridge")
    (registration,) = Registration.objects.filter(enabled=True)
    return tool, registration


def test_seeding_at_another_port_moves_both_registrations():
    seed("http://localhost:8000")
    tool, registration = urls()
    classroom = Classroom.objects.create(
        organization=registration.organization, registration=registration, context_id="c1"
    )
    seed("http://localhost:8100")
    tool, moved = urls()
    assert moved.pk == registration.pk and moved.issuer == "http://localhost:8100"
    assert moved.auth_login_url == "http://localhost:8100/codio/lti/v1/auth"
    assert moved.key_set_url == "http://localhost:8100/codio/lti/v1/jwks"
    assert tool.launch_url == "http://localhost:8100/lti-bridge/lti/launch"
    assert tool.redirect_uri_list() == ["http://localhost:8100/lti-bridge/lti/launch"]
    assert Registration.objects.count() == 1
    classroom.refresh_from_db()
    assert classroom.registration_id == moved.pk  # the class stays with its LMS


def test_a_stale_registration_left_by_earlier_seeds_is_removed():
    seed("http://localhost:8000")
    _tool, registration = urls()
    Registration.objects.create(  # what seeds before the fix left behind
        organization=Organization.objects.get(slug="demo-university"),
        name="Open edX demo",
        issuer="http://localhost:8100",
        client_id=registration.client_id,
        auth_login_url="http://localhost:8100/codio/lti/v1/auth",
    )
    seed("http://localhost:8000")
    assert list(Registration.objects.values_list("issuer", flat=True)) == ["http://localhost:8000"]


def test_make_demo_seeds_and_serves_at_the_same_url():
    plan = subprocess.run(
        ["make", "-n", "demo", "PORT=8100", "VENV=/nonexistent"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (
        "CODIO_DEMO_BASE_URL=http://localhost:8100 /nonexistent/bin/python manage.py seed_demo"
        in plan
    )
    assert (
        "CODIO_DEMO_BASE_URL=http://localhost:8100 /nonexistent/bin/python manage.py serve_demo "
        "--host 127.0.0.1 --port 8100" in plan
    )
