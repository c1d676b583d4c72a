"""Grading a learner's work and releasing grades (seed 002: grades stay hidden from the
learner, in Codio and in the LMS, until the teacher releases them)."""

from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..db import insert_statement
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
    if work.resource_link.is_current:  # a replaced unit's grades are held (send_held_grades)
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
    (outbox.queue_many; why plain INSERTs, there). It used to cost 8 queries per learner,
    every work row of the unit locked.

    The grades of a unit its LMS activity no longer opens (a replaced link) are released
    here, in Codio, and held from the LMS, whose grade column belongs to the unit the
    activity opens now; they are sent if the activity opens this unit again."""
    from ..models import ResourceLink

    link = ResourceLink.objects.select_related("unit", "classroom").get(pk=resource_link.pk)
    released = [
        outbox.Released(*row)
        for row in Work.objects.select_for_update()
        .filter(resource_link=link, points__isnull=False)
        .exclude(released_version=F("grade_version"))
        .order_by("pk")
        .values_list("pk", "grade_version", "points", "comment", "status")
    ]
    ops = connection.ops
    at = ops.adapt_datetimefield_value(timezone.now())
    name = str(by.display_name() if by else "")[:255]
    insert = insert_statement(
        GradeChange,
        [
            "work_id",
            "action",
            "changed_by_id",
            "changed_by_name",
            "changed_at",
            "points_before",
            "points_after",
            "comment_before",
            "comment_after",
        ],
    )
    for start in range(0, len(released), BATCH):
        chunk = released[start : start + BATCH]
        Work.objects.filter(pk__in=[r.pk for r in chunk]).update(
            released_version=F("grade_version")
        )
        rows = []
        for r in chunk:
            points = ops.adapt_decimalfield_value(r.points, 8, 2)
            rows.append(
                (
                    r.pk,
                    GradeChange.Action.RELEASED.value,
                    by.pk if by else None,
                    name,
                    at,
                    points,
                    points,
                    r.comment,
                    r.comment,
                )
            )
        with connection.cursor() as cursor:
            cursor.executemany(insert, rows)
    if link.is_current:  # a replaced unit's grades are held (send_held_grades)
        outbox.on_release_many(link, released)
    return len(released)


def send_held_grades(link):
    """Queue the grades a unit kept from the LMS while its LMS activity opened another unit,
    now that the activity opens it again (docs/decisions/0013-relinked-units.rst): its
    deliveries held at the move (or still waiting), stamped now, and released grades with no
    delivery of their version, by the link's send mode as a release would. Returns how many
    grades were released while held (the latter)."""
    outbox.requeue_held(link)
    held = [
        outbox.Released(*row)
        for row in Work.objects.filter(
            resource_link=link, points__isnull=False, released_version=F("grade_version")
        )
        .exclude(deliveries__version=F("grade_version"))
        .order_by("pk")
        .values_list("pk", "grade_version", "points", "comment", "status")
    ]
    if held:
        outbox.on_release_many(link, held)
    return len(held)
