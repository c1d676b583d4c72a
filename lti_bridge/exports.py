"""CSV exports of a class: grades (per unit or the whole class), the roster and the
assignment URLs. Column names and order are part of the contract (README, "CSV exports").

Rows are produced in batches of ``EXPORT_CHUNK_SIZE`` learners (keyset pagination on the
account id, a handful of queries per batch), so a class of any size streams in constant
memory. Every learner list comes from :func:`permissions.visible_learners`: a mentor of a
class that filters learners exports only their mentees.

Every cell is neutralised against spreadsheet formula injection (OWASP "CSV injection"):
a value that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe, which spreadsheet programs show as text.
"""

import csv
from datetime import UTC

from . import conf, permissions
from .delivery.outbox import percentage
from .models import GradeChange, GradeDelivery, Link, Work

GRADE_COLUMNS = [
    "Learner name",
    "Email",
    "LTI ID",
    "LMS user ID",
    "Unit",
    "Status",
    "Completed at (UTC)",
    "Grade",
    "Maximum",
    "Percentage",
    "Released",
    "Delivery state",
    "Last delivery error",
]
ROSTER_COLUMNS = [
    "Learner name",
    "Email",
    "LTI ID",
    "LMS",
    "LMS user ID",
    "First launch (UTC)",
    "Last launch (UTC)",
]
HISTORY_COLUMNS = [
    "Learner name",
    "Email",
    "LTI ID",
    "LMS user ID",
    "Unit",
    "Action",
    "Changed at (UTC)",
    "Changed by",
    "Grade before",
    "Grade after",
    "Comment before",
    "Comment after",
]
ASSIGNMENT_COLUMNS = [
    "Unit",
    "Unit code",
    "LMS title",
    "Resource link ID",
    "Launch URL",
    "Login URL",
    "Custom parameters",
    "Send mode",
    "Maximum",
    "Line item URL",
]
STATUS = {
    Work.Status.NOT_STARTED: "Not started",
    Work.Status.IN_PROGRESS: "In progress",
    Work.Status.COMPLETED: "Completed",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_WRITE = 200


def neutralise(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _when(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _number(value):
    return "" if value is None else f"{value.normalize():f}"


def learner_batches(membership):
    """Visible learners of the member's class, as lists of dicts, a batch at a time."""
    size = max(1, int(conf.get("EXPORT_CHUNK_SIZE")))
    learners = (
        permissions.visible_learners(membership)
        .order_by("pk")
        .values("pk", "name", "email", "contact_email")
    )
    last = 0
    while True:
        batch = list(learners.filter(pk__gt=last)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]["pk"]


def _links(classroom, ids):
    return {
        link["account_id"]: link
        for link in Link.objects.filter(
            registration=classroom.registration_id, account_id__in=ids
        ).values("account_id", "sub", "lti_id", "first_launch", "last_launch")
    }


def _identity(learner, link):
    return [
        learner["name"],
        learner["email"] or learner["contact_email"],
        link.get("lti_id", ""),
        link.get("sub", ""),
    ]


def grade_rows(membership, resource_links):
    """One row per visible learner and unit (GRADE_COLUMNS), learners in account order."""
    resource_links = list(resource_links)
    by_id = {rl.pk: rl for rl in resource_links}
    for batch in learner_batches(membership):
        ids = [learner["pk"] for learner in batch]
        links = _links(membership.classroom, ids)
        works = {
            (work.account_id, work.resource_link_id): work
            for work in Work.objects.filter(resource_link__in=list(by_id), account_id__in=ids)
        }
        latest = {}
        for delivery in (
            GradeDelivery.objects.filter(work__in=[w.pk for w in works.values()])
            .order_by("work_id", "-version", "-pk")
            .only("work_id", "state", "last_error")
        ):
            latest.setdefault(delivery.work_id, delivery)
        for learner in batch:
            identity = _identity(learner, links.get(learner["pk"], {}))
            for resource_link in resource_links:
                work = works.get((learner["pk"], resource_link.pk))
                yield identity + _grade_cells(resource_link, work, latest)


def _grade_cells(resource_link, work, latest):
    """The unit's cells of a row; ``work`` is None for a learner who never opened it."""
    unit = resource_link.unit
    graded = work is not None and work.points is not None
    if graded:
        work.resource_link = resource_link  # percentage() reads the unit's maximum
    delivery = latest.get(work.pk) if work is not None else None
    return [
        resource_link.content.title or resource_link.title,
        STATUS.get(work.status, work.status) if work else STATUS[Work.Status.NOT_STARTED],
        _when(work.completed_at) if work else "",
        _number(work.points) if graded else "",
        _number(unit.max_points),
        _number(percentage(work)) if graded else "",
        ("yes" if work.grade_released else "no") if graded else "",
        delivery.state if delivery else "",
        delivery.last_error if delivery else "",
    ]


def roster_rows(membership):
    registration = membership.classroom.registration
    for batch in learner_batches(membership):
        links = _links(membership.classroom, [learner["pk"] for learner in batch])
        for learner in batch:
            link = links.get(learner["pk"], {})
            name, email, lti_id, sub = _identity(learner, link)
            yield [
                name,
                email,
                lti_id,
                registration.name,
                sub,
                _when(link.get("first_launch")),
                _when(link.get("last_launch")),
            ]


def history_rows(membership):
    """The grade audit trail of the class (HISTORY_COLUMNS): every grade given or released,
    for the learners the member may see, oldest first per learner."""
    for batch in learner_batches(membership):
        ids = [learner["pk"] for learner in batch]
        links = _links(membership.classroom, ids)
        by_id = {learner["pk"]: learner for learner in batch}
        changes = (
            GradeChange.objects.filter(
                work__resource_link__classroom=membership.classroom, work__account_id__in=ids
            )
            .select_related("work__resource_link__unit")
            .order_by("work__account_id", "changed_at", "pk")
        )
        for change in changes:
            account_id = change.work.account_id
            yield [
                *_identity(by_id[account_id], links.get(account_id, {})),
                change.work.resource_link.content.title,
                change.action,
                _when(change.changed_at),
                change.changed_by_name,
                _number(change.points_before),
                _number(change.points_after),
                change.comment_before,
                change.comment_after,
            ]


def assignment_rows(classroom):
    """What each LMS activity of the class sends: its current unit only (a unit the activity
    opened before a re-pick is no longer an assignment; its grades are in the grade export;
    ADR 0013)."""
    launch_url = conf.absolute("lti_bridge:launch")
    login_url = conf.absolute("lti_bridge:login")
    links = classroom.resource_links.filter(current=True).select_related("unit")
    for resource_link in links.order_by("title", "pk"):
        unit = resource_link.unit
        custom = f"codio_unit={unit.code}"
        if resource_link.send_mode != resource_link.SendMode.GRADE_RELEASE:
            custom += f"\ncodio_send_grade={resource_link.send_mode}"
        yield [
            resource_link.content.title,
            unit.code,
            resource_link.title,
            resource_link.resource_link_id,
            launch_url,
            login_url,
            custom,
            resource_link.send_mode,
            _number(unit.max_points),
            resource_link.lineitem_url,
        ]


class _Echo:
    """csv.writer's file: hands back each formatted line (Django's streaming CSV recipe)."""

    def write(self, value):
        return value


def csv_lines(header, rows, *, bom=False):
    """The CSV text, in pieces of ROWS_PER_WRITE rows; every cell neutralised."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" if bom else "") + writer.writerow(header)
    piece = []
    for row in rows:
        piece.append(writer.writerow([neutralise(cell) for cell in row]))
        if len(piece) >= ROWS_PER_WRITE:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)
