"""Delivering one outbox row: claim it, skip it if a newer grade exists, hold it if its unit
is no longer the one its LMS activity opens, send it, record the outcome. Retry timing is
the task's; what is retryable is decided here.

Every send passes here (the task after a release, its retries, the sweep, a teacher's or an
operator's retry), so this is where a replaced unit's grades are kept from the LMS
(docs/decisions/0013-relinked-units.rst): the activity's grade column (its line item)
belongs to the unit it opens now, and a grade of the earlier unit posted there would stand
as the learner's grade for the new one. Such a row is HELD, not failed and not lost:
``outbox.requeue_held`` queues it again if the activity opens its unit again."""

import logging
import random
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import conf, queue
from ..models import GradeDelivery, Link, ResourceLink, Work
from . import ags_client

log = logging.getLogger(__name__)

CLOCK_TOLERANCE = timedelta(seconds=5)


def backoff(attempts, retry_after=None):
    """Seconds before the next try: exponential with full jitter, capped; Retry-After wins."""
    cap = conf.get("DELIVERY_BACKOFF_CAP")
    if retry_after:
        return min(retry_after, cap)
    base = conf.get("DELIVERY_BACKOFF_BASE")
    return random.uniform(1, max(1, min(cap, base * 2 ** min(attempts, 10))))  # noqa: S311


class NotDue(Exception):  # noqa: N818 - a signal, not an error
    """The row is held by another attempt's lease (or is not due yet) until ``at``."""

    def __init__(self, at):
        self.at = at


def feedback_url(work):
    return conf.base_url() + reverse("lti_bridge:feedback", args=[work.pk])


def score_document(delivery, sub):
    work = delivery.work
    document = {
        "userId": sub,
        "timestamp": delivery.timestamp.isoformat(),
        "activityProgress": "Completed" if work.status == work.Status.COMPLETED else "Submitted",
        "gradingProgress": "FullyGraded" if delivery.version else "PendingManual",
    }
    if delivery.version:
        document["scoreGiven"] = float(delivery.score_given)
        document["scoreMaximum"] = float(delivery.score_maximum)
        document["comment"] = f"{delivery.comment}\n\nFeedback: {feedback_url(work)}".strip()
    elif work.released_version:
        # Progress only (the current grade is not released): a score without scoreGiven
        # would clear the learner's grade in the LMS (AGS 2.0), so the released grade goes
        # along with the progress.
        released = work.deliveries.filter(version=work.released_version).order_by("-pk").first()
        if released is not None and released.score_given is not None:
            document["gradingProgress"] = "FullyGraded"
            document["scoreGiven"] = float(released.score_given)
            document["scoreMaximum"] = float(released.score_maximum)
            document["comment"] = f"{released.comment}\n\nFeedback: {feedback_url(work)}".strip()
    return document


def _claim(delivery_id):
    """Take the row for one attempt: a short transaction that sets a lease (the row is due
    again only if this attempt dies), so no database lock is held during the HTTP calls."""
    now = timezone.now()
    with transaction.atomic():
        # Lock the outbox row alone. Joined in the same SELECT ... FOR UPDATE, the work,
        # unit, class and registration rows would be locked too (MariaDB has no FOR UPDATE
        # OF), and every other row of the same class would be skipped as "locked" by a
        # second worker: its task would end with the grade left for the sweep.
        delivery = (
            GradeDelivery.objects.select_for_update(skip_locked=True).filter(pk=delivery_id).first()
        )
        if delivery is None or delivery.state not in (
            GradeDelivery.State.QUEUED,
            GradeDelivery.State.RETRYING,
        ):
            return None  # sent, failed, superseded, or another worker holds it
        if delivery.next_attempt_at > now + CLOCK_TOLERANCE:
            # Another attempt holds the lease (or a retry is scheduled). If that attempt's
            # worker died, this task (redelivered: acks_late) must try again when it ends.
            raise NotDue(delivery.next_attempt_at)
        # the rows it needs, read without locking them
        delivery.work = work = Work.objects.select_related(
            "resource_link__classroom__registration", "resource_link__unit", "account"
        ).get(pk=delivery.work_id)
        if delivery.version and work.deliveries.filter(version__gt=delivery.version).exists():
            delivery.state = GradeDelivery.State.SUPERSEDED
            delivery.save(update_fields=["state"])
            return None
        if not work.resource_link.is_current:
            _hold(delivery)
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + timedelta(seconds=conf.get("DELIVERY_LEASE"))
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def deliver(delivery_id):
    """Send one row. Returns the seconds to wait before trying again (a retryable failure,
    or the row held by another attempt's lease), or None when there is nothing left to do."""
    try:
        delivery = _claim(delivery_id)
    except NotDue as held:
        return max(1.0, (held.at - timezone.now()).total_seconds() + 1)
    if delivery is None:
        return None
    work = delivery.work
    link = work.resource_link
    registration = link.classroom.registration
    sub = (
        Link.objects.filter(registration=registration, account=work.account_id)
        .values_list("sub", flat=True)
        .first()
    )
    try:
        if not link.lineitem_url and link.lineitems_url:
            link.lineitem_url = ags_client.create_line_item(
                registration,
                link.lineitems_url,
                label=link.content.title,
                resource_link_id=link.resource_link_id,
            )
            link.save(update_fields=["lineitem_url"])
        if not link.lineitem_url:
            raise ags_client.DeliveryError("the launch carried no AGS line item", retryable=False)
        if sub is None:
            raise ags_client.DeliveryError("the learner has no link to this LMS", retryable=False)
        if not ResourceLink.objects.filter(pk=link.pk, current=True).exists():
            # the activity moved to another unit since the claim: read again just before
            # posting, so that only a post already on the wire can still reach the column
            _hold(delivery)
            return None
        ags_client.post_score(registration, link.lineitem_url, score_document(delivery, sub))
    except ags_client.DeliveryError as exc:
        return _failed(delivery, exc)
    GradeDelivery.objects.filter(pk=delivery.pk).update(
        state=GradeDelivery.State.SENT, sent_at=timezone.now(), last_error=""
    )
    log.info("Grade delivery %s sent (attempt %s)", delivery.pk, delivery.attempts)
    return None


def _hold(delivery):
    """Keep the row from the LMS: its unit is no longer the one its activity opens."""
    GradeDelivery.objects.filter(pk=delivery.pk).update(
        state=GradeDelivery.State.HELD, last_error=""
    )
    log.info("Grade delivery %s held: its LMS activity opens another unit now", delivery.pk)


def _failed(delivery, exc):
    delivery.last_error = str(exc)[:2000]
    if exc.status == 409:  # the LMS holds a newer score: this one is stale
        delivery.state = GradeDelivery.State.SUPERSEDED
        delivery.save(update_fields=["state", "last_error"])
        return None
    retry_for = timedelta(seconds=conf.get("DELIVERY_RETRY_FOR"))
    if exc.retryable and timezone.now() - delivery.created < retry_for:
        wait = backoff(delivery.attempts, exc.retry_after)
        delivery.state = GradeDelivery.State.RETRYING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=wait)
        delivery.save(update_fields=["state", "last_error", "next_attempt_at"])
        log.warning("Grade delivery %s: %s; retry in %.0fs", delivery.pk, exc, wait)
        return wait
    delivery.state = GradeDelivery.State.FAILED
    delivery.save(update_fields=["state", "last_error"])
    log.warning("Grade delivery %s failed: %s", delivery.pk, exc)
    return None


def retry(deliveries):
    """Teacher's (or operator's) "retry": failed rows go back to the queue (after commit, a
    task each). Rows of a unit its LMS activity no longer opens stay as they are (the
    activity's column belongs to another unit now): :func:`not_retried` counts them."""
    now = timezone.now()
    ids = list(
        deliveries.filter(
            state=GradeDelivery.State.FAILED, work__resource_link__current=True
        ).values_list("pk", flat=True)
    )
    GradeDelivery.objects.filter(pk__in=ids).update(
        state=GradeDelivery.State.QUEUED, next_attempt_at=now, attempts=0, created=now
    )
    queue.each_after_commit(queue.DELIVER_GRADE, [(pk,) for pk in ids])
    return len(ids)


def not_retried(deliveries):
    """How many failed rows :func:`retry` leaves as they are: their unit is no longer the
    one its LMS activity opens (docs/decisions/0013-relinked-units.rst)."""
    return (
        deliveries.filter(state=GradeDelivery.State.FAILED)
        .exclude(work__resource_link__current=True)
        .count()
    )
