"""Class, unit and learner-work pages and the mentor API. Every decision is
:mod:`lti_bridge.permissions`'; these views only find objects and render.

Objects the account may not see answer 404 (their existence is not revealed); actions it
may not take on what it sees answer 403.
"""

import json

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import notices, permissions
from ..flows import mentors, roster
from ..identity import clean_text
from ..models import Account, Classroom, ClassUnitContent, ResourceLink, RosterSync, Work
from ..pages import paginate, render_page, render_unit_page, with_membership_state
from ..permissions import Action
from .access import forbidden, member_or_404
from .account import current_account


def class_page(request, class_id):
    classroom = get_object_or_404(Classroom, pk=class_id)
    membership = member_or_404(request, classroom)
    if not permissions.can(membership, Action.VIEW_CLASS):
        raise Http404
    return render_page(
        request,
        "lti_bridge/class.html",
        {
            "classroom": classroom,
            "membership": membership,
            "page": paginate(
                request, with_membership_state(permissions.visible_learners(membership), membership)
            ),
            "roster_sync": classroom.roster_syncs.first(),
            "can_sync_roster": permissions.can(membership, Action.SYNC_ROSTER),
            "links": classroom.resource_links.select_related("unit").order_by("title"),
            "can_edit_settings": permissions.can(membership, Action.EDIT_SETTINGS),
            "can_manage_mentors": permissions.can(membership, Action.MANAGE_MENTORS),
            "can_export": permissions.can(membership, Action.EXPORT),
            "administers": permissions.administers(
                membership.account, classroom.registration.organization
            ),
        },
        registration=classroom.registration,
    )


@require_POST
def class_settings(request, class_id):
    classroom = get_object_or_404(Classroom, pk=class_id)
    if not permissions.can(member_or_404(request, classroom), Action.EDIT_SETTINGS):
        return forbidden(request)
    classroom.filter_learners_for_mentors = request.POST.get("filter_learners_for_mentors") == "on"
    classroom.mentors_may_grade = request.POST.get("mentors_may_grade") == "on"
    classroom.release_automatically = request.POST.get("release_automatically") == "on"
    classroom.save(
        update_fields=["filter_learners_for_mentors", "mentors_may_grade", "release_automatically"]
    )
    return redirect("lti_bridge:class", class_id=classroom.pk)


@require_POST
def sync_roster(request, class_id):
    """A teacher asks for the class's roster from the LMS now (NRPS)."""
    classroom = get_object_or_404(Classroom, pk=class_id)
    membership = member_or_404(request, classroom)
    if not permissions.can(membership, Action.SYNC_ROSTER):
        return forbidden(request)
    try:
        roster.request_sync(classroom, RosterSync.Source.TEACHER, account=membership.account)
    except roster.NoRosterService:
        message = _(
            "The LMS has not offered this class's roster yet: it can be read once a launch "
            "from the LMS carries its membership service (Names and Role Provisioning)."
        )
        return render_page(request, "lti_bridge/message.html", {"message": message}, status=409)
    return redirect("lti_bridge:class", class_id=classroom.pk)


def unit_page(request, link_id):
    link = get_object_or_404(ResourceLink.objects.select_related("classroom", "unit"), pk=link_id)
    membership = member_or_404(request, link.classroom)
    if not permissions.can(membership, Action.VIEW_UNIT):
        raise Http404
    return render_unit_page(
        request, membership.account, link, membership, registration=link.classroom.registration
    )


def work_page(request, link_id, account_id):
    link = get_object_or_404(ResourceLink.objects.select_related("classroom", "unit"), pk=link_id)
    membership = member_or_404(request, link.classroom)
    learner = get_object_or_404(Account, pk=account_id)
    if not permissions.can(membership, Action.VIEW_WORK, learner=learner):
        raise Http404  # another learner's work, or one outside a mentor's scope
    return render_work_page(request, link, membership, learner)


def render_work_page(request, link, membership, learner, *, typed=None, error="", status=200):
    """A learner's work for a teacher. ``typed``: the grade form as the teacher filled it,
    shown again with ``error`` when it was refused, so nothing typed is lost."""
    work = Work.objects.filter(resource_link=link, account=learner).first()
    form = typed or {
        "points": "" if work is None or work.points is None else f"{work.points.normalize():f}",
        "comment": work.comment if work else "",
    }
    return render_page(
        request,
        "lti_bridge/work.html",
        {
            "resource_link": link,
            "unit": link.unit,
            "content": link.content,
            "classroom": link.classroom,
            "learner": learner,
            "work": work,
            "membership": membership,
            "can_grade": permissions.can(membership, Action.GRADE, learner=learner),
            "form": form,
            "grade_error": error,
            "history": list(work.grade_changes.all()[:50]) if work else [],
        },
        status=status,
        registration=link.classroom.registration,
    )


@require_POST
def edit_unit_content(request, link_id):
    link = get_object_or_404(ResourceLink.objects.select_related("classroom", "unit"), pk=link_id)
    if not permissions.can(member_or_404(request, link.classroom), Action.EDIT_CONTENT):
        return forbidden(request)
    # The class's own copy of the unit's content: other classes keep theirs.
    ClassUnitContent.objects.update_or_create(
        classroom=link.classroom,
        unit=link.unit,
        defaults={
            "title": clean_text(request.POST.get("title")) or link.content.title,
            "instructions": (request.POST.get("instructions") or "")[:20000],
        },
    )
    return redirect("lti_bridge:unit", link_id=link.pk)


@require_http_methods(["GET", "POST"])
def mentors_page(request, class_id):
    """Mentors and their learners: a grid of the class's learners (a page at a time) by its
    mentors. Saving a page changes the teacher-set scopes of that page's learners only."""
    classroom = get_object_or_404(Classroom, pk=class_id)
    membership = member_or_404(request, classroom)
    if not permissions.can(membership, Action.MANAGE_MENTORS):
        return forbidden(request)
    mentor_list = list(mentors.mentors_of(classroom).order_by("name", "pk"))
    learners = permissions.visible_learners(membership)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("learner") if v.isdigit()]
        page_learners = list(learners.filter(pk__in=ids))
        checked = set()
        for value in request.POST.getlist("scope"):
            mentor_id, _sep, learner_id = value.partition(":")
            if mentor_id.isdigit() and learner_id.isdigit():
                checked.add((int(mentor_id), int(learner_id)))
        mentors.set_from_grid(classroom, mentor_list, page_learners, checked)
        notices.success(request, _("The mentors' learners are saved."))
        page = request.POST.get("page", "")
        target = reverse("lti_bridge:mentors", args=[classroom.pk])
        return redirect(f"{target}?page={page}" if page.isdigit() else target)
    page = paginate(request, learners.order_by("name", "pk"))
    page_learners = list(page.object_list)
    teacher_set, from_lms = mentors.grid(classroom, mentor_list, page_learners)
    rows = [
        (
            learner,
            [
                {
                    "mentor": mentor,
                    "value": f"{mentor.pk}:{learner.pk}",
                    "checked": (mentor.pk, learner.pk) in teacher_set,
                    "from_lms": (mentor.pk, learner.pk) in from_lms,
                }
                for mentor in mentor_list
            ],
        )
        for learner in page_learners
    ]
    return render_page(
        request,
        "lti_bridge/mentors.html",
        {"classroom": classroom, "mentors": mentor_list, "rows": rows, "page": page},
        registration=classroom.registration,
    )


@require_http_methods(["GET", "PUT"])
def mentors_api(request, class_id):
    """GET the mentor scopes of a class; PUT replaces the teacher-set ones (JSON, CSRF)."""
    classroom = Classroom.objects.filter(pk=class_id).first()
    membership = (
        permissions.membership_of(current_account(request), classroom) if classroom else None
    )
    if not membership:
        return JsonResponse({"error": "not found"}, status=404)
    if not permissions.can(membership, Action.MANAGE_MENTORS):
        return JsonResponse({"error": "your role in this class does not allow this"}, status=403)
    if request.method == "PUT":
        try:
            data = json.loads(request.body or b"[]")
        except ValueError:
            return JsonResponse(
                {
                    "error": "the body is not JSON: send a list of "
                    '{"mentorId": "<email or LMS user id>", "learnerIds": [...]}'
                },
                status=400,
            )
        try:
            mentors.set_teacher_scopes(classroom, data)
        except mentors.ScopeError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(mentors.as_mapping(classroom), safe=False)
