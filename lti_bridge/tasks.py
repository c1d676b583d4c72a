"""Celery tasks of the bridge: thin, named explicitly, taking ids and calling a flow."""

from smtplib import SMTPException

from celery import shared_task

MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
    "acks_late": True,
}


@shared_task(name="lti_bridge.send_verification_email", **MAIL_RETRY)
def send_verification_email(verification_id):
    from .flows import email_verification

    email_verification.send(verification_id)


@shared_task(name="lti_bridge.send_password_reset_email", **MAIL_RETRY)
def send_password_reset_email(account_id):
    from .flows import password

    password.send_reset(account_id)


@shared_task(
    name="lti_bridge.deliver_grade",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def deliver_grade(self, delivery_id):
    """Send one outbox row; retryable failures come back after the flow's backoff."""
    from .delivery.deliver import deliver

    wait = deliver(delivery_id)
    if wait is not None and not self.request.is_eager:
        raise self.retry(countdown=wait)
    # eager (demo, tests): the row waits as RETRYING for lti_bridge.deliver_due_grades


@shared_task(
    name="lti_bridge.deliver_grades", bind=True, acks_late=True, reject_on_worker_lost=True
)
def deliver_grades(self, delivery_ids):
    """Send a batch of outbox rows (a release queues one message per 50); a row that must
    wait is queued again on its own after the flow's backoff, the rest go on."""
    from .delivery.deliver import deliver

    for delivery_id in delivery_ids:
        wait = deliver(delivery_id)
        if wait is not None and not self.request.is_eager:
            deliver_grade.apply_async((delivery_id,), countdown=wait)


@shared_task(name="lti_bridge.deliver_due_grades", acks_late=True)
def deliver_due_grades():
    """Sweep: send every row whose next attempt is due (run it periodically, e.g. by beat;
    it also catches rows whose task was lost)."""
    from django.utils import timezone

    from .delivery.deliver import deliver
    from .models import GradeDelivery

    for pk in GradeDelivery.objects.due(timezone.now()).values_list("pk", flat=True)[:500]:
        deliver(pk)


@shared_task(name="lti_bridge.sync_roster", acks_late=True)
def sync_roster(sync_id):
    """Read one class's roster from the LMS and apply it (a queued RosterSync)."""
    from .flows import roster

    roster.run(sync_id)


@shared_task(name="lti_bridge.sync_stale_rosters", acks_late=True)
def sync_stale_rosters():
    """Periodic: queue a sync of every class whose roster is out of date."""
    from .flows import roster

    return roster.sync_stale_rosters()
