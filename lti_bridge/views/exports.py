"""CSV downloads for teachers and mentors (mentors get only the learners they may see).
Rows come from :mod:`lti_bridge.exports`; these views check access and stream."""

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from .. import exports, permissions
from ..models import Classroom, ResourceLink
from ..permissions import Action
from .access import forbidden, member_or_404


def _csv(request, name, header, rows):
    """Stream; ``?bom=1`` starts the file with a UTF-8 byte order mark, which spreadsheet
    programs need to read non-ASCII text as UTF-8."""
    bom = request.GET.get("bom") in ("1", "true", "yes")
    response = StreamingHttpResponse(
        exports.csv_lines(header, rows, bom=bom), content_type="text/csv; charset=utf-8"
    )
    filename = slugify(name, allow_unicode=True)[:100] or "export"
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    response["Cache-Control"] = "no-store"  # learners' data
    response["X-Content-Type-Options"] = "nosniff"
    return response


def unit_grades(request, link_id):
    link = get_object_or_404(ResourceLink.objects.select_related("classroom", "unit"), pk=link_id)
    membership = member_or_404(request, link.classroom)
    if not permissions.can(membership, Action.EXPORT):
        return forbidden(request)
    name = f"{link.classroom.title} {link.content.title} grades"
    return _csv(request, name, exports.GRADE_COLUMNS, exports.grade_rows(membership, [link]))


# The class's exports: file name suffix, columns, rows of a membership.
CLASS_EXPORTS = {
    "grades": (
        exports.GRADE_COLUMNS,
        lambda m: exports.grade_rows(
            m, m.classroom.resource_links.select_related("unit").order_by("title", "pk")
        ),
    ),
    "roster": (exports.ROSTER_COLUMNS, exports.roster_rows),
    "grade history": (exports.HISTORY_COLUMNS, exports.history_rows),
    "assignment urls": (
        exports.ASSIGNMENT_COLUMNS,
        lambda m: exports.assignment_rows(m.classroom),
    ),
}


def _class_export(request, class_id, kind):
    classroom = get_object_or_404(Classroom.objects.select_related("registration"), pk=class_id)
    membership = member_or_404(request, classroom)
    if not permissions.can(membership, Action.VIEW_CLASS):
        raise Http404  # a learner: the class itself is not theirs to see
    if not permissions.can(membership, Action.EXPORT):
        return forbidden(request)
    columns, rows = CLASS_EXPORTS[kind]
    return _csv(request, f"{classroom.title} {kind}", columns, rows(membership))


def class_grades(request, class_id):
    return _class_export(request, class_id, "grades")


def roster(request, class_id):
    return _class_export(request, class_id, "roster")


def grade_history(request, class_id):
    return _class_export(request, class_id, "grade history")


def assignment_urls(request, class_id):
    return _class_export(request, class_id, "assignment urls")
