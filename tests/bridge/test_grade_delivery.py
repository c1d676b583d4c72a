"""Delivering grades to the LMS (AGS): shared tokens, retries with backoff, Retry-After,
permanent failures shown with the platform's answer, teacher retries, and versions that
keep an older grade from overwriting a newer one. The LMS is mocked with `responses`."""

import json

import pytest
import requests
import responses
from django.utils import timezone

from lti_bridge.delivery import deliver
from lti_bridge.flows import grading
from lti_bridge.flows import work as work_flow
from lti_bridge.models import Account, GradeDelivery, ResourceLink, Work
from lti_bridge.tasks import deliver_due_grades
from tests.support import LTI, BridgeClient

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "https://lms.example.edu/token"
LINEITEM = "https://lms.example.edu/lineitems/7"
SCORES = LINEITEM + "/scores"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


@pytest.fixture
def unit(bridge_setup):
    registration = bridge_setup.registration
    registration.auth_token_url = TOKEN
    registration.save()

    def learner(sub, send_mode=None):
        custom = {"codio_unit": "hello-python"}
        if send_mode:
            custom["custom_codio_send_grade"] = send_mode
        response = bridge_setup.full_launch(
            sub=sub,
            email=f"{sub}@example.edu",
            **{
                AGS: {
                    "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                    "lineitem": LINEITEM,
                },
                LTI + "custom": custom,
            },
        )
        assert response.status_code == 200
        return Work.objects.get(account__email=f"{sub}@example.edu")

    teacher = Account.objects.create(name="T")
    return learner, teacher


def token_ok():
    responses.post(TOKEN, json={"access_token": "tok", "token_type": "Bearer", "expires_in": 3600})


def graded_and_released(work, teacher, points="90"):
    work_flow.mark_complete(work, "answer")
    grading.grade(work, points, "well done", teacher)
    grading.release(work.resource_link)
    return GradeDelivery.objects.filter(work=work).order_by("-version").first()


@responses.activate
def test_release_sends_percentage_with_one_shared_token(unit):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, json={})
    works = [learner(f"l{i}") for i in range(3)]
    for w in works:
        work_flow.mark_complete(w, "x")
        grading.grade(w, "45", "c", teacher)
    grading.release(works[0].resource_link)
    assert [c.request.url for c in responses.calls].count(TOKEN) == 1
    scores = [json.loads(c.request.body) for c in responses.calls if c.request.url == SCORES]
    assert len(scores) == 3
    first = scores[0]
    assert (first["scoreGiven"], first["scoreMaximum"]) == (45.0, 100.0)
    assert first["activityProgress"] == "Completed"
    assert first["gradingProgress"] == "FullyGraded"
    assert "/lti-bridge/feedback/" in first["comment"] and first["timestamp"]
    assert responses.calls[1].request.headers["Authorization"] == "Bearer tok"
    assert set(GradeDelivery.objects.values_list("state", flat=True)) == {"sent"}


@responses.activate
def test_server_errors_are_retried_with_backoff_until_sent(unit):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, status=503)
    delivery = graded_and_released(learner("a"), teacher)
    delivery.refresh_from_db()
    assert delivery.state == "retrying" and "503" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    responses.replace(responses.POST, SCORES, json={})
    deliver_due_grades()  # not due yet: nothing happens
    assert GradeDelivery.objects.get().state == "retrying"
    GradeDelivery.objects.update(next_attempt_at=timezone.now())
    deliver_due_grades()
    assert GradeDelivery.objects.get().state == "sent"


@responses.activate
def test_429_honours_retry_after(unit):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, status=429, headers={"Retry-After": "120"})
    delivery = graded_and_released(learner("a"), teacher)
    delivery.refresh_from_db()
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert delivery.state == "retrying" and 100 < wait <= 120


@responses.activate
def test_network_errors_and_timeouts_are_retried(unit):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, body=requests.ConnectTimeout("slow"))
    delivery = graded_and_released(learner("a"), teacher)
    delivery.refresh_from_db()
    assert delivery.state == "retrying" and "slow" in delivery.last_error


@responses.activate
def test_client_errors_fail_with_the_platforms_answer_and_can_be_retried(unit, bridge_setup):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, status=400, json={"error": "userId unknown"})
    delivery = graded_and_released(learner("a"), teacher)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and "userId unknown" in delivery.last_error
    responses.replace(responses.POST, SCORES, json={})
    assert deliver.retry(GradeDelivery.objects.all()) == 1
    assert GradeDelivery.objects.get().state == "sent"


@responses.activate
def test_expired_token_is_refreshed_once(unit):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, status=401)
    responses.post(SCORES, json={})
    delivery = graded_and_released(learner("a"), teacher)
    delivery.refresh_from_db()
    assert delivery.state == "sent"
    assert [c.request.url for c in responses.calls].count(TOKEN) == 2


@responses.activate
def test_an_older_grade_never_overwrites_a_newer_one(unit):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, status=503)
    work = learner("a")
    old = graded_and_released(work, teacher, "10")
    grading.grade(work, "90", "regraded", teacher)
    grading.release(work.resource_link)
    old.refresh_from_db()
    assert old.state == "superseded"
    responses.replace(responses.POST, SCORES, json={})
    GradeDelivery.objects.update(next_attempt_at=timezone.now())
    deliver.deliver(old.pk)  # a stale task: does nothing
    deliver_due_grades()
    sent = [
        json.loads(c.request.body)["scoreGiven"]
        for c in responses.calls
        if c.request.url == SCORES and c.response.status_code == 200
    ]
    assert sent == [90.0]


@responses.activate
def test_platform_conflict_marks_the_row_superseded(unit):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, status=409)
    delivery = graded_and_released(learner("a"), teacher)
    delivery.refresh_from_db()
    assert delivery.state == "superseded"


@responses.activate
def test_grade_release_mode_waits_for_completion(unit):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, json={})
    work = learner("a")
    grading.grade(work, "70", "", teacher)
    grading.release(work.resource_link)
    assert not GradeDelivery.objects.exists()  # not complete yet
    work_flow.mark_complete(Work.objects.get(pk=work.pk), "done")
    assert GradeDelivery.objects.get().state == "sent"


@responses.activate
def test_always_mode_sends_submissions_without_unreleased_scores(unit):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, json={})
    work = learner("a", send_mode="always")
    assert ResourceLink.objects.get().send_mode == "ALWAYS"
    work_flow.mark_complete(work, "done")
    grading.grade(work, "70", "", teacher)
    bodies = [json.loads(c.request.body) for c in responses.calls if c.request.url == SCORES]
    assert all("scoreGiven" not in b for b in bodies)
    assert bodies[0]["gradingProgress"] == "PendingManual"
    grading.release(work.resource_link)
    last = json.loads(responses.calls[-1].request.body)
    assert last["scoreGiven"] == 70.0


@responses.activate
def test_changed_mode_sends_only_changed_grades(unit):
    learner, teacher = unit
    token_ok()
    responses.post(SCORES, json={})
    work = learner("a", send_mode="Changed")
    graded_and_released(work, teacher, "50")
    grading.grade(work, "50", "same points, new comment", teacher)
    grading.release(work.resource_link)
    grading.grade(work, "60", "", teacher)
    grading.release(work.resource_link)
    sent = [
        json.loads(c.request.body)["scoreGiven"] for c in responses.calls if c.request.url == SCORES
    ]
    assert sent == [50.0, 60.0]


def test_unregistered_host_is_never_called(unit):
    learner, teacher = unit
    work = learner("a")
    ResourceLink.objects.update(lineitem_url="https://attacker.example/lineitems/1")
    delivery = graded_and_released(Work.objects.get(pk=work.pk), teacher)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and "registered" in delivery.last_error


def test_backoff_grows_and_is_capped(settings):
    assert deliver.backoff(1) <= 60
    assert max(deliver.backoff(20) for _ in range(50)) <= 3600
    assert deliver.backoff(3, retry_after=7) == 7
    assert deliver.backoff(3, retry_after=99_999) == 3600
    settings.LTI_BRIDGE = {
        **settings.LTI_BRIDGE,
        "DELIVERY_BACKOFF_BASE": 2,
        "DELIVERY_BACKOFF_CAP": 5,
    }
    assert max(deliver.backoff(1) for _ in range(50)) <= 4
    assert max(deliver.backoff(20) for _ in range(50)) <= 5


@responses.activate
def test_an_attempt_whose_worker_died_is_resumed_when_its_lease_ends(unit, settings):
    """A worker died during the HTTP call: its row stays leased. The redelivered task
    (acks_late) is told to come back when the lease ends, and then sends the grade."""
    learner, teacher = unit
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "DELIVERY_LEASE": 120}
    token_ok()
    responses.post(SCORES, json={})
    work = learner("a")
    work_flow.mark_complete(work, "answer")
    grading.grade(work, "70", "", teacher)
    grading.release(work.resource_link)
    delivery = GradeDelivery.objects.get()
    assert delivery.state == "sent"  # eager: the task ran on commit
    # Back to queued, then an attempt claims the row and its worker dies.
    GradeDelivery.objects.update(
        state="queued", attempts=1, sent_at=None, next_attempt_at=timezone.now()
    )
    claimed = deliver._claim(delivery.pk)
    assert claimed is not None and claimed.attempts == 2
    wait = deliver.deliver(delivery.pk)  # the redelivered task
    assert 110 < wait <= 122 and GradeDelivery.objects.get().state == "queued"
    assert deliver_due_grades() is None and GradeDelivery.objects.get().state == "queued"
    GradeDelivery.objects.update(next_attempt_at=timezone.now())  # the lease ends
    assert deliver.deliver(delivery.pk) is None
    assert GradeDelivery.objects.get().state == "sent"


@responses.activate
def test_line_item_is_created_when_the_claim_has_only_the_container(unit, bridge_setup):
    learner, teacher = unit
    token_ok()
    container = "https://lms.example.edu/lineitems"
    responses.post(container, json={"id": "https://lms.example.edu/lineitems/99"}, status=201)
    responses.post("https://lms.example.edu/lineitems/99/scores", json={})
    work = learner("a")
    ResourceLink.objects.update(lineitem_url="", lineitems_url=container)
    delivery = graded_and_released(Work.objects.get(pk=work.pk), teacher)
    delivery.refresh_from_db()
    assert delivery.state == "sent"
    created = json.loads(responses.calls[1].request.body)
    assert created["label"] == "Hello, Python" and created["scoreMaximum"] == 100
    assert ResourceLink.objects.get().lineitem_url == "https://lms.example.edu/lineitems/99"


@responses.activate
def test_teacher_retries_failed_deliveries_over_http(unit, bridge_setup):

    from tests.support import INSTRUCTOR, ScriptedPlatform

    learner, _teacher = unit
    token_ok()
    responses.post(SCORES, status=400, json={"error": "no"})
    work = learner("a")
    teacher = ScriptedPlatform(
        bridge_setup.registration, client=BridgeClient(), private_pem=bridge_setup.private_pem
    )
    teacher.full_launch(sub="teacher", **{LTI + "roles": [INSTRUCTOR]})
    graded_and_released(Work.objects.get(pk=work.pk), Account.objects.get(links__sub="teacher"))
    assert GradeDelivery.objects.get().state == "failed"
    page = teacher.client.get(f"/lti-bridge/units/{work.resource_link_id}/").content.decode()
    assert "Failed" in page and "no" in page
    responses.replace(responses.POST, SCORES, json={})
    response = teacher.client.post(f"/lti-bridge/units/{work.resource_link_id}/deliveries/retry/")
    assert response.status_code == 302
    assert GradeDelivery.objects.get().state == "sent"


def test_only_the_hosts_of_the_claims_registration(unit, bridge_setup):
    """A host another registration owns is still refused for this one's AGS claim."""
    from lti_bridge.models import Registration

    learner, teacher = unit
    Registration.objects.create(
        organization=bridge_setup.registration.organization,
        name="Other",
        issuer="https://other-lms.example.edu",
        client_id="x",
        auth_login_url="https://other-lms.example.edu/auth",
    )
    work = learner("a")
    ResourceLink.objects.update(lineitem_url="https://other-lms.example.edu/lineitems/1")
    delivery = graded_and_released(Work.objects.get(pk=work.pk), teacher)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and "registered" in delivery.last_error


@responses.activate
def test_sweep_command_sends_due_rows_for_cron(unit):
    """Where no beat runs, a cron job runs the sweep as a management command."""
    import io

    from django.core.management import call_command

    learner, teacher = unit
    token_ok()
    responses.post(SCORES, status=503)
    graded_and_released(learner("a"), teacher)
    assert GradeDelivery.objects.get().state == "retrying"
    responses.replace(responses.POST, SCORES, json={})
    GradeDelivery.objects.update(next_attempt_at=timezone.now())
    out = io.StringIO()
    call_command("lti_bridge_deliver_due_grades", stdout=out)
    assert GradeDelivery.objects.get().state == "sent" and "1 due, 0 still due" in out.getvalue()


@responses.activate
@pytest.mark.parametrize("status", [401, 403])
def test_a_rotated_platform_key_refreshes_the_cached_token(unit, status):
    """Open edX's platform (xblock-lti-consumer) answers a token signed with a rotated key
    with 403 "Invalid token signature": the cached token is dropped, a new one fetched once."""
    learner, teacher = unit
    responses.post(TOKEN, json={"access_token": "old", "expires_in": 3600})
    responses.post(TOKEN, json={"access_token": "new", "expires_in": 3600})
    responses.post(SCORES, json={})  # the first grade, with the first token
    graded_and_released(learner("a"), teacher)
    responses.replace(
        responses.POST, SCORES, status=status, json={"detail": "Invalid token signature"}
    )
    responses.add(responses.POST, SCORES, json={})
    delivery = graded_and_released(learner("b"), teacher)
    delivery.refresh_from_db()
    assert delivery.state == "sent", delivery.last_error
    tokens = [
        c.request.headers.get("Authorization") for c in responses.calls if c.request.url == SCORES
    ]
    assert tokens[-2:] == ["Bearer old", "Bearer new"]


@responses.activate
def test_line_item_creation_refreshes_a_stale_token_too(unit):
    learner, teacher = unit
    container = "https://lms.example.edu/lineitems"
    responses.post(TOKEN, json={"access_token": "old", "expires_in": 3600})
    responses.post(TOKEN, json={"access_token": "new", "expires_in": 3600})
    responses.post(container, status=403, json={"detail": "Invalid token signature"})
    responses.post(container, json={"id": "https://lms.example.edu/lineitems/99"}, status=201)
    responses.post("https://lms.example.edu/lineitems/99/scores", json={})
    work = learner("a")
    ResourceLink.objects.update(lineitem_url="", lineitems_url=container)
    delivery = graded_and_released(Work.objects.get(pk=work.pk), teacher)
    delivery.refresh_from_db()
    assert delivery.state == "sent", delivery.last_error


@responses.activate
def test_an_identical_resend_the_platform_already_holds_is_delivered(unit):
    """lti-consumer answers the very same score sent again with 400 "Score already exists
    for the provided timestamp"; its results endpoint confirms it holds that score."""
    learner, teacher = unit
    token_ok()
    responses.post(
        SCORES, status=400, json={"detail": "Score already exists for the provided timestamp"}
    )
    work = learner("a")
    link = work.resource_link
    sub = link.classroom.registration.links.get(account=work.account).sub
    responses.get(
        LINEITEM + "/results", json=[{"userId": sub, "resultScore": 0.9, "resultMaximum": 1}]
    )
    delivery = graded_and_released(work, teacher)
    delivery.refresh_from_db()
    assert delivery.state == "sent", delivery.last_error


@responses.activate
def test_a_held_score_that_differs_is_not_taken_for_a_delivery(unit):
    learner, teacher = unit
    token_ok()
    responses.post(
        SCORES, status=400, json={"detail": "Score already exists for the provided timestamp"}
    )
    work = learner("a")
    sub = work.resource_link.classroom.registration.links.get(account=work.account).sub
    responses.get(
        LINEITEM + "/results", json=[{"userId": sub, "resultScore": 10, "resultMaximum": 100}]
    )
    delivery = graded_and_released(work, teacher)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and "already exists" in delivery.last_error
