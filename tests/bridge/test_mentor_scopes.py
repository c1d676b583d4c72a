"""Filter learners for mentors: mentees from the role_scope_mentor claim, Codio's custom
parameter codio_custom_mentor_for, and teachers (UI and the JSON API)."""

import json

import pytest
from django.test import Client

from lti_bridge.models import Classroom, MentorScope
from tests.support import INSTRUCTOR, LEARNER, LTI

pytestmark = pytest.mark.django_db
MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"


def visible(client, classroom):
    page = client.get(f"/lti-bridge/classes/{classroom.pk}/").content.decode()
    return {name for name in ("Ann", "Bob", "Cat") if f"<li>{name}</li>" in page}


@pytest.fixture
def filtered(launch_as):
    for sub in ("ann", "bob"):
        launch_as(sub, [LEARNER])
    classroom = Classroom.objects.get()
    classroom.filter_learners_for_mentors = True
    classroom.save()
    return launch_as, classroom


def test_custom_parameter_names_mentees_by_email_or_lms_id(filtered):
    launch_as, classroom = filtered
    mentor = launch_as(
        "mentor",
        [MENTOR],
        **{
            LTI + "custom": {
                "codio_unit": "hello-python",
                "codio_custom_mentor_for": " BOB@example.edu , nobody",
            }
        },
    )
    assert visible(mentor, classroom) == {"Bob"}
    launch_as(
        "mentor",
        [MENTOR],
        **{LTI + "custom": {"codio_unit": "hello-python", "codio_custom_mentor_for": "ann"}},
    )
    assert visible(mentor, classroom) == {"Ann"}  # the LMS's latest word replaces


def test_scopes_naming_learners_not_launched_yet_apply_at_their_first_launch(filtered):
    launch_as, classroom = filtered
    mentor = launch_as("mentor", [MENTOR], **{LTI + "role_scope_mentor": ["cat"]})
    assert visible(mentor, classroom) == set()
    launch_as("cat", [LEARNER])
    assert visible(mentor, classroom) == {"Cat"}


def test_teachers_set_scopes_through_the_api(filtered):
    launch_as, classroom = filtered
    mentor = launch_as("mentor", [MENTOR])
    teacher = launch_as("teacher", [INSTRUCTOR])
    teacher.get(f"/lti-bridge/classes/{classroom.pk}/")
    url = f"/lti-bridge/api/v1/classes/{classroom.pk}/mentors"
    body = [{"mentorId": "mentor@example.edu", "learnerIds": ["ann", "cat@example.edu"]}]
    response = teacher.put(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert response.json() == [
        {"mentorId": "mentor@example.edu", "learnerIds": ["ann", "cat@example.edu"]}
    ]
    assert visible(mentor, classroom) == {"Ann"}
    launch_as("cat", [LEARNER])
    assert visible(mentor, classroom) == {"Ann", "Cat"}
    assert teacher.get(url).json() == response.json()


@pytest.mark.parametrize(
    "body, words",
    [
        ({"mentorId": "x"}, "expected a list"),
        ([{"mentorId": "mentor@example.edu"}], "learnerIds"),
        ([{"mentorId": "ghost@example.edu", "learnerIds": []}], "not a mentor of this class"),
        ([{"mentorId": "mentor@example.edu", "learnerIds": [5]}], "not an email or an LMS user id"),
        ("not json", "the body is not JSON: send a list of"),
    ],
)
def test_api_refuses_bad_mappings_and_changes_nothing(filtered, body, words):
    launch_as, classroom = filtered
    launch_as("mentor", [MENTOR])
    teacher = launch_as("teacher", [INSTRUCTOR])
    data = body if isinstance(body, str) else json.dumps(body)
    response = teacher.put(
        f"/lti-bridge/api/v1/classes/{classroom.pk}/mentors", data, content_type="application/json"
    )
    assert response.status_code == 400
    assert words in response.json()["error"]
    assert not MentorScope.objects.filter(source="teacher").exists()


def test_api_put_needs_csrf(filtered):
    launch_as, classroom = filtered
    teacher = launch_as("teacher", [INSTRUCTOR], browser=Client(enforce_csrf_checks=True))
    response = teacher.put(
        f"/lti-bridge/api/v1/classes/{classroom.pk}/mentors", "[]", content_type="application/json"
    )
    assert response.status_code == 403


def test_teachers_set_scopes_in_the_ui(filtered, settings):
    """The Mentors page: a grid of learners (a page at a time) by mentors. Saving a page
    changes only that page's learners; what the LMS sends is shown and left alone; people
    named before their first launch stay named."""
    from lti_bridge.models import Account

    launch_as, classroom = filtered
    mentor = launch_as("mentor", [MENTOR], **{LTI + "role_scope_mentor": ["ann"]})
    teacher = launch_as("teacher", [INSTRUCTOR])
    MentorScope.objects.create(  # named by a teacher before their first launch
        classroom=classroom,
        mentor=Account.objects.get(name="Mentor"),
        source="teacher",
        learner_ref="cat@example.edu",
    )
    ann, bob = Account.objects.get(name="Ann"), Account.objects.get(name="Bob")
    the_mentor = Account.objects.get(name="Mentor")
    url = f"/lti-bridge/classes/{classroom.pk}/mentors/"
    page = teacher.get(url).content.decode()
    assert f'name="scope" value="{the_mentor.pk}:{bob.pk}"' in page
    assert page.count('data-testid="from-lms"') == 1  # ann, from the claim
    assert visible(mentor, classroom) == {"Ann"}

    saved = teacher.post(
        url, {"learner": [ann.pk, bob.pk], "scope": [f"{the_mentor.pk}:{bob.pk}"], "page": "1"}
    )
    assert saved.status_code == 302 and saved["Location"].endswith("?page=1")
    assert visible(mentor, classroom) == {"Ann", "Bob"}
    refs = set(MentorScope.objects.filter(source="teacher").values_list("learner_ref", flat=True))
    assert refs == {"bob", "cat@example.edu"}  # by LMS user id; the early name is kept

    # a page holding only Bob: unticking him leaves Ann's and the others alone
    teacher.post(url, {"learner": [bob.pk], "page": "2"})
    assert visible(mentor, classroom) == {"Ann"}
    assert set(MentorScope.objects.values_list("learner_ref", flat=True)) == {
        "ann",
        "cat@example.edu",
    }

    # ids outside the class and junk are ignored
    teacher.post(url, {"learner": ["999999", "x"], "scope": ["1:999999", "a:b", ":"]})
    assert set(MentorScope.objects.values_list("learner_ref", flat=True)) == {
        "ann",
        "cat@example.edu",
    }

    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "PAGE_SIZE": 1}
    first = teacher.get(url).content.decode()
    assert first.count('type="hidden" name="learner"') == 1 and "Page 1 of 2" in first


def test_the_mentors_page_says_when_there_is_no_mentor(filtered):
    launch_as, classroom = filtered
    teacher = launch_as("teacher", [INSTRUCTOR])
    page = teacher.get(f"/lti-bridge/classes/{classroom.pk}/mentors/").content.decode()
    assert 'data-testid="no-mentors"' in page
