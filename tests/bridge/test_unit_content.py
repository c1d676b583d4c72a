"""Unit content belongs to each class (docs/decisions/0007): a teacher of one course who
edits a unit's title or instructions changes them for their class only."""

import pytest

from lti_bridge.models import Classroom, ClassUnitContent, ResourceLink, Unit
from tests.bridge.test_roles_matrix import COURSE, OTHER_COURSE, actor
from tests.support import INSTRUCTOR, LEARNER, LTI

pytestmark = pytest.mark.django_db


def link_of(platform, course):
    classroom = Classroom.objects.get(registration=platform.registration, context_id=course["id"])
    return ResourceLink.objects.get(classroom=classroom)


def test_one_class_edit_leaves_the_other_class_and_the_organization_untouched(bridge_setup):
    learner_1 = actor(bridge_setup, "learner1", [LEARNER], course=COURSE)
    teacher_2 = actor(bridge_setup, "teacher2", [INSTRUCTOR], course=OTHER_COURSE)
    learner_2 = actor(bridge_setup, "learner2", [LEARNER], course=OTHER_COURSE)
    link_1, link_2 = link_of(bridge_setup, COURSE), link_of(bridge_setup, OTHER_COURSE)
    assert link_1.unit_id == link_2.unit_id  # the same organization unit

    response = teacher_2.post(
        f"/lti-bridge/units/{link_2.pk}/content/",
        {"title": "Course 2's own title", "instructions": "Only **course 2** reads this."},
    )
    assert response.status_code == 302

    unit = Unit.objects.get()
    assert unit.title == "Hello, Python" and "course 2" not in unit.instructions
    page_1 = learner_1.get(f"/lti-bridge/units/{link_1.pk}/").content.decode()
    assert "Hello, Python" in page_1 and "Course 2&#x27;s own title" not in page_1
    page_2 = learner_2.get(f"/lti-bridge/units/{link_2.pk}/").content.decode()
    assert "Course 2&#x27;s own title" in page_2 and "<strong>course 2</strong>" in page_2
    assert ClassUnitContent.objects.get().classroom == link_2.classroom


def test_a_class_edit_can_be_edited_again_and_exports_use_it(bridge_setup):
    teacher = actor(bridge_setup, "teacher", [INSTRUCTOR], course=COURSE)
    link = link_of(bridge_setup, COURSE)
    for title in ("First", "Second"):
        teacher.post(f"/lti-bridge/units/{link.pk}/content/", {"title": title, "instructions": ""})
    assert ClassUnitContent.objects.get().title == "Second"
    export = teacher.get(f"/lti-bridge/classes/{link.classroom_id}/assignments.csv")
    assert "Second" in b"".join(export.streaming_content).decode()


def test_new_classes_start_from_the_organizations_unit(bridge_setup):
    teacher = actor(bridge_setup, "teacher", [INSTRUCTOR], course=COURSE)
    link = link_of(bridge_setup, COURSE)
    teacher.post(f"/lti-bridge/units/{link.pk}/content/", {"title": "Mine", "instructions": ""})
    third = {"id": "course-3", "title": "Course 3", "label": "C3"}
    learner = actor(
        bridge_setup,
        "learner3",
        [LEARNER],
        course=third,
        **{LTI + "custom": {"codio_unit": "hello-python"}},
    )
    page = learner.get(f"/lti-bridge/units/{link_of(bridge_setup, third).pk}/").content.decode()
    assert "Hello, Python" in page and "Mine" not in page
