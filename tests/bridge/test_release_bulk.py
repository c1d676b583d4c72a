""" "Release Grades" for a whole class in bulk (issue 15): a handful of statements whatever
the class size, one Celery message per 50 deliveries, the same outcome as one by one (audit
rows, send modes, older waiting rows superseded), and only the grades to release locked."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lti_bridge.delivery import outbox
from lti_bridge.flows import grading
from lti_bridge.models import Account, GradeChange, GradeDelivery, ResourceLink, Work

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(bridge_setup):
    assert bridge_setup.full_launch().status_code == 200
    return ResourceLink.objects.select_related("unit", "classroom").get()


def graded_class(link, size, *, completed=True, released=0):
    accounts = Account.objects.bulk_create(
        [Account(name=f"Learner {n}", email=f"l{n}-{link.pk}@example.edu") for n in range(size)]
    )
    return Work.objects.bulk_create(
        [
            Work(
                resource_link=link,
                account=account,
                status=Work.Status.COMPLETED if completed else Work.Status.IN_PROGRESS,
                points=Decimal(50 + n % 50),
                comment=f"comment {n}",
                grade_version=2,
                released_version=2 if n < released else 1,
            )
            for n, account in enumerate(accounts)
        ]
    )


def release_counting(link, monkeypatch, django_capture_on_commit_callbacks):
    messages = []
    monkeypatch.setattr(outbox, "TASK_BATCH", 50)
    from lti_bridge import tasks

    monkeypatch.setattr(tasks.deliver_grades, "delay", lambda ids: messages.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=True):
        with CaptureQueriesContext(connection) as queries:
            count = grading.release(link)
    return count, len(queries), messages


def test_release_costs_a_few_statements_per_thousand_learners(
    unit, monkeypatch, django_capture_on_commit_callbacks
):
    small_link = unit
    graded_class(small_link, 10)
    small = release_counting(small_link, monkeypatch, django_capture_on_commit_callbacks)

    big_link = ResourceLink.objects.create(
        classroom=unit.classroom, unit=unit.unit, resource_link_id="big", title="Big"
    )
    big_link = ResourceLink.objects.select_related("unit", "classroom").get(pk=big_link.pk)
    graded_class(big_link, 1200)
    big = release_counting(big_link, monkeypatch, django_capture_on_commit_callbacks)

    assert (small[0], big[0]) == (10, 1200)
    # bulk statements: SQLite's bound-parameter limit splits an insert into ~100-row batches
    # (MariaDB's does not), and nothing is per learner: it used to be 8 queries each
    assert small[1] <= 12, small[1]
    assert big[1] <= small[1] + 3 * (1200 // 100) + 4, (small[1], big[1])
    assert [len(m) for m in big[2]] == [50] * 24  # one message per 50 deliveries
    assert sorted(pk for m in big[2] for pk in m) == sorted(
        GradeDelivery.objects.filter(work__resource_link=big_link).values_list("pk", flat=True)
    )


def test_bulk_release_gives_what_one_by_one_gave(
    unit, monkeypatch, django_capture_on_commit_callbacks
):
    works = graded_class(unit, 6, released=2)  # two already released: left alone
    Work.objects.filter(pk=works[5].pk).update(status=Work.Status.IN_PROGRESS)
    old = GradeDelivery.objects.create(  # an older version still waiting: superseded
        work=works[3],
        version=1,
        score_given=1,
        score_maximum=100,
        timestamp="2026-01-01T00:00Z",
        state=GradeDelivery.State.RETRYING,
        next_attempt_at="2026-01-01T00:00Z",
    )
    teacher = Account.objects.create(name="Grace Hopper", email="grace@example.edu")
    count, _queries, messages = release_counting(
        unit, monkeypatch, django_capture_on_commit_callbacks
    )
    count_again = grading.release(unit, by=teacher)

    assert (count, count_again) == (4, 0)
    assert set(
        Work.objects.filter(points__isnull=False).values_list("released_version", flat=True)
    ) == {2}
    released = GradeChange.objects.filter(action=GradeChange.Action.RELEASED)
    assert sorted(released.values_list("work_id", flat=True)) == [w.pk for w in works[2:]]
    assert set(released.values_list("points_before", flat=True)) == {w.points for w in works[2:]}
    # GRADE_RELEASE mode: completed work only goes to the LMS, at its version, as a percentage
    sent = GradeDelivery.objects.filter(state=GradeDelivery.State.QUEUED)
    assert sorted(sent.values_list("work_id", "version")) == [(w.pk, 2) for w in works[2:5]]
    assert sent.get(work=works[2]).score_given == Decimal("52.00")
    assert sent.get(work=works[2]).comment == "comment 2"
    old.refresh_from_db()
    assert old.state == GradeDelivery.State.SUPERSEDED
    assert sorted(messages[0]) == sorted(sent.values_list("pk", flat=True))


def test_changed_mode_sends_only_grades_that_differ_from_the_last_sent(
    unit, monkeypatch, django_capture_on_commit_callbacks
):
    ResourceLink.objects.filter(pk=unit.pk).update(send_mode=ResourceLink.SendMode.CHANGED)
    unit.refresh_from_db()
    same, different = graded_class(unit, 2)
    for work, score in ((same, Decimal("50.00")), (different, Decimal("10.00"))):
        GradeDelivery.objects.create(
            work=work,
            version=1,
            score_given=score,
            score_maximum=100,
            timestamp="2026-01-01T00:00Z",
            state=GradeDelivery.State.SENT,
            next_attempt_at="2026-01-01T00:00Z",
        )
    count, _queries, _messages = release_counting(
        unit, monkeypatch, django_capture_on_commit_callbacks
    )
    assert count == 2
    queued = GradeDelivery.objects.filter(state=GradeDelivery.State.QUEUED)
    assert list(queued.values_list("work_id", flat=True)) == [different.pk]


def test_a_release_locks_only_the_grades_it_releases(unit, monkeypatch):
    works = graded_class(unit, 3, released=1)
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        grading.release(unit)
    locking = [s for s in statements if "FOR UPDATE" in s.upper()]
    if connection.features.has_select_for_update:
        assert len(locking) == 1 and "released_version" in locking[0]
    assert Work.objects.get(pk=works[0].pk).released_version == 2


def test_a_row_already_there_for_the_same_version_is_reset_not_doubled(
    unit, monkeypatch, django_capture_on_commit_callbacks
):
    (work,) = graded_class(unit, 1)
    stale = GradeDelivery.objects.create(
        work=work,
        version=2,
        score_given=1,
        score_maximum=100,
        timestamp="2026-01-01T00:00Z",
        state=GradeDelivery.State.FAILED,
        attempts=7,
        last_error="HTTP 500",
        next_attempt_at="2026-01-01T00:00Z",
    )
    count, _queries, messages = release_counting(
        unit, monkeypatch, django_capture_on_commit_callbacks
    )
    assert count == 1
    stale.refresh_from_db()
    assert (stale.state, stale.attempts, stale.last_error) == ("queued", 0, "")
    assert stale.score_given == Decimal("50.00") and stale.comment == "comment 0"
    assert GradeDelivery.objects.count() == 1 and messages == [[stale.pk]]
