"""A learner's work on a unit: drafts, "Mark as complete" (locks it), reopening."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..delivery import outbox
from ..models import Work

MAX_ANSWER = 100_000


class WorkError(ValueError):
    """An action the work's state does not allow; the message says why."""


def save_draft(work, answer):
    if work.status == Work.Status.COMPLETED:
        raise WorkError(_("This work is marked complete; it can no longer be changed."))
    if len(answer) > MAX_ANSWER:
        raise WorkError(_("The answer is too long."))
    work.answer = answer
    work.status = Work.Status.IN_PROGRESS
    work.saved_at = timezone.now()
    work.save(update_fields=["answer", "status", "saved_at"])


@transaction.atomic
def mark_complete(work, answer=None):
    if answer is not None:
        save_draft(work, answer)
    if work.status == Work.Status.COMPLETED:
        return
    work.status = Work.Status.COMPLETED
    work.completed_at = timezone.now()
    work.save(update_fields=["status", "completed_at"])
    outbox.on_submission(work)


def reopen(work):
    work.status = Work.Status.IN_PROGRESS
    work.completed_at = None
    work.save(update_fields=["status", "completed_at"])
