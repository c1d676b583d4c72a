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
