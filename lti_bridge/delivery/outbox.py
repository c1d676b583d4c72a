"""Deciding which grades go to the LMS, and queueing them (DESIGN section 5).

Send modes (Codio's ``custom_codio_send_grade``):

* GRADE_RELEASE (default): a released grade of completed work, at release time;
* ALWAYS: at every submission or grade action;
* CHANGED: when the released grade differs from the last one sent.

Grades stay hidden in the LMS until released, whatever the mode: an unreleased grade is
never sent; in ALWAYS mode a submission or an unreleased grade sends the work's progress
without a score.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from .. import queue
from ..db import insert_statement
from ..models import GradeDelivery, ResourceLink, Work

MODE = ResourceLink.SendMode
# rows not sent yet that would still go out: an older one of them would overwrite a newer
# grade, so a new grade supersedes them (a held row goes out if its unit is linked again)
WAITING = (
    GradeDelivery.State.QUEUED,
    GradeDelivery.State.RETRYING,
    GradeDelivery.State.HELD,
)


def percentage(work):
    """The percentage earned, extra credit excluded (never above 100)."""
    return _percent(work.points, work.resource_link.unit.max_points)


def _last_sent(work):
    return work.deliveries.filter(state=GradeDelivery.State.SENT).order_by("-version").first()


def _queue(work, *, with_score):
    """Write the outbox row for the work's current state (same transaction as the cause)."""
    now = timezone.now()
    version = work.grade_version if with_score else 0
    delivery, _created = GradeDelivery.objects.update_or_create(
        work=work,
        version=version,
        defaults={
            "score_given": percentage(work) if with_score else 0,
            "score_maximum": 100,
            "comment": work.comment if with_score else "",
            "timestamp": now,
            "state": GradeDelivery.State.QUEUED,
            "next_attempt_at": now,
            "attempts": 0,
            "last_error": "",
        },
    )
    # older rows still waiting (or held) would overwrite this one: they are superseded
    work.deliveries.filter(version__lt=version, state__in=WAITING).exclude(pk=delivery.pk).update(
        state=GradeDelivery.State.SUPERSEDED
    )
    queue.after_commit(queue.DELIVER_GRADE, delivery.pk)
    return delivery


def _released_and_complete(work):
    return work.grade_released and work.status == Work.Status.COMPLETED


def on_submission(work):
    mode = work.resource_link.send_mode
    if mode == MODE.ALWAYS:
        _queue(work, with_score=work.grade_released)
    elif mode == MODE.GRADE_RELEASE and _released_and_complete(work):
        _queue(work, with_score=True)


def on_grade(work):
    mode = work.resource_link.send_mode
    if mode == MODE.ALWAYS:
        _queue(work, with_score=work.grade_released)
    elif work.grade_released:
        on_release(work)


def on_release(work):
    mode = work.resource_link.send_mode
    if mode == MODE.CHANGED:
        last = _last_sent(work)
        if last is None or last.score_given != percentage(work):
            _queue(work, with_score=True)
    elif mode == MODE.ALWAYS or _released_and_complete(work):
        _queue(work, with_score=True)


# -- many at once: a release of a whole unit --
#
# A release is class-sized and runs in the teacher's request. Its rows are written with
# plain INSERTs (``executemany``) rather than ``bulk_create``: at 10,000 learners Django
# spent ~2 s preparing bulk_create's 100,000 values one field at a time, for 0.2 s of
# database work. The values are adapted once per column kind here instead.

QUEUE_BATCH = 1000  # rows per statement
TASK_BATCH = 50  # deliveries per Celery message: workers share a release, few messages


@dataclass(frozen=True)
class Released:
    """A grade a release has just released (what its outbox row needs)."""

    pk: int
    grade_version: int
    points: Decimal
    comment: str
    status: str


def _percent(points, maximum):
    if not maximum:
        return Decimal(0)
    return min(points / maximum * 100, Decimal(100)).quantize(Decimal("0.01"))


def on_release_many(link, released):
    """:func:`on_release` for many grades of one resource link (``Released`` rows), in a
    few statements per thousand: those whose grade goes to the LMS get outbox rows."""
    maximum = link.unit.max_points
    mode = link.send_mode
    if mode == MODE.CHANGED:
        last = _last_sent_scores([r.pk for r in released])
        chosen = [r for r in released if last.get(r.pk) != _percent(r.points, maximum)]
    elif mode == MODE.ALWAYS:
        chosen = list(released)
    else:
        chosen = [r for r in released if r.status == Work.Status.COMPLETED]
    return queue_many(chosen, maximum)


def _last_sent_scores(work_ids):
    """work id -> score of its newest SENT delivery."""
    newest = {}
    for start in range(0, len(work_ids), QUEUE_BATCH):
        rows = GradeDelivery.objects.filter(
            work_id__in=work_ids[start : start + QUEUE_BATCH], state=GradeDelivery.State.SENT
        ).values_list("work_id", "version", "score_given")
        for work_id, version, score in rows:
            if work_id not in newest or version > newest[work_id][0]:
                newest[work_id] = (version, score)
    return {work_id: score for work_id, (_version, score) in newest.items()}


def queue_many(released, maximum):
    """:func:`_queue` (with the score) for many ``Released`` grades: new outbox rows
    inserted, a row already there for the same version reset, older waiting rows
    superseded; after commit one Celery message per TASK_BATCH rows. Returns their ids."""
    ops = connection.ops
    now = timezone.now()
    at = ops.adapt_datetimefield_value(now)
    queued = GradeDelivery.State.QUEUED.value
    waiting = set(WAITING)
    insert = insert_statement(
        GradeDelivery,
        [
            "work_id",
            "version",
            "score_given",
            "score_maximum",
            "comment",
            "timestamp",
            "state",
            "attempts",
            "last_error",
            "next_attempt_at",
            "created",
        ],
    )
    hundred = ops.adapt_decimalfield_value(Decimal(100), 8, 2)
    pks = []
    for start in range(0, len(released), QUEUE_BATCH):
        chunk = released[start : start + QUEUE_BATCH]
        versions = {r.pk: r.grade_version for r in chunk}
        same, older = [], []
        for pk, work_id, version, state in GradeDelivery.objects.filter(
            work_id__in=list(versions)
        ).values_list("pk", "work_id", "version", "state"):
            if version == versions[work_id]:
                same.append(work_id)
            elif version < versions[work_id] and state in waiting:
                older.append(pk)  # would overwrite the newer grade: superseded
        if older:
            GradeDelivery.objects.filter(pk__in=older).update(state=GradeDelivery.State.SUPERSEDED)
        again = set(same)
        for r in chunk:  # rare: a row for this very version exists (reset it, as _queue)
            if r.pk in again:
                GradeDelivery.objects.filter(work_id=r.pk, version=r.grade_version).update(
                    score_given=_percent(r.points, maximum),
                    score_maximum=100,
                    comment=r.comment,
                    timestamp=now,
                    state=queued,
                    next_attempt_at=now,
                    attempts=0,
                    last_error="",
                )
        rows = [
            (
                r.pk,
                r.grade_version,
                ops.adapt_decimalfield_value(_percent(r.points, maximum), 8, 2),
                hundred,
                r.comment,
                at,
                queued,
                0,
                "",
                at,
                at,
            )
            for r in chunk
            if r.pk not in again
        ]
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(insert, rows)
        pks += [
            pk
            for pk, work_id, version in GradeDelivery.objects.filter(
                work_id__in=list(versions), state=queued
            ).values_list("pk", "work_id", "version")
            if version == versions[work_id]
        ]
    batches = [(pks[i : i + TASK_BATCH],) for i in range(0, len(pks), TASK_BATCH)]
    queue.each_after_commit(queue.DELIVER_GRADES, batches)
    return pks


def hold_waiting(link):
    """Hold the rows of ``link`` still waiting to go out, now that its LMS activity opens
    another unit: the teacher's page says so at once (``deliver`` would hold each when it
    next tried to send it). Returns how many."""
    return GradeDelivery.objects.filter(
        work__resource_link=link,
        state__in=(GradeDelivery.State.QUEUED, GradeDelivery.State.RETRYING),
    ).update(state=GradeDelivery.State.HELD, last_error="")


def requeue_held(link):
    """Queue again the rows of ``link`` that never reached the LMS while its LMS activity
    opened another unit (held by ``deliver``, or still waiting), now that the activity opens
    this unit again (docs/decisions/0013-relinked-units.rst). They are stamped now: the
    activity's column may hold a score of the other unit, sent meanwhile, which an older
    timestamp would not replace (AGS 2.0: the platform keeps the newest). Returns their ids."""
    now = timezone.now()
    rows = GradeDelivery.objects.filter(work__resource_link=link, state__in=WAITING)
    ids = list(rows.values_list("pk", flat=True))
    GradeDelivery.objects.filter(pk__in=ids).update(
        state=GradeDelivery.State.QUEUED,
        timestamp=now,
        next_attempt_at=now,
        attempts=0,
        created=now,
        last_error="",
    )
    queue.each_after_commit(queue.DELIVER_GRADE, [(pk,) for pk in ids])
    return ids
