"""Classes made from an LMS course take no invitations or join links."""

import pytest
from django.core.exceptions import ValidationError

from lti_bridge.models import Classroom

pytestmark = pytest.mark.django_db


def test_server_refuses_join_links(bridge_setup):
    assert bridge_setup.full_launch().status_code == 200
    classroom = Classroom.objects.get()
    classroom.join_token = "tok"
    classroom.invitations_enabled = True
    classroom.save()
    classroom.refresh_from_db()
    assert (classroom.invitations_enabled, classroom.join_token) == (False, None)
    response = bridge_setup.client.post("/lti-bridge/classes/join/tok/")
    assert response.status_code == 403
    assert "open a Codio unit from that course" in response.content.decode()


def test_admin_form_cannot_enable_invitations(bridge_setup):
    bridge_setup.full_launch()
    classroom = Classroom.objects.get()
    classroom.invitations_enabled = True
    with pytest.raises(ValidationError):
        classroom.full_clean()


def test_teacher_view_says_invitations_are_off(bridge_setup):
    from tests.support import INSTRUCTOR, LTI

    page = bridge_setup.full_launch(**{LTI + "roles": [INSTRUCTOR]}).content.decode()
    assert "Invitations and join links are off" in page
    assert "Scripted LMS" in page
