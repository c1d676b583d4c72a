"""Deciding which grades go to the LMS, and queueing them (DESIGN section 5).

Send modes (Codio's ``custom_codio_send_grade``):

* GRADE_RELEASE (default): a released grade of completed work, at release time;
* ALWAYS: at every submission or grade action;
* CHANGED: when the released grade differs from the last one sent.

Grades stay hidden in the LMS until released, whatever the mode: an unreleased grade is
never sent; in ALWAYS mode a submission or an unreleased grade sends the work's progress
without a score.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import GradeDelivery, ResourceLink, Work

MODE = ResourceLink.SendMode


def percentage(work):
    """The percentage earned, extra credit excluded (never above 100)."""
    maximum = work.resource_link.unit.max_points
    if not maximum:
        return Decimal(0)
    return min(work.points / maximum * 100, Decimal(100)).quantize(Decimal("0.01"))


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
    # older rows still waiting would overwrite this one: they are superseded
    work.deliveries.filter(
        version__lt=version,
        state__in=[GradeDelivery.State.QUEUED, GradeDelivery.State.RETRYING],
    ).exclude(pk=delivery.pk).update(state=GradeDelivery.State.SUPERSEDED)
    from ..tasks import deliver_grade

    transaction.on_commit(lambda: deliver_grade.delay(delivery.pk))
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

QUEUE_BATCH = 1000  # rows per statement
TASK_BATCH = 50  # deliveries per Celery message: workers share a release, few messages


def on_release_many(link, works):
    """:func:`on_release` for many works of one resource link, in a few statements: the
    works whose grade goes to the LMS get their outbox rows (queue_many)."""
    mode = link.send_mode
    if mode == MODE.CHANGED:
        last = _last_sent_scores([w.pk for w in works])
        chosen = [w for w in works if last.get(w.pk) != percentage(w)]
    elif mode == MODE.ALWAYS:
        chosen = list(works)
    else:
        chosen = [w for w in works if w.status == Work.Status.COMPLETED]
    return queue_many(chosen)


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


def _upsert_names_its_target():
    from django.db import connection

    return connection.features.supports_update_conflicts_with_target


def queue_many(works):
    """:func:`_queue` (with the score) for many works: their rows written or reset in bulk,
    older waiting rows superseded, and after commit one Celery message per TASK_BATCH
    rows. Returns the delivery ids."""
    now = timezone.now()
    pks = []
    for start in range(0, len(works), QUEUE_BATCH):
        chunk = works[start : start + QUEUE_BATCH]
        GradeDelivery.objects.bulk_create(
            [
                GradeDelivery(
                    work_id=w.pk,
                    version=w.grade_version,
                    score_given=percentage(w),
                    score_maximum=100,
                    comment=w.comment,
                    timestamp=now,
                    state=GradeDelivery.State.QUEUED,
                    next_attempt_at=now,
                    attempts=0,
                    last_error="",
                )
                for w in chunk
            ],
            update_conflicts=True,
            # MySQL/MariaDB's ON DUPLICATE KEY UPDATE takes no target: any unique key
            # (here only unique_delivery_per_version, besides the id) triggers it
            unique_fields=["work", "version"] if _upsert_names_its_target() else None,
            update_fields=[
                "score_given",
                "score_maximum",
                "comment",
                "timestamp",
                "state",
                "next_attempt_at",
                "attempts",
                "last_error",
            ],
        )
        versions = {w.pk: w.grade_version for w in chunk}
        rows = GradeDelivery.objects.filter(work_id__in=list(versions)).values_list(
            "pk", "work_id", "version", "state"
        )
        waiting = {GradeDelivery.State.QUEUED, GradeDelivery.State.RETRYING}
        older = []
        for pk, work_id, version, state in rows:
            if version == versions[work_id]:
                pks.append(pk)
            elif version < versions[work_id] and state in waiting:
                older.append(pk)  # would overwrite the newer grade: superseded
        if older:
            GradeDelivery.objects.filter(pk__in=older).update(state=GradeDelivery.State.SUPERSEDED)
    from ..tasks import deliver_grades

    batches = [pks[i : i + TASK_BATCH] for i in range(0, len(pks), TASK_BATCH)]
    transaction.on_commit(lambda: [deliver_grades.delay(batch) for batch in batches])
    return pks
