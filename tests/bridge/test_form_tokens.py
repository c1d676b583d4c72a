"""Framed forms carry the bridge session's token instead of relying on Django's CSRF cookie,
which a cross-site iframe does not send (issue 11, item 8)."""

import json

import pytest
from django.test import Client

from lti_bridge.forms_token import FIELD, HEADER, token_for
from lti_bridge.models import Account, ResourceLink, Work
from lti_bridge.session import COOKIE
from tests.support import INSTRUCTOR, LEARNER, LTI

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_and_work(bridge_setup):
    bridge_setup.full_launch(sub="ada", email="ada@example.edu", **{LTI + "roles": [LEARNER]})
    bridge_setup.client = Client(enforce_csrf_checks=True)  # as a browser: CSRF enforced
    response = bridge_setup.full_launch(
        sub="t", email="t@example.edu", **{LTI + "roles": [INSTRUCTOR]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    return bridge_setup.client, Work.objects.get(), page


def grade_url(work):
    return f"/lti-bridge/units/{work.resource_link_id}/learners/{work.account_id}/grade/"


def test_the_teacher_view_forms_carry_the_session_token(teacher_and_work):
    client, work, page = teacher_and_work
    token = token_for(type("R", (), {"COOKIES": {COOKIE: client.cookies[COOKIE].value}}))
    assert f'name="{FIELD}" value="{token}"' in page
    assert "csrfmiddlewaretoken" not in page


def test_a_framed_form_works_without_the_csrf_cookie(teacher_and_work):
    client, work, page = teacher_and_work
    assert "csrftoken" not in client.cookies  # never set: only the bridge's session cookie
    token = page.split(f'name="{FIELD}" value="')[1].split('"')[0]
    response = client.post(grade_url(work), {"points": "70", FIELD: token})
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.points == 70


@pytest.mark.parametrize("token", ["", "forged", None])
def test_without_the_token_nothing_happens(teacher_and_work, token):
    client, work, _ = teacher_and_work
    data = {"points": "70"} if token is None else {"points": "70", FIELD: token}
    response = client.post(grade_url(work), data)
    assert response.status_code == 403 and "expired" in response.content.decode()
    work.refresh_from_db()
    assert work.points is None


def test_a_token_of_another_session_is_refused(teacher_and_work, bridge_setup):
    client, work, _ = teacher_and_work
    other = Client(enforce_csrf_checks=True)
    bridge_setup.client = other
    bridge_setup.full_launch(sub="t2", email="t2@example.edu", **{LTI + "roles": [INSTRUCTOR]})
    stolen = token_for(type("R", (), {"COOKIES": {COOKIE: other.cookies[COOKIE].value}}))
    response = client.post(grade_url(work), {"points": "70", FIELD: stolen})
    assert response.status_code == 403


def test_the_json_api_takes_the_token_in_a_header(teacher_and_work):
    client, work, page = teacher_and_work
    token = page.split(f'name="{FIELD}" value="')[1].split('"')[0]
    classroom = ResourceLink.objects.get().classroom_id
    url = f"/lti-bridge/api/v1/classes/{classroom}/mentors"
    body = json.dumps([])
    assert client.put(url, body, content_type="application/json").status_code == 403
    response = client.put(
        url,
        body,
        content_type="application/json",
        **{"HTTP_" + HEADER.upper().replace("-", "_"): token},
    )
    assert response.status_code == 200
    assert Account.objects.count() == 2
