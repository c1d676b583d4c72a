"""Re-picking a unit for an LMS activity is honoured (issue 26, item 8).

The LMS decides which unit an activity opens: its launches carry the unit the author chose
(``codio_unit``, the deep linking content item's custom parameter). After the author picks
another unit for the same activity, its launches name the new one, and the bridge kept
opening the first. The latest unit wins; the learners' work and grades on the earlier unit
are kept, shown to the teacher, marked as no longer linked
(docs/decisions/0013-relinked-units.rst). Real signed launches through the test client."""

import pytest

from lti_bridge.models import GradeChange, GradeDelivery, ResourceLink, Unit, Work
from tests.support import INSTRUCTOR

pytestmark = [pytest.mark.bridge_alone, pytest.mark.django_db]

A = {"codio_unit": "hello-python"}
B = {"codio_unit": "loops"}


@pytest.fixture
def loops(bridge_setup):
    return Unit.objects.create(
        organization=bridge_setup.registration.organization,
        code="loops",
        title="Loops",
        instructions="Write a **loop**.",
        max_points=50,
    )


def link_of(unit_code):
    return ResourceLink.objects.get(resource_link_id="rl-1", unit__code=unit_code)


def save(browser, link, answer, action="save"):
    return browser.post(f"/lti-bridge/units/{link.pk}/work/", {"answer": answer, "action": action})


def grade(teacher, link, learner, points):
    return teacher.post(
        f"/lti-bridge/units/{link.pk}/learners/{learner.pk}/grade/",
        {"points": points, "comment": "Well done"},
    )


def test_a_launch_naming_another_unit_opens_it_and_keeps_the_earlier_work(launch_as, loops):
    ada = launch_as("ada", custom=A)
    assert "<strong>hello</strong>" in launch_as.response.content.decode()
    save(ada, link_of("hello-python"), "print('hello')")
    work_a = Work.objects.get()

    launch_as("ada", custom=B)  # the author picked Loops for the same activity
    page = launch_as.response.content.decode()
    assert "Loops" in page and "<strong>loop</strong>" in page  # was: still Hello, Python
    assert "<strong>hello</strong>" not in page

    a, b = link_of("hello-python"), link_of("loops")
    assert (a.current, b.current) == (None, True)
    assert a.replaced_at is not None and b.replaced_at is None
    assert b.title == a.title and b.send_mode == a.send_mode  # the activity's LMS settings
    work_a.refresh_from_db()
    assert work_a.resource_link == a and work_a.answer == "print('hello')"  # kept, untouched
    assert Work.objects.get(resource_link=b).answer == ""  # a fresh start on Loops

    launch_as("bob", custom=B)  # every later launch opens Loops
    assert Work.objects.filter(resource_link=b).count() == 2
    assert not Work.objects.filter(resource_link=a, account__name="Bob").exists()


def test_the_same_unit_picked_again_changes_nothing(launch_as, loops):
    launch_as("ada", custom=A)
    link = link_of("hello-python")
    launch_as("ada", custom=A)
    launch_as("ada", custom={"codio_unit": ""})  # a launch naming no unit keeps it too
    launch_as("ada")  # (the scripted LMS's default: hello-python)
    assert list(ResourceLink.objects.values_list("pk", "current", "replaced_at")) == [
        (link.pk, True, None)
    ]
    assert Work.objects.count() == 1


def test_back_to_the_first_unit_finds_the_learners_work_again(launch_as, loops):
    ada = launch_as("ada", custom=A)
    save(ada, link_of("hello-python"), "print('hello')")
    launch_as("ada", custom=B)
    save(ada, link_of("loops"), "for i in range(3): pass")
    launch_as("ada", custom=A)  # A -> B -> A

    page = launch_as.response.content.decode()
    assert "print(&#x27;hello&#x27;)" in page  # her work on Hello, Python, as she left it
    a, b = link_of("hello-python"), link_of("loops")
    assert (a.current, a.replaced_at) == (True, None)
    assert b.current is None and b.replaced_at is not None
    assert ResourceLink.objects.count() == 2  # one row per unit the activity opened
    assert Work.objects.get(resource_link=b).answer == "for i in range(3): pass"


def test_the_teacher_sees_that_the_activity_changed_unit_and_where_the_work_is(launch_as, loops):
    ada = launch_as("ada", custom=A)
    save(ada, link_of("hello-python"), "print('hello')", action="complete")
    teacher = launch_as("grace", roles=(INSTRUCTOR,), custom=A)
    grade(teacher, link_of("hello-python"), Work.objects.get().account, "80")
    launch_as("grace", roles=(INSTRUCTOR,), custom=B)

    a, b = link_of("hello-python"), link_of("loops")
    current = launch_as.response.content.decode()  # the launch lands on Loops' teacher view
    assert 'data-testid="earlier-units"' in current
    assert f'href="/lti-bridge/units/{a.pk}/"' in current and "Hello, Python" in current

    classes = teacher.get(f"/lti-bridge/classes/{a.classroom_id}/").content.decode()
    assert "Loops" in classes and "Hello, Python" in classes
    assert classes.count('data-testid="replaced-unit"') == 1
    assert "No longer linked" in classes

    earlier = teacher.get(f"/lti-bridge/units/{a.pk}/").content.decode()
    assert 'data-testid="replaced-unit"' in earlier
    assert f'href="/lti-bridge/units/{b.pk}/"' in earlier  # where the activity is now
    assert "not sent to the LMS" in earlier
    assert "Completed" in earlier and ">80<" in earlier  # Ada's work and grade, kept

    export = teacher.get(f"/lti-bridge/classes/{a.classroom_id}/export.csv")
    rows = b"".join(export.streaming_content).decode()
    assert "Hello, Python" in rows and "80" in rows

    # what the LMS activity must send now: the current unit only, once
    assignments = teacher.get(f"/lti-bridge/classes/{a.classroom_id}/assignments.csv")
    lines = b"".join(assignments.streaming_content).decode().splitlines()
    assert [line for line in lines if "rl-1" in line] == [
        line for line in lines if "loops" in line and "rl-1" in line
    ]
    assert len([line for line in lines if "rl-1" in line]) == 1


def test_the_learner_can_no_longer_change_work_on_the_replaced_unit(launch_as, loops):
    ada = launch_as("ada", custom=A)
    a = link_of("hello-python")
    save(ada, a, "draft")
    launch_as("ada", custom=B)

    response = save(ada, a, "changed", action="complete")
    assert response.status_code == 302  # the unit's page again, with the reason
    page = ada.get(response["Location"]).content.decode()
    assert "now opens another unit" in page
    work = Work.objects.get(resource_link=a)
    assert (work.answer, work.status) == ("draft", Work.Status.IN_PROGRESS)


def test_unreleased_grades_of_the_earlier_unit_are_kept_and_held_from_the_lms(launch_as, loops):
    ada = launch_as("ada", custom=A)
    a = link_of("hello-python")
    save(ada, a, "print('hello')", action="complete")
    teacher = launch_as("grace", roles=(INSTRUCTOR,), custom=A)
    learner = Work.objects.get(resource_link=a).account
    grade(teacher, a, learner, "80")  # unreleased
    assert not GradeDelivery.objects.exists()

    launch_as("grace", roles=(INSTRUCTOR,), custom=B)
    b = link_of("loops")
    assert teacher.post(f"/lti-bridge/units/{b.pk}/release/").status_code == 302
    work = Work.objects.get(resource_link=a)
    assert not work.grade_released  # releasing Loops does not touch Hello, Python

    # the earlier unit's grades can still be released, in Codio: the learner sees them,
    # and the LMS's grade column, now Loops', does not get them
    assert teacher.post(f"/lti-bridge/units/{a.pk}/release/").status_code == 302
    work.refresh_from_db()
    assert work.grade_released and work.points == 80
    assert GradeChange.objects.filter(work=work, action=GradeChange.Action.RELEASED).exists()
    assert not GradeDelivery.objects.exists()
    grade(teacher, a, learner, "90")  # a regrade of the replaced unit, released: not sent
    teacher.post(f"/lti-bridge/units/{a.pk}/release/")
    assert not GradeDelivery.objects.exists()

    launch_as("grace", roles=(INSTRUCTOR,), custom=A)  # the activity opens Hello, Python again
    [held] = GradeDelivery.objects.all()  # its released grade is sent now
    work.refresh_from_db()
    assert (held.work, held.version, held.score_given) == (work, work.grade_version, 90)


def test_a_unit_the_organization_does_not_have_is_refused_and_changes_nothing(launch_as, loops):
    launch_as("ada", custom=A)
    before = list(ResourceLink.objects.values_list("pk", "unit", "current", "replaced_at"))
    person = launch_as.platform
    response = person.full_launch(
        sub="ada",
        name="Ada",
        email="ada@example.edu",
        **{"https://purl.imsglobal.org/spec/lti/claim/custom": {"codio_unit": "no-such-unit"}},
    )
    assert response.status_code == 404
    assert "does not point to a Codio unit" in response.content.decode()
    assert list(ResourceLink.objects.values_list("pk", "unit", "current", "replaced_at")) == before
