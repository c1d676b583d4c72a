"""Grading a learner's work and releasing grades (seed 002: grades stay hidden from the
learner, in Codio and in the LMS, until the teacher releases them)."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..delivery import outbox
from ..models import GradeChange, Work

MAX_COMMENT = 10_000


class GradingError(ValueError):
    """A grade that cannot be given; the message says why."""


def parse_points(raw, maximum):
    try:
        points = Decimal(str(raw).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise GradingError(_("Points must be a number.")) from exc
    if not points.is_finite() or points < 0 or points > maximum:
        raise GradingError(
            _("Points must be between 0 and %(max)s.") % {"max": format(maximum.normalize(), "f")}
        )
    return points


@transaction.atomic
def grade(work, raw_points, comment, grader):
    """Give or change a grade. Each grade is a new version; with automatic release it is
    released at once, otherwise it waits for "Release Grades"."""
    work = (
        Work.objects.select_for_update()
        .select_related("resource_link__unit", "resource_link__classroom")
        .get(pk=work.pk)
    )
    points = parse_points(raw_points, work.resource_link.unit.max_points)
    if len(comment or "") > MAX_COMMENT:
        raise GradingError(_("The comment is too long."))
    change = GradeChange(
        work=work,
        action=GradeChange.Action.GRADED,
        changed_by=grader,
        changed_by_name=str(grader.display_name() if grader else "")[:255],
        points_before=work.points,
        points_after=points,
        comment_before=work.comment,
        comment_after=comment or "",
    )
    work.points = points
    work.comment = comment or ""
    work.graded_at = timezone.now()
    work.graded_by = grader
    work.grade_version += 1
    if work.resource_link.classroom.release_automatically:
        work.released_version = work.grade_version
    work.save()
    change.save()
    if work.released_version == work.grade_version:  # released at once (the class's setting)
        _record_release(work, grader)
    outbox.on_grade(work)
    return work


def _record_release(work, by):
    GradeChange.objects.create(
        work=work,
        action=GradeChange.Action.RELEASED,
        changed_by=by,
        changed_by_name=str(by.display_name() if by else "")[:255],
        points_before=work.points,
        points_after=work.points,
        comment_before=work.comment,
        comment_after=work.comment,
    )


BATCH = 1000  # rows per statement of a release: bounded packets, whatever the class size


@transaction.atomic
def release(resource_link, by=None):
    """Release every graded, unreleased grade of the unit (``by``: the teacher); returns
    how many.

    A class-sized operation in a teacher's request, so it is written in bulk: one query
    reads and locks only the grades to release (a grade being changed meanwhile waits, and
    is released at its new version or not at all), then a few statements per thousand
    learners mark them released, record the audit rows and queue their deliveries
    (outbox.queue_many). It used to cost 8 queries per learner, every work row locked."""
    from ..models import ResourceLink

    link = ResourceLink.objects.select_related("unit", "classroom").get(pk=resource_link.pk)
    works = list(
        Work.objects.select_for_update()
        .filter(resource_link=link, points__isnull=False)
        .exclude(released_version=F("grade_version"))
        .only("pk", "grade_version", "points", "comment", "status", "resource_link_id")
        .order_by("pk")
    )
    for work in works:
        work.resource_link = link  # one link for all: no query per row
        work.released_version = work.grade_version
    for start in range(0, len(works), BATCH):
        Work.objects.filter(pk__in=[w.pk for w in works[start : start + BATCH]]).update(
            released_version=F("grade_version")
        )
    name = str(by.display_name() if by else "")[:255]
    GradeChange.objects.bulk_create(
        [
            GradeChange(
                work=work,
                action=GradeChange.Action.RELEASED,
                changed_by=by,
                changed_by_name=name,
                points_before=work.points,
                points_after=work.points,
                comment_before=work.comment,
                comment_after=work.comment,
            )
            for work in works
        ],
        batch_size=BATCH,
    )
    outbox.on_release_many(link, works)
    return len(works)
