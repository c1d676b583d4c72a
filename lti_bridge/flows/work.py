"""A learner's work on a unit: drafts, "Mark as complete" (locks it), reopening.

Work on a unit its LMS activity no longer opens (a replaced link, ADR 0013) is kept as it
was: the learner can no longer change it; a teacher may still complete or reopen it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..delivery import outbox
from ..models import Work

MAX_ANSWER = 100_000


class WorkError(ValueError):
    """An action the work's state does not allow; the message says why."""


def save_draft(work, answer):
    if not work.resource_link.is_current:
        raise WorkError(
            _(
                "Your course's activity now opens another unit. This work is kept as it was, "
                "with its grade, and can no longer be changed."
            )
        )
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
    if work.resource_link.is_current:  # a replaced unit's grades are held from the LMS
        outbox.on_submission(work)


def reopen(work):
    work.status = Work.Status.IN_PROGRESS
    work.completed_at = None
    work.save(update_fields=["status", "completed_at"])
