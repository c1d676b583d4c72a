"""Re-picking a unit for an LMS activity is honoured (issue 26, item 8).

The LMS decides which unit an activity opens: its launches carry the unit the author chose
(``codio_unit``, the deep linking content item's custom parameter). After the author picks
another unit for the same activity, its launches name the new one, and the bridge kept
opening the first. The latest unit wins; the learners' work and grades on the earlier unit
are kept, shown to the teacher, marked as no longer linked
(docs/decisions/0013-relinked-units.rst). Real signed launches through the test client."""

import json

import pytest
import responses
from django.utils import timezone

from lti_bridge.models import GradeChange, GradeDelivery, ResourceLink, Unit, Work
from lti_bridge.tasks import deliver_due_grades
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


# Grades already on their way to the LMS when the author re-picks the unit: held at the one
# place every send passes (delivery/deliver.py), whichever path sends them (the release's
# task, its retries, the sweep, a teacher's or an operator's retry); sent once if the
# activity opens their unit again. The stand-in LMS below is the activity's AGS line item.

TOKEN = "https://lms.example.edu/token"
LINEITEM = "https://lms.example.edu/lineitems/7"
SCORES = LINEITEM + "/scores"
AGS = {
    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
        "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
        "lineitem": LINEITEM,
    }
}
HELD = "Held: this LMS activity opens another unit now"


class StandInLms:
    """The LMS's token endpoint and the activity's line item: answers each learner's score
    with ``answers[userId]`` (200 by default) and keeps every score it accepted."""

    def __init__(self, mock, registration):
        registration.auth_token_url = TOKEN
        registration.save()
        self.answers = {}
        self.accepted = []
        mock.post(TOKEN, json={"access_token": "tok", "token_type": "Bearer"})
        mock.add_callback(responses.POST, SCORES, callback=self.score)

    def score(self, request):
        document = json.loads(request.body)
        status = self.answers.get(document["userId"], 200)
        if status == 200:
            self.accepted.append((document["userId"], document["scoreGiven"]))
        return status, {}, json.dumps({"error": "not now"} if status != 200 else {})


@pytest.fixture
def lms(launch_as):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield StandInLms(mock, launch_as.registration)


def graded_class(launch_as, *learners):
    """Learners complete their work on Hello, Python (unit A); Grace grades each 80."""
    browsers = {sub: launch_as(sub, custom=A, **AGS) for sub in learners}
    a = link_of("hello-python")
    for browser in browsers.values():
        save(browser, a, "print('hello')", action="complete")
    teacher = launch_as("grace", roles=(INSTRUCTOR,), custom=A, **AGS)
    for sub in learners:
        work = Work.objects.get(resource_link=a, account__name=sub.title())
        grade(teacher, a, work.account, "80")
    return a, teacher


def notices_after(browser, response):
    assert response.status_code == 302
    return browser.get(response["Location"]).content.decode()


@pytest.mark.django_db(transaction=True)  # the release's tasks run after its commit
def test_a_grade_backing_off_when_the_unit_is_replaced_is_held_then_sent_once_back(
    launch_as, loops, lms
):
    a, teacher = graded_class(launch_as, "ada")
    lms.answers["ada"] = 503  # the LMS is down: the release's delivery backs off
    teacher.post(f"/lti-bridge/units/{a.pk}/release/")
    assert GradeDelivery.objects.get().state == GradeDelivery.State.RETRYING
    assert lms.accepted == []

    launch_as("grace", roles=(INSTRUCTOR,), custom=B, **AGS)  # the author picked Loops
    # held at the re-pick: the teacher's page says so at once, before any send is tried
    assert GradeDelivery.objects.get().state == GradeDelivery.State.HELD
    lms.answers.clear()  # the LMS is back; its column for this activity is Loops' now
    GradeDelivery.objects.update(next_attempt_at=timezone.now())  # the backoff is over
    deliver_due_grades()  # the sweep
    assert lms.accepted == []  # was: Ada's 80 on Hello, Python stood as her Loops grade
    delivery = GradeDelivery.objects.get()
    assert delivery.state == GradeDelivery.State.HELD
    stamped = delivery.timestamp

    page = notices_after(teacher, teacher.post(f"/lti-bridge/units/{a.pk}/deliveries/retry/"))
    assert "Nothing was retried" in page and "opens another unit now" in page
    deliver_due_grades()
    assert lms.accepted == [] and GradeDelivery.objects.get().state == GradeDelivery.State.HELD
    assert HELD in page  # the learner's row says why her grade did not go
    assert f"/lti-bridge/units/{a.pk}/deliveries/retry/" not in page  # no Retry offered
    progress = teacher.get(f"/lti-bridge/units/{a.pk}/deliveries/").json()
    assert (progress["held"], progress["pending"]) == (1, 0)

    launch_as("grace", roles=(INSTRUCTOR,), custom=A, **AGS)  # back to Hello, Python
    assert lms.accepted == [("ada", 80.0)]  # sent at that launch, once
    deliver_due_grades()
    assert lms.accepted == [("ada", 80.0)]
    delivery.refresh_from_db()
    # stamped at the move back: newer than any Loops score the column took meanwhile
    assert delivery.state == GradeDelivery.State.SENT and delivery.timestamp > stamped


@pytest.mark.django_db(transaction=True)
def test_a_release_the_worker_takes_up_after_the_re_pick_posts_nothing(launch_as, loops, lms):
    """The release's message waits in the broker while the author re-picks the unit (a busy
    worker): when the worker takes it up, the grade is held, not posted."""
    from lti_bridge import queue

    a, teacher = graded_class(launch_as, "ada", "bob")
    waiting = []
    real_task = queue.task
    with pytest.MonkeyPatch.context() as patch:  # the broker keeps the release's message
        patch.setattr(
            queue,
            "task",
            lambda name: type("Queued", (), {"delay": lambda *args: waiting.append((name, args))}),
        )
        teacher.post(f"/lti-bridge/units/{a.pk}/release/")
    assert len(waiting) == 1 and GradeDelivery.objects.filter(state="queued").count() == 2

    launch_as("ada", custom=B, **AGS)  # the activity opens Loops now
    for name, args in waiting:  # the worker takes the message up
        real_task(name).delay(*args)
    deliver_due_grades()
    assert lms.accepted == []
    assert set(GradeDelivery.objects.values_list("state", flat=True)) == {"held"}

    launch_as("ada", custom=A, **AGS)
    assert sorted(lms.accepted) == [("ada", 80.0), ("bob", 80.0)]
    deliver_due_grades()
    assert len(lms.accepted) == 2


@pytest.mark.django_db(transaction=True)
def test_retrying_a_failed_delivery_of_a_replaced_unit_sends_nothing_and_says_why(
    launch_as, loops, lms, admin_client
):
    a, teacher = graded_class(launch_as, "ada")
    lms.answers["ada"] = 400  # the LMS refuses the score: failed, to be retried by hand
    teacher.post(f"/lti-bridge/units/{a.pk}/release/")
    delivery = GradeDelivery.objects.get()
    assert delivery.state == GradeDelivery.State.FAILED

    launch_as("grace", roles=(INSTRUCTOR,), custom=B, **AGS)
    lms.answers.clear()
    for data in ({}, {"delivery": str(delivery.pk)}):  # Retry all, Retry one
        response = teacher.post(f"/lti-bridge/units/{a.pk}/deliveries/retry/", data)
        assert "Nothing was retried" in notices_after(teacher, response)
    response = admin_client.post(
        "/admin/lti_bridge/gradedelivery/",
        {"action": "retry_failed", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "1 failed delivery was not retried" in response.content.decode()
    deliver_due_grades()
    assert lms.accepted == []
    delivery.refresh_from_db()
    assert delivery.state == GradeDelivery.State.FAILED  # as it was: nothing changed

    launch_as("grace", roles=(INSTRUCTOR,), custom=A, **AGS)  # back: Retry works again
    assert lms.accepted == []  # a failed row waits for a retry, as before the move
    teacher.post(f"/lti-bridge/units/{a.pk}/deliveries/retry/", {"delivery": str(delivery.pk)})
    assert lms.accepted == [("ada", 80.0)]


@pytest.mark.parametrize("value", ["abc", "1.5", "9" * 40, "²"])
def test_retry_of_a_delivery_that_is_not_a_number_is_refused_with_a_page(launch_as, value):
    launch_as("ada", custom=A)
    teacher = launch_as("grace", roles=(INSTRUCTOR,), custom=A)
    a = link_of("hello-python")
    response = teacher.post(f"/lti-bridge/units/{a.pk}/deliveries/retry/", {"delivery": value})
    assert "No such delivery" in notices_after(teacher, response)
