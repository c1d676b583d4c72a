"""CSV downloads for teachers and mentors (mentors get only the learners they may see).
Rows come from :mod:`lti_bridge.exports`; these views check access and stream."""

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
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
    filename = slugify(name)[:100] or "export"
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"  # learners' data
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _exporter(request, classroom):
    membership = member_or_404(request, classroom)
    if not permissions.can(membership, Action.VIEW_CLASS):
        raise Http404
    return membership


def unit_grades(request, link_id):
    link = get_object_or_404(ResourceLink.objects.select_related("classroom", "unit"), pk=link_id)
    membership = member_or_404(request, link.classroom)
    if not permissions.can(membership, Action.EXPORT):
        return forbidden(request)
    name = f"{link.classroom.title} {link.unit.title} grades"
    return _csv(request, name, exports.GRADE_COLUMNS, exports.grade_rows(membership, [link]))


def class_grades(request, class_id):
    classroom = get_object_or_404(Classroom, pk=class_id)
    membership = _exporter(request, classroom)
    if not permissions.can(membership, Action.EXPORT):
        return forbidden(request)
    links = classroom.resource_links.select_related("unit").order_by("title", "pk")
    return _csv(
        request,
        f"{classroom.title} grades",
        exports.GRADE_COLUMNS,
        exports.grade_rows(membership, links),
    )


def roster(request, class_id):
    classroom = get_object_or_404(Classroom.objects.select_related("registration"), pk=class_id)
    membership = _exporter(request, classroom)
    if not permissions.can(membership, Action.EXPORT):
        return forbidden(request)
    return _csv(
        request,
        f"{classroom.title} roster",
        exports.ROSTER_COLUMNS,
        exports.roster_rows(membership),
    )


def assignment_urls(request, class_id):
    classroom = get_object_or_404(Classroom, pk=class_id)
    membership = _exporter(request, classroom)
    if not permissions.can(membership, Action.EXPORT):
        return forbidden(request)
    return _csv(
        request,
        f"{classroom.title} assignment urls",
        exports.ASSIGNMENT_COLUMNS,
        exports.assignment_rows(classroom),
    )
