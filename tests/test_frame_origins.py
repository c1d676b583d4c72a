"""Who may frame the pages that load inside the unit's frame (issue 33, item 1). In Open edX
the learner's unit is the LMS's ``render_xblock`` page in an iframe of the Learning MFE,
another origin; browsers check X-Frame-Options and CSP ``frame-ancestors`` against every
ancestor. The platform's auth step and the bridge's pages must allow the LMS and the MFE,
and nobody else."""

import io
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from lti_bridge.models import Registration
from tests.support import path_of, query

pytestmark = pytest.mark.django_db
MFE = "https://apps.lms.example.edu"


def frame_ancestors(response):
    csp = response.get("Content-Security-Policy", "")
    found = re.search(r"frame-ancestors ([^;]*)", csp)
    return found[1].split() if found else None


def auth_request(client):
    page = client.get("/scenario/codio_unit.1/").content.decode()
    handler = re.findall(r'src="([^"]*/handler/[^"]*/launch/[^"]*)"', page)[0]
    login = client.get(unescape(handler))
    tool_login = client.get(path_of(login["Location"]) + "&lti1p3_new_window=1")
    return path_of(tool_login["Location"]), query(tool_login["Location"])


def test_the_platforms_auth_step_allows_the_lms_and_the_learning_mfe(as_user, settings):
    settings.LEARNING_MICROFRONTEND_URL = MFE + "/learning"
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "FRAME_ANCESTORS": ["https://x.test:8443"]}
    learner = as_user("learner")
    path, _params = auth_request(learner)
    response = learner.get(path)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response  # SAMEORIGIN would refuse it under the MFE
    assert frame_ancestors(response) == ["'self'", MFE, "https://x.test:8443"]
    # A refused auth request shows its reason inside the same frame.
    refused = learner.get("/codio/lti/v1/auth?response_type=id_token")
    assert refused.status_code == 400
    assert "X-Frame-Options" not in refused
    assert frame_ancestors(refused) == ["'self'", MFE, "https://x.test:8443"]


def test_without_an_mfe_only_the_lms_frames_the_auth_step(as_user, settings):
    settings.LEARNING_MICROFRONTEND_URL = None  # edx-platform's default
    learner = as_user("learner")
    path, _params = auth_request(learner)
    assert frame_ancestors(learner.get(path)) == ["'self'"]


def test_the_bridges_pages_allow_the_lms_and_the_origins_its_registration_names(bridge_setup):
    registration = bridge_setup.registration
    registration.frame_origins = f"{MFE}\nhttps://other.example.edu:8443/"
    registration.full_clean(exclude=["key_set", "refused_hosts"])
    registration.save()
    response = bridge_setup.full_launch()
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert frame_ancestors(response) == [
        "'self'",
        MFE,
        "https://lms.example.edu",
        "https://other.example.edu:8443",
    ]


@pytest.mark.parametrize(
    "value",
    ["https://apps.lms.example.edu/learning", "apps.lms.example.edu", "javascript:alert(1)", "*"],
)
def test_a_frame_origin_must_be_an_origin(bridge_setup, value):
    from django.core.exceptions import ValidationError

    registration = bridge_setup.registration
    registration.frame_origins = value
    with pytest.raises(ValidationError) as error:
        registration.full_clean(exclude=["key_set", "refused_hosts"])
    assert "frame_origins" in error.value.message_dict


def test_the_register_command_refuses_a_frame_origin_with_a_path(db):
    with pytest.raises(CommandError, match="not an origin"):
        call_command(
            "lti_bridge_register_platform",
            organization="o",
            name="LMS",
            issuer="https://lms.example.edu",
            client_id="c",
            auth_login_url="https://lms.example.edu/auth",
            key_set_url="https://lms.example.edu/jwks",
            frame_origin=["https://apps.lms.example.edu/learning"],
            stdout=io.StringIO(),
        )
    assert not Registration.objects.exists()


def test_the_built_in_bridge_is_framed_by_the_learning_mfe_open_edx_names(db):
    with override_settings(LEARNING_MICROFRONTEND_URL=MFE + "/learning"):
        call_command(
            "codio_register_builtin_bridge",
            base_url="https://lms.example.edu",
            organization="o",
            stdout=io.StringIO(),
        )
    registration = Registration.objects.get(issuer="https://lms.example.edu")
    assert registration.frame_origin_list() == [MFE]
    # Another MFE origin later: running the command again (Tutor's do init) follows it.
    with override_settings(LEARNING_MICROFRONTEND_URL="https://learn.example.edu/learning"):
        call_command(
            "codio_register_builtin_bridge",
            base_url="https://lms.example.edu",
            organization="o",
            stdout=io.StringIO(),
        )
    registration.refresh_from_db()
    assert registration.frame_origin_list() == ["https://learn.example.edu"]


def test_the_built_in_bridge_may_be_reached_under_another_name(db):
    from codio_xblock.models import ToolRegistration

    call_command(
        "codio_register_builtin_bridge",
        base_url="https://lms.example.edu",
        tool_url="https://codio.lms.example.edu",
        organization="o",
        stdout=io.StringIO(),
    )
    tool = ToolRegistration.objects.get(slug="lti_bridge")
    assert tool.oidc_login_url == "https://codio.lms.example.edu/lti-bridge/lti/login"
    registration = Registration.objects.get(issuer="https://lms.example.edu")
    assert registration.auth_login_url == "https://lms.example.edu/codio/lti/v1/auth"
