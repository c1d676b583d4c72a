"""Where a unit's grades stand on their way to the LMS: what the teacher's release progress
view shows (and polls) after "Release Grades"."""

from django.db.models import Count

from .. import permissions
from ..models import GradeDelivery

MAX_FAILURES_SHOWN = 20


def progress(resource_link, membership):
    """Counts of the unit's deliveries by state (superseded ones left out), for the learners
    the member may see, and the failed ones with the platform's answer. Held ones (their
    LMS activity opens another unit now, ADR 0013) are counted apart, not as waiting."""
    rows = GradeDelivery.objects.filter(
        work__resource_link=resource_link,
        work__account__in=permissions.visible_learners(membership),
    ).exclude(state=GradeDelivery.State.SUPERSEDED)
    counts = {state: 0 for state in ("queued", "retrying", "sent", "failed", "held")}
    for row in rows.values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    failures = [
        {"learner": name or "", "error": error[:300]}
        for name, error in rows.filter(state=GradeDelivery.State.FAILED)
        .order_by("work__account__name", "pk")
        .values_list("work__account__name", "last_error")[:MAX_FAILURES_SHOWN]
    ]
    return {
        **counts,
        "total": sum(counts.values()),
        "pending": counts["queued"] + counts["retrying"],
        "failures": failures,
    }
