"""Learner work, grading, release and delivery into the Open edX gradebook: the whole path
through the XBlock, the bridge, Celery (eager here) and the platform's AGS endpoints."""

from urllib.parse import parse_qs

import pytest

from lti_bridge.models import Account, GradeDelivery, ResourceLink, Work
from tests.support import DjangoClientAdapter, gradebook, launch_through_xblock, only_grade

pytestmark = pytest.mark.django_db(transaction=True)  # deliveries start on commit


@pytest.fixture
def platform_http(course):
    """The platform fetches the bridge's JWKS over (test-client) HTTP too."""
    from codio_xblock import ags

    ags.session.mount("http://codio.test/", DjangoClientAdapter())
    yield
    ags.session.adapters.pop("http://codio.test/", None)


def test_grade_hidden_until_released_then_delivered_to_the_gradebook(
    as_user, users, platform_http, outbound
):
    learner = as_user("learner")
    launch_through_xblock(learner)
    link = ResourceLink.objects.get()
    assert link.lineitem_url.startswith("http://codio.test/codio/lti/v1/ags/lineitems/")

    assert (
        learner.post(
            f"/lti-bridge/units/{link.pk}/work/", {"answer": "print('hi')", "action": "save"}
        ).status_code
        == 302
    )
    learner.post(
        f"/lti-bridge/units/{link.pk}/work/",
        {"answer": "print('Hello, world!')", "action": "complete"},
    )
    work = Work.objects.get()
    assert work.status == "completed" and work.completed_at
    assert (
        learner.post(
            f"/lti-bridge/units/{link.pk}/work/", {"answer": "changed", "action": "save"}
        ).status_code
        == 302
    )
    work.refresh_from_db()
    assert work.answer == "print('Hello, world!')"  # completed work is locked

    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    grade_url = f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/"
    assert (
        teacher.post(grade_url, {"points": "80", "comment": "Nice <b>work</b>"}).status_code == 302
    )
    work.refresh_from_db()
    assert work.points == 80 and not work.grade_released

    page = learner.get(f"/lti-bridge/units/{link.pk}/").content.decode()
    assert 'data-testid="grade"' not in page
    assert not gradebook()
    assert not GradeDelivery.objects.exists()

    assert teacher.post(f"/lti-bridge/units/{link.pk}/release/").status_code == 302
    delivery = GradeDelivery.objects.get()
    assert delivery.state == "sent", delivery.last_error
    record = only_grade()
    assert (record.weighted, record.weighted_possible) == (0.8, 1.0)
    assert "/lti-bridge/feedback/" in record.comment and "Nice <b>work</b>" in record.comment

    page = learner.get(f"/lti-bridge/units/{link.pk}/").content.decode()
    assert "80 out of 100" in page and "Nice &lt;b&gt;work&lt;/b&gt;" in page
    assert "Your score: 0.8 / 1" in learner.get("/scenario/codio_unit.1/").content.decode()
    teacher_view = teacher.get(f"/lti-bridge/units/{link.pk}/").content.decode()
    assert "Sent" in teacher_view
    gradebook_page = teacher.get("/gradebook/").content.decode()
    assert "Ada Lovelace" in gradebook_page and "0.8 / 1" in gradebook_page
    assert learner.get("/gradebook/").status_code == 404


def test_feedback_page_only_for_the_learner_and_teachers(as_user, platform_http, outbound):
    learner = as_user("learner")
    launch_through_xblock(learner)
    launch_through_xblock(as_user("learner2"))
    link = ResourceLink.objects.get()
    work = Work.objects.get(account__email="learner@example.edu")
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    teacher.post(
        f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/",
        {"points": "50", "comment": "ok"},
    )
    url = f"/lti-bridge/feedback/{work.pk}/"
    assert "not been released" in learner.get(url).content.decode()
    assert teacher.get(url).status_code == 200
    assert as_user("learner2").get(url).status_code == 404


@pytest.mark.parametrize(
    "points, words",
    [
        ("101", "between 0 and 100"),
        ("-1", "between 0 and 100"),
        ("abc", "must be a number"),
        ("NaN", "between 0 and 100"),
    ],
)
def test_bad_points_are_refused(as_user, points, words, outbound):
    learner = as_user("learner")
    launch_through_xblock(learner)
    link = ResourceLink.objects.get()
    work = Work.objects.get()
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    response = teacher.post(
        f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/",
        {"points": points},
        follow=True,
    )
    assert words in response.content.decode()
    work.refresh_from_db()
    assert work.points is None


def test_mentor_cannot_grade_or_release(as_user, outbound):
    launch_through_xblock(as_user("learner"))
    mentor = as_user("mentor")
    launch_through_xblock(mentor)
    link = ResourceLink.objects.get()
    work = Work.objects.get()
    assert (
        mentor.post(
            f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/", {"points": "5"}
        ).status_code
        == 403
    )
    assert mentor.post(f"/lti-bridge/units/{link.pk}/release/").status_code == 403
    work.refresh_from_db()
    assert work.points is None


def test_automatic_release_class_setting(as_user, platform_http, outbound):
    learner = as_user("learner")
    launch_through_xblock(learner)
    link = ResourceLink.objects.get()
    learner.post(f"/lti-bridge/units/{link.pk}/work/", {"answer": "x", "action": "complete"})
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    teacher.post(
        f"/lti-bridge/classes/{link.classroom_id}/settings/", {"release_automatically": "on"}
    )
    work = Work.objects.get()
    teacher.post(
        f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/", {"points": "100"}
    )
    assert only_grade().weighted == 1.0


def test_teacher_marks_work_complete_and_reopens_it(as_user, outbound):
    learner = as_user("learner")
    launch_through_xblock(learner)
    link = ResourceLink.objects.get()
    work = Work.objects.get()
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    url = f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/completion/"
    teacher.post(url, {"action": "complete"})
    work.refresh_from_db()
    assert work.status == "completed"
    teacher.post(url, {"action": "reopen"})
    work.refresh_from_db()
    assert work.status == "in_progress" and work.completed_at is None
    assert as_user("mentor").post(url, {"action": "complete"}).status_code in (403, 404)


def test_organization_default_for_new_classes(as_user, outbound):
    from lti_bridge.models import Classroom, Organization

    Organization.objects.update(release_automatically=True)
    launch_through_xblock(as_user("learner"))
    assert Classroom.objects.get().release_automatically is True


def _send_mode_unit(as_user, mode):
    """The course author sets Codio's send mode on the block (a custom parameter); a
    learner launches and completes the unit; the instructor launches."""
    from tests.test_block import submit, usage_ids

    author = as_user("instructor")
    response = submit(author, usage_ids(author)[0], custom_parameters=f"codio_send_grade={mode}")
    assert response.status_code == 200, response.content
    learner = as_user("learner")
    launch_through_xblock(learner)
    link = ResourceLink.objects.get()
    assert link.send_mode == mode.upper()
    learner.post(f"/lti-bridge/units/{link.pk}/work/", {"answer": "x", "action": "complete"})
    launch_through_xblock(author)
    work = Work.objects.get()
    return author, learner, link, f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/"


def test_always_mode_through_the_xblock(as_user, platform_http, outbound):
    """ALWAYS: the completion reaches the LMS at once (progress, no score); a grade only
    once released (grades stay hidden until then)."""
    from codio_xblock.models import AgsScore

    teacher, learner, link, grade_url = _send_mode_unit(as_user, "always")
    progress = AgsScore.objects.get()
    assert progress.activity_progress == "Completed" and progress.score_given is None
    assert not gradebook()
    teacher.post(grade_url, {"points": "30"})
    assert not gradebook() and AgsScore.objects.get().score_given is None
    assert "Your score" not in learner.get("/scenario/codio_unit.1/").content.decode()
    teacher.post(f"/lti-bridge/units/{link.pk}/release/")
    assert only_grade().weighted == 0.3
    teacher.post(grade_url, {"points": "35"})  # a changed grade is hidden until released
    assert only_grade().weighted == 0.3
    teacher.post(f"/lti-bridge/units/{link.pk}/release/")
    assert only_grade().weighted == 0.35
    assert "Your score: 0.35 / 1" in learner.get("/scenario/codio_unit.1/").content.decode()


def test_changed_mode_through_the_xblock(as_user, platform_http, outbound, publishes):
    """CHANGED: released grades are sent when the points change, not when they stay."""
    teacher, _, link, grade_url = _send_mode_unit(as_user, "Changed")
    teacher.post(grade_url, {"points": "50"})
    assert not gradebook()
    teacher.post(f"/lti-bridge/units/{link.pk}/release/")
    assert only_grade().weighted == 0.5
    teacher.post(grade_url, {"points": "50", "comment": "same points"})
    teacher.post(f"/lti-bridge/units/{link.pk}/release/")
    assert len(publishes) == 1  # nothing changed: nothing sent
    teacher.post(grade_url, {"points": "60"})
    teacher.post(f"/lti-bridge/units/{link.pk}/release/")
    assert only_grade().weighted == 0.6 and len(publishes) == 2


def test_rotated_bridge_key_signs_the_next_token_and_the_platform_accepts_it(
    as_user, platform_http, outbound
):
    """lti_bridge_rotate_keys: the bridge signs its next AGS token request with the new
    key; the platform, holding the old key set, fetches it again for the unknown kid."""
    import io

    import jwt
    from django.core.management import call_command

    from lti_bridge import keys
    from lti_bridge.delivery import ags_client

    teacher, _learner, link, grade_url = _send_mode_unit(as_user, "grade_release")
    teacher.post(grade_url, {"points": "40"})
    teacher.post(f"/lti-bridge/units/{link.pk}/release/")
    assert only_grade().weighted == 0.4  # the platform now holds the bridge's key set
    old = keys.signing_key()
    out = io.StringIO()
    call_command("lti_bridge_rotate_keys", "--overlap-days", "1", stdout=out)
    new = keys.signing_key()
    assert new != old and f"Retired {old.kid}" in out.getvalue()
    assert {k["kid"] for k in keys.jwks()["keys"]} == {old.kid, new.kid}

    registration = link.classroom.registration
    outbound.requests.clear()
    token = ags_client.access_token(registration, force=True)  # signed with the new key
    assert token
    [assertion] = [
        parse_qs(request.body)["client_assertion"][0]
        for request in outbound.requests
        if request.url.endswith("/codio/lti/v1/token")
    ]
    assert jwt.get_unverified_header(assertion)["kid"] == new.kid
    teacher.post(grade_url, {"points": "45"})
    teacher.post(f"/lti-bridge/units/{link.pk}/release/")
    assert GradeDelivery.objects.order_by("-version").first().state == "sent"
    assert only_grade().weighted == 0.45


def test_a_refused_grade_keeps_what_the_teacher_typed_and_a_saved_one_is_confirmed(
    as_user, users, outbound
):
    learner = as_user("learner")
    launch_through_xblock(learner)
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    link = ResourceLink.objects.get(unit__code="hello-python")
    ada = Account.objects.get(email="learner@example.edu")
    url = f"/lti-bridge/units/{link.pk}/learners/{ada.pk}/grade/"
    refused = teacher.post(url, {"points": "ninety", "comment": "Good <b>work</b>"})
    page = refused.content.decode()
    assert refused.status_code == 400 and "Points must be a number." in page
    assert 'value="ninety"' in page and "Good &lt;b&gt;work&lt;/b&gt;</textarea>" in page
    assert Work.objects.get(account=ada).points is None
    saved = teacher.post(url, {"points": "85.5", "comment": "ok"}, follow=True)
    assert "Grade saved: 85.5 out of 100 points in Codio." in saved.content.decode()
    assert 'value="85.5"' in saved.content.decode()


def test_release_progress_counts_what_reached_the_lms_and_what_failed(
    as_user, users, platform_http, outbound
):
    """After "Release Grades" the teacher sees how many grades were sent, wait or failed
    (with the platform's answer), in the page and from the JSON the page polls."""
    from django.utils import timezone

    for name in ("learner", "learner2"):
        learner = as_user(name)
        launch_through_xblock(learner)
        link = ResourceLink.objects.get(unit__code="hello-python")
        learner.post(f"/lti-bridge/units/{link.pk}/work/", {"answer": "x", "action": "complete"})
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    link = ResourceLink.objects.get(unit__code="hello-python")
    for work in Work.objects.filter(resource_link=link):
        teacher.post(
            f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/", {"points": "70"}
        )
    released = teacher.post(f"/lti-bridge/units/{link.pk}/release/", follow=True)
    assert "2 grades released." in released.content.decode()

    url = f"/lti-bridge/units/{link.pk}/deliveries/"
    assert teacher.get(url).json() | {"failures": []} == {
        "queued": 0,
        "retrying": 0,
        "sent": 2,
        "failed": 0,
        "held": 0,  # none: this unit is the one its activity opens (ADR 0013)
        "total": 2,
        "pending": 0,
        "failures": [],
    }
    failed = GradeDelivery.objects.filter(work__account__name="Alan Turing").get()
    failed.state, failed.last_error = "failed", "score: HTTP 400 line item gone <x>"
    failed.save()
    GradeDelivery.objects.create(
        work=Work.objects.get(resource_link=link, account__name="Ada Lovelace"),
        version=99,
        score_given=1,
        score_maximum=1,
        timestamp=timezone.now(),
        state="retrying",
        next_attempt_at=timezone.now(),
    )
    data = teacher.get(url).json()
    assert (data["sent"], data["pending"], data["failed"]) == (1, 1, 1)
    assert data["failures"] == [
        {"learner": "Alan Turing", "error": "score: HTTP 400 line item gone <x>"}
    ]
    page = teacher.get(f"/lti-bridge/units/{link.pk}/").content.decode()
    assert 'data-testid="delivery-progress"' in page and 'data-pending="1"' in page
    assert "line item gone &lt;x&gt;" in page
    assert as_user("learner").get(url).status_code == 404


def test_operators_retry_failed_deliveries_from_the_admin(
    as_user, users, platform_http, outbound, django_user_model
):
    from django.test import Client

    admin_client = Client()  # an operator (the demo's "admin" is no superuser)
    admin_client.force_login(
        django_user_model.objects.create_superuser("operator", "op@example.edu", "pw")
    )
    learner = as_user("learner")
    launch_through_xblock(learner)
    link = ResourceLink.objects.get(unit__code="hello-python")
    learner.post(f"/lti-bridge/units/{link.pk}/work/", {"answer": "x", "action": "complete"})
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    link = ResourceLink.objects.get(unit__code="hello-python")
    work = Work.objects.get(resource_link=link)
    teacher.post(f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/", {"points": "7"})
    teacher.post(f"/lti-bridge/units/{link.pk}/release/")
    delivery = GradeDelivery.objects.get()
    GradeDelivery.objects.filter(pk=delivery.pk).update(state="failed", last_error="HTTP 500")
    listing = admin_client.get("/admin/lti_bridge/gradedelivery/?state__exact=failed")
    assert listing.status_code == 200 and "HTTP 500" in listing.content.decode()
    response = admin_client.post(
        "/admin/lti_bridge/gradedelivery/",
        {"action": "retry_failed", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "1 delivery queued again." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.state == "sent"  # queued again and delivered (eager tasks)


def test_every_grade_change_is_audited_on_the_work_page_and_in_the_export(
    as_user, users, platform_http, outbound
):
    import csv
    import io

    from lti_bridge.flows.erase import erase_account
    from lti_bridge.models import Classroom, GradeChange

    learner = as_user("learner")
    launch_through_xblock(learner)
    link = ResourceLink.objects.get(unit__code="hello-python")
    learner.post(f"/lti-bridge/units/{link.pk}/work/", {"answer": "x", "action": "complete"})
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    work = Work.objects.get(resource_link=link, account__name="Ada Lovelace")
    grade = f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/"
    teacher.post(grade, {"points": "60", "comment": "first"})
    teacher.post(grade, {"points": "75", "comment": "better"})
    teacher.post(f"/lti-bridge/units/{link.pk}/release/")
    teacher.post(grade, {"points": "ninety"})  # refused: not a change

    changes = list(
        GradeChange.objects.order_by("pk").values_list(
            "action", "changed_by_name", "points_before", "points_after", "comment_after"
        )
    )
    assert changes == [
        ("graded", "Grace Hopper", None, 60, "first"),
        ("graded", "Grace Hopper", 60, 75, "better"),
        ("released", "Grace Hopper", 75, 75, "better"),
    ]
    page = teacher.get(f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/").content.decode()
    history = page[page.index('data-testid="grade-history"') :]
    assert history.count("<tr><td>") == 3 and "Grace Hopper" in history

    classroom = Classroom.objects.get()
    export = teacher.get(f"/lti-bridge/classes/{classroom.pk}/grade-history.csv")
    rows = list(csv.reader(io.StringIO(b"".join(export).decode())))
    assert rows[0][5:8] == ["Action", "Changed at (UTC)", "Changed by"]
    assert [(r[0], r[5], r[8], r[9]) for r in rows[1:]] == [
        ("Ada Lovelace", "graded", "", "60"),
        ("Ada Lovelace", "graded", "60", "75"),
        ("Ada Lovelace", "released", "75", "75"),
    ]
    assert rows[1][6].endswith("Z")

    work.refresh_from_db()
    erase_account(work.graded_by)  # the grader's account is erased: so is their name here
    assert set(GradeChange.objects.values_list("changed_by_name", flat=True)) == {""}
