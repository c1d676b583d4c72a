"""The grade outbox: one row per learner and grade version to send to the LMS (AGS)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .classroom import Work


class GradeDeliveryQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(
            state__in=[GradeDelivery.State.QUEUED, GradeDelivery.State.RETRYING],
            next_attempt_at__lte=now,
        )


class GradeDelivery(models.Model):
    """A grade waiting to reach, or having reached, the LMS gradebook (AGS 2.0 score).

    Written in the same transaction as the release or grade that causes it, delivered by a
    Celery task after commit. ``version`` is the work's grade version: a row older than the
    newest for its work is superseded and never sent, so an older grade cannot overwrite a
    newer one. A row whose unit its LMS activity no longer opens (a replaced resource link,
    docs/decisions/0013-relinked-units.rst) is held, never sent to the column that now
    belongs to another unit, and queued again if the activity opens its unit again.

    .. pii: a learner's grade on its way to the LMS.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RETRYING = "retrying", _("Retrying")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPERSEDED = "superseded", _("Superseded by a newer grade")
        HELD = "held", _("Held: this LMS activity opens another unit now")

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="deliveries")
    version = models.PositiveIntegerField()
    score_given = models.DecimalField(max_digits=8, decimal_places=2)
    score_maximum = models.DecimalField(max_digits=8, decimal_places=2)
    comment = models.TextField(blank=True)
    timestamp = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = GradeDeliveryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work", "version"], name="unique_delivery_per_version"),
        ]

    def __str__(self):
        return f"delivery of {self.work_id} v{self.version}: {self.state}"
