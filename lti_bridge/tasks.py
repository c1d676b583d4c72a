"""Celery tasks of the bridge: thin, named explicitly, taking ids and calling a flow.

The flows queue these through :mod:`lti_bridge.queue` by the names declared there; this
module imports the flows, and nothing imports this module but the app's ``ready`` (which
registers the tasks), Celery's autodiscovery and the cron commands.
"""

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from . import queue
from .delivery.deliver import deliver
from .flows import email_verification, password, roster
from .models import GradeDelivery

MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
    "acks_late": True,
}


@shared_task(name=queue.SEND_VERIFICATION_EMAIL, **MAIL_RETRY)
def send_verification_email(verification_id):
    email_verification.send(verification_id)


@shared_task(name=queue.SEND_RESET_EMAIL, **MAIL_RETRY)
def send_password_reset_email(account_id):
    password.send_reset(account_id)


@shared_task(
    name=queue.DELIVER_GRADE,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def deliver_grade(self, delivery_id):
    """Send one outbox row; retryable failures come back after the flow's backoff."""
    wait = deliver(delivery_id)
    if wait is not None and not self.request.is_eager:
        raise self.retry(countdown=wait)
    # eager (demo, tests): the row waits as RETRYING for lti_bridge.deliver_due_grades


@shared_task(name=queue.DELIVER_GRADES, bind=True, acks_late=True, reject_on_worker_lost=True)
def deliver_grades(self, delivery_ids):
    """Send a batch of outbox rows (a release queues one message per 50); a row that must
    wait is queued again on its own after the flow's backoff, the rest go on."""
    for delivery_id in delivery_ids:
        wait = deliver(delivery_id)
        if wait is not None and not self.request.is_eager:
            queue.later(queue.DELIVER_GRADE, delivery_id, countdown=wait)


@shared_task(name=queue.DELIVER_DUE_GRADES, acks_late=True)
def deliver_due_grades():
    """Sweep: send every row whose next attempt is due (run it periodically, e.g. by beat;
    it also catches rows whose task was lost)."""
    for pk in GradeDelivery.objects.due(timezone.now()).values_list("pk", flat=True)[:500]:
        deliver(pk)


@shared_task(name=queue.SYNC_ROSTER, acks_late=True)
def sync_roster(sync_id):
    """Read one class's roster from the LMS and apply it (a queued RosterSync)."""
    roster.run(sync_id)


@shared_task(name=queue.SYNC_STALE_ROSTERS, acks_late=True)
def sync_stale_rosters():
    """Periodic: queue a sync of every class whose roster is out of date."""
    return roster.sync_stale_rosters()
