"""Filter learners for mentors: mentees from the role_scope_mentor claim, Codio's custom
parameter codio_custom_mentor_for, and teachers (UI and the JSON API)."""

import json

import pytest
from django.test import Client

from lti_bridge.models import Classroom, MentorScope
from tests.support import INSTRUCTOR, LEARNER, LTI, BridgeClient, ScriptedPlatform

pytestmark = pytest.mark.django_db
MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"


def person(platform):
    return ScriptedPlatform(
        platform.registration, client=BridgeClient(), private_pem=platform.private_pem
    )


def launch(who, sub, roles, **claims):
    response = who.full_launch(
        sub=sub, email=f"{sub}@example.edu", name=sub.title(), **{LTI + "roles": roles}, **claims
    )
    assert response.status_code == 200
    return response


def visible(client, classroom):
    page = client.get(f"/lti-bridge/classes/{classroom.pk}/").content.decode()
    return {name for name in ("Ann", "Bob", "Cat") if f"<li>{name}</li>" in page}


@pytest.fixture
def filtered(bridge_setup):
    for sub in ("ann", "bob"):
        launch(person(bridge_setup), sub, [LEARNER])
    classroom = Classroom.objects.get()
    classroom.filter_learners_for_mentors = True
    classroom.save()
    return bridge_setup, classroom


def test_custom_parameter_names_mentees_by_email_or_lms_id(filtered):
    platform, classroom = filtered
    mentor = person(platform)
    launch(
        mentor,
        "mentor",
        [MENTOR],
        **{
            LTI + "custom": {
                "codio_unit": "hello-python",
                "codio_custom_mentor_for": " BOB@example.edu , nobody",
            }
        },
    )
    assert visible(mentor.client, classroom) == {"Bob"}
    launch(
        mentor,
        "mentor",
        [MENTOR],
        **{LTI + "custom": {"codio_unit": "hello-python", "codio_custom_mentor_for": "ann"}},
    )
    assert visible(mentor.client, classroom) == {"Ann"}  # the LMS's latest word replaces


def test_scopes_naming_learners_not_launched_yet_apply_at_their_first_launch(filtered):
    platform, classroom = filtered
    mentor = person(platform)
    launch(mentor, "mentor", [MENTOR], **{LTI + "role_scope_mentor": ["cat"]})
    assert visible(mentor.client, classroom) == set()
    launch(person(platform), "cat", [LEARNER])
    assert visible(mentor.client, classroom) == {"Cat"}


def test_teachers_set_scopes_through_the_api(filtered):
    platform, classroom = filtered
    mentor = person(platform)
    launch(mentor, "mentor", [MENTOR])
    teacher = person(platform)
    launch(teacher, "teacher", [INSTRUCTOR])
    teacher.client.get(f"/lti-bridge/classes/{classroom.pk}/")
    url = f"/lti-bridge/api/v1/classes/{classroom.pk}/mentors"
    body = [{"mentorId": "mentor@example.edu", "learnerIds": ["ann", "cat@example.edu"]}]
    response = teacher.client.put(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert response.json() == [
        {"mentorId": "mentor@example.edu", "learnerIds": ["ann", "cat@example.edu"]}
    ]
    assert visible(mentor.client, classroom) == {"Ann"}
    launch(person(platform), "cat", [LEARNER])
    assert visible(mentor.client, classroom) == {"Ann", "Cat"}
    assert teacher.client.get(url).json() == response.json()


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
    platform, classroom = filtered
    launch(person(platform), "mentor", [MENTOR])
    teacher = person(platform)
    launch(teacher, "teacher", [INSTRUCTOR])
    data = body if isinstance(body, str) else json.dumps(body)
    response = teacher.client.put(
        f"/lti-bridge/api/v1/classes/{classroom.pk}/mentors", data, content_type="application/json"
    )
    assert response.status_code == 400
    assert words in response.json()["error"]
    assert not MentorScope.objects.filter(source="teacher").exists()


def test_api_put_needs_csrf(filtered):
    platform, classroom = filtered
    teacher = person(platform)
    teacher.client = Client(enforce_csrf_checks=True)
    launch(teacher, "teacher", [INSTRUCTOR])
    response = teacher.client.put(
        f"/lti-bridge/api/v1/classes/{classroom.pk}/mentors", "[]", content_type="application/json"
    )
    assert response.status_code == 403


def test_teachers_set_scopes_in_the_ui(filtered, settings):
    """The Mentors page: a grid of learners (a page at a time) by mentors. Saving a page
    changes only that page's learners; what the LMS sends is shown and left alone; people
    named before their first launch stay named."""
    from lti_bridge.models import Account

    platform, classroom = filtered
    mentor = person(platform)
    launch(mentor, "mentor", [MENTOR], **{LTI + "role_scope_mentor": ["ann"]})
    teacher = person(platform)
    launch(teacher, "teacher", [INSTRUCTOR])
    MentorScope.objects.create(  # named by a teacher before their first launch
        classroom=classroom,
        mentor=Account.objects.get(name="Mentor"),
        source="teacher",
        learner_ref="cat@example.edu",
    )
    ann, bob = Account.objects.get(name="Ann"), Account.objects.get(name="Bob")
    the_mentor = Account.objects.get(name="Mentor")
    url = f"/lti-bridge/classes/{classroom.pk}/mentors/"
    page = teacher.client.get(url).content.decode()
    assert f'name="scope" value="{the_mentor.pk}:{bob.pk}"' in page
    assert page.count('data-testid="from-lms"') == 1  # ann, from the claim
    assert visible(mentor.client, classroom) == {"Ann"}

    saved = teacher.client.post(
        url, {"learner": [ann.pk, bob.pk], "scope": [f"{the_mentor.pk}:{bob.pk}"], "page": "1"}
    )
    assert saved.status_code == 302 and saved["Location"].endswith("?page=1")
    assert visible(mentor.client, classroom) == {"Ann", "Bob"}
    refs = set(MentorScope.objects.filter(source="teacher").values_list("learner_ref", flat=True))
    assert refs == {"bob", "cat@example.edu"}  # by LMS user id; the early name is kept

    # a page holding only Bob: unticking him leaves Ann's and the others alone
    teacher.client.post(url, {"learner": [bob.pk], "page": "2"})
    assert visible(mentor.client, classroom) == {"Ann"}
    assert set(MentorScope.objects.values_list("learner_ref", flat=True)) == {
        "ann",
        "cat@example.edu",
    }

    # ids outside the class and junk are ignored
    teacher.client.post(url, {"learner": ["999999", "x"], "scope": ["1:999999", "a:b", ":"]})
    assert set(MentorScope.objects.values_list("learner_ref", flat=True)) == {
        "ann",
        "cat@example.edu",
    }

    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "PAGE_SIZE": 1}
    first = teacher.client.get(url).content.decode()
    assert first.count('type="hidden" name="learner"') == 1 and "Page 1 of 2" in first


def test_the_mentors_page_says_when_there_is_no_mentor(filtered):
    platform, classroom = filtered
    teacher = person(platform)
    launch(teacher, "teacher", [INSTRUCTOR])
    page = teacher.client.get(f"/lti-bridge/classes/{classroom.pk}/mentors/").content.decode()
    assert 'data-testid="no-mentors"' in page
