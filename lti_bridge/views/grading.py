"""Learner work, grading, release and delivery actions. Decisions: permissions; work:
flows; these views only find objects, call, and redirect."""

from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import notices, permissions
from ..delivery import deliver, progress
from ..flows import grading
from ..flows import work as work_flow
from ..models import Account, GradeDelivery, ResourceLink, Work
from ..permissions import Action
from .access import forbidden, member_or_404
from .account import current_account
from .classroom import render_work_page


def _link(request, link_id):
    link = get_object_or_404(ResourceLink.objects.select_related("classroom", "unit"), pk=link_id)
    return link, member_or_404(request, link.classroom)


@transaction.non_atomic_requests  # flows commit their own outbox rows
@require_POST
def save_work(request, link_id):
    """The learner's own work: save a draft or mark it complete."""
    link, membership = _link(request, link_id)
    work = Work.objects.filter(resource_link=link, account=membership.account).first()
    if work is None or permissions.is_teacher(membership):
        raise Http404
    answer = request.POST.get("answer", "")
    try:
        if request.POST.get("action") == "complete":
            work_flow.mark_complete(work, answer)
        else:
            work_flow.save_draft(work, answer)
    except work_flow.WorkError as exc:
        notices.error(request, str(exc))
    return redirect("lti_bridge:unit", link_id=link.pk)


def _learner_work(request, link_id, account_id, action):
    link, membership = _link(request, link_id)
    learner = get_object_or_404(Account, pk=account_id)
    if not permissions.can(membership, Action.VIEW_WORK, learner=learner):
        raise Http404
    if not permissions.can(membership, action, learner=learner):
        return link, membership, None
    work, _created = Work.objects.get_or_create(resource_link=link, account=learner)
    return link, membership, work


@transaction.non_atomic_requests  # flows commit their own outbox rows
@require_POST
def grade_work(request, link_id, account_id):
    link, membership, work = _learner_work(request, link_id, account_id, Action.GRADE)
    if work is None:
        return forbidden(request)
    typed = {"points": request.POST.get("points", ""), "comment": request.POST.get("comment", "")}
    try:
        graded = grading.grade(work, typed["points"], typed["comment"], membership.account)
    except grading.GradingError as exc:  # the form again, as typed, with the reason
        return render_work_page(
            request, link, membership, work.account, typed=typed, error=str(exc), status=400
        )
    notices.success(
        request,
        _("Grade saved: %(points)s out of %(max)s points in Codio.")
        % {
            "points": f"{graded.points.normalize():f}",
            "max": f"{link.unit.max_points.normalize():f}",
        },
    )
    return redirect("lti_bridge:work", link_id=link.pk, account_id=account_id)


@transaction.non_atomic_requests  # flows commit their own outbox rows
@require_POST
def set_completion(request, link_id, account_id):
    """A teacher marks a learner's work complete or reopens it."""
    link, membership, work = _learner_work(request, link_id, account_id, Action.GRADE)
    if work is None or membership.read_only:
        return forbidden(request)
    if request.POST.get("action") == "reopen":
        work_flow.reopen(work)
    else:
        work_flow.mark_complete(work)
    return redirect("lti_bridge:work", link_id=link.pk, account_id=account_id)


@transaction.non_atomic_requests  # flows commit their own outbox rows
@require_POST
def release_grades(request, link_id):
    link, membership = _link(request, link_id)
    if not permissions.can(membership, Action.RELEASE):
        return forbidden(request)
    count = grading.release(link, by=membership.account)
    notices.success(
        request,
        ngettext("%(count)s grade released.", "%(count)s grades released.", count)
        % {"count": count},
    )
    return redirect("lti_bridge:unit", link_id=link.pk)


@transaction.non_atomic_requests  # flows commit their own outbox rows
@require_POST
def retry_deliveries(request, link_id):
    """Send the unit's failed deliveries again (or the one named ``delivery``). A unit its LMS
    activity no longer opens retries nothing: its grades are held from the LMS, whose grade
    column belongs to the unit the activity opens now (docs/decisions/0013-relinked-units.rst)."""
    link, membership = _link(request, link_id)
    if not permissions.can(membership, Action.RELEASE):
        return forbidden(request)
    if not link.is_current:
        notices.error(
            request,
            _(
                "Nothing was retried: this LMS activity opens another unit now, and its "
                "grade column in the LMS belongs to that unit, so this unit's grades are held "
                "in Codio. If the activity opens this unit again, its held grades are sent "
                "and failed ones can be retried."
            ),
        )
        return redirect("lti_bridge:unit", link_id=link.pk)
    rows = GradeDelivery.objects.filter(work__resource_link=link)
    one = request.POST.get("delivery", "")
    if one:
        if not (one.isascii() and one.isdigit() and len(one) <= 18):
            notices.error(request, _("No such delivery: nothing was sent."))
            return redirect("lti_bridge:unit", link_id=link.pk)
        rows = rows.filter(pk=int(one))
    count = deliver.retry(rows)
    notices.success(
        request,
        ngettext("%(count)s delivery queued again.", "%(count)s deliveries queued again.", count)
        % {"count": count},
    )
    return redirect("lti_bridge:unit", link_id=link.pk)


def delivery_progress(request, link_id):
    """The unit's deliveries by state, for the release progress view to poll (teachers)."""
    link, membership = _link(request, link_id)
    if not permissions.is_teacher(membership):
        raise Http404
    return JsonResponse(progress.progress(link, membership))


def feedback(request, work_id):
    """The teacher's feedback: only the learner and the class's teachers may open it."""
    work = get_object_or_404(
        Work.objects.select_related("resource_link__classroom", "resource_link__unit"), pk=work_id
    )
    membership = permissions.membership_of(current_account(request), work.resource_link.classroom)
    if membership is None or not (
        membership.account_id == work.account_id
        or permissions.can(membership, Action.VIEW_WORK, learner=work.account)
    ):
        raise Http404
    visible = work.grade_released or permissions.is_teacher(membership)
    return render(request, "lti_bridge/feedback.html", {"work": work, "visible": visible})
