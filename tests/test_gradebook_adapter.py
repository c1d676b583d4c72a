"""The gradebook adapter writes to edx-submissions' tables, which Open edX's grades read."""

import pytest
from submissions import api as submissions_api

from codio_xblock import openedx

pytestmark = pytest.mark.django_db
COURSE = "course-v1:Test+Codio+2026"


def test_fractional_grade_round_trips_and_keeps_its_ratio_for_open_edx():
    openedx.publish_grade(
        usage_id="block-1", course_id=COURSE, user_key="7", earned=2.1875, possible=2.5
    )
    assert openedx.current_grade(usage_id="block-1", course_id=COURSE, user_key="7") == (
        2.1875,
        2.5,
    )
    # What the LMS grades app reads: whole points whose ratio is the grade.
    stored = submissions_api.get_score(
        {"student_id": "7", "course_id": COURSE, "item_id": "block-1", "item_type": "codio_unit"}
    )
    assert stored["points_earned"] / stored["points_possible"] == 0.875


def test_latest_grade_wins_and_zero_is_a_grade():
    for earned in (0.5, 0.0):
        openedx.publish_grade(
            usage_id="block-1", course_id=COURSE, user_key="7", earned=earned, possible=1
        )
    [row] = openedx.gradebook(COURSE)
    assert (row["user_key"], row["usage_id"], row["earned"], row["possible"]) == (
        "7",
        "block-1",
        0.0,
        1.0,
    )


def test_no_grade_and_other_courses_stay_apart():
    assert openedx.current_grade(usage_id="block-1", course_id=COURSE, user_key="7") is None
    openedx.publish_grade(
        usage_id="block-1", course_id="course-v1:Other+X+1", user_key="7", earned=1, possible=1
    )
    assert openedx.gradebook(COURSE) == []
    assert openedx.current_grade(usage_id="block-1", course_id=COURSE, user_key="7") is None


@pytest.fixture
def fake_openedx(monkeypatch):
    """Stand-ins for the two edx-platform names the grade path uses, so the adapter takes
    its Open edX branch: grades are filed under the learner's anonymous id for the course."""
    import importlib.machinery
    import sys
    import types

    calls = []

    def module(name, **attrs):
        mod = types.ModuleType(name)
        mod.__spec__ = importlib.machinery.ModuleSpec(name, None)
        mod.__path__ = []
        mod.__dict__.update(attrs)
        monkeypatch.setitem(sys.modules, name, mod)
        return mod

    def anonymous_id_for_user(user, course_key):
        calls.append((user.pk, course_key))
        return f"anon-{user.pk}-{course_key}"

    for name in ("common", "common.djangoapps", "opaque_keys", "opaque_keys.edx"):
        module(name)
    module("common.djangoapps.student")
    module("common.djangoapps.student.models", anonymous_id_for_user=anonymous_id_for_user)
    module("opaque_keys.edx.keys", CourseKey=types.SimpleNamespace(from_string=str))
    assert openedx.in_openedx()
    return calls


def test_in_open_edx_grades_are_filed_under_the_anonymous_id(fake_openedx, django_user_model):
    user = django_user_model.objects.create(username="ada")
    openedx.publish_grade(
        usage_id="block-v1:X+Y+Z+type@codio_unit+block@u1",
        course_id=COURSE,
        user_key=str(user.pk),
        earned=0.5,
        possible=1,
    )
    anonymous = f"anon-{user.pk}-{COURSE}"
    stored = submissions_api.get_score(
        {
            "student_id": anonymous,
            "course_id": COURSE,
            "item_id": "block-v1:X+Y+Z+type@codio_unit+block@u1",
            "item_type": "codio_unit",
        }
    )
    assert stored["points_earned"] / stored["points_possible"] == 0.5
    assert openedx.current_grade(
        usage_id="block-v1:X+Y+Z+type@codio_unit+block@u1", course_id=COURSE, user_key=user.pk
    ) == (0.5, 1.0)
    assert fake_openedx and all(course == COURSE for _, course in fake_openedx)
