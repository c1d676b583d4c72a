from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from . import modulestore
from .seed import COURSE_SCENARIO, DEMO_USERS, DRAFT_SCENARIO


def course_url():
    """The course as learners open it: the Learning MFE's page (another origin)."""
    return f"{settings.DEMO_MFE_URL}/learning/course/{COURSE_SCENARIO}/"


def not_served(request, *args, **kwargs):
    """The workbench's developer tools, which the demo does not serve (demo/urls.py)."""
    return HttpResponseNotFound("Not served by the demo.")


def home(request):
    return render(
        request,
        "demo/home.html",
        {
            "users": DEMO_USERS,
            "course_url": course_url(),
            "legacy_course_url": f"/scenario/{COURSE_SCENARIO}/",
            "studio_url": f"{settings.DEMO_STUDIO_URL}/studio/",
            "debug": settings.DEBUG,
        },
    )


def _scenario_or_404(scenario_id):
    from workbench.scenarios import get_scenarios

    try:
        return get_scenarios()[scenario_id]
    except KeyError as exc:
        raise Http404 from exc


class LoginView(auth_views.LoginView):
    """The LMS's sign-in, which may send the learner back to the Learning MFE or Studio
    (other origins of the demo), as Open edX's login does for its MFEs."""

    def get_success_url_allowed_hosts(self):
        from .origins import netloc

        hosts = {netloc(settings.DEMO_MFE_URL), netloc(settings.DEMO_STUDIO_URL)}
        return super().get_success_url_allowed_hosts() | {h for h in hosts if h}


def mfe_course(request, scenario_id):
    """The Learning MFE's course page (frontend-app-learning: ``ContentIFrame`` frames the
    LMS's ``/xblock/<unit id>`` page, with ``IFRAME_FEATURE_POLICY`` as its ``allow``, and
    takes its height from the ``plugin.resize`` messages of the LMS's origin). Served on
    the MFE's origin (demo/origins.py); the LMS's session decides who the learner is."""
    _scenario_or_404(scenario_id)
    if not request.user.is_authenticated:
        # as frontend-app-learning: a signed-out learner signs in on the LMS, then comes back
        # (inside the frame the LMS's sign-in page would be refused: X-Frame-Options)
        here = f"{settings.DEMO_MFE_URL}{request.path}" if settings.DEMO_MFE_URL else request.path
        return redirect(f"{settings.BASE_URL}/accounts/login/?{urlencode({'next': here})}")
    return render(
        request,
        "demo/mfe_course.html",
        {
            "unit_url": f"{settings.BASE_URL}/xblock/{scenario_id}/",
            "lms_origin": settings.BASE_URL,
            "home_url": settings.BASE_URL + "/",
        },
    )


@xframe_options_exempt  # as edx-platform's render_xblock: the Learning MFE frames it
@login_required
def render_xblock(request, scenario_id):
    """The LMS's chromeless unit page (lms/djangoapps/courseware/views/views.py
    ``render_xblock``, template courseware-chromeless.html): the unit's components for the
    signed-in learner, published content only, telling the MFE its height."""
    from workbench.runtime import WorkbenchRuntime

    scenario = _scenario_or_404(scenario_id)
    runtime = WorkbenchRuntime(request.user.get_username())
    fragment = runtime.get_block(scenario.usage_id).render("student_view", {})
    return render(
        request,
        "demo/render_xblock.html",
        {
            "body": fragment.body_html(),
            "head_html": fragment.head_html(),
            "foot_html": fragment.foot_html(),
            "student_id": request.user.get_username(),
            "mfe_origin": settings.DEMO_MFE_URL,
        },
    )


@require_POST
def sign_in_as(request, username):
    """Demo convenience (DEBUG only, demo users only): switch user in one click."""
    if not settings.DEBUG or username not in {u["username"] for u in DEMO_USERS}:
        raise Http404
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise Http404
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(course_url())


@login_required
def gradebook(request):
    """The demo LMS's staff gradebook: the scores the platform received over AGS, weighted
    by each block's weight as Open edX's grades app weights them (what Open edX shows in its
    gradebook and on learners' progress pages)."""
    from workbench.runtime import WorkbenchRuntime

    from codio_xblock import adapter
    from codio_xblock import conf as xblock_conf
    from codio_xblock.models import LineItem, StandaloneScore

    roles = xblock_conf.get("STANDALONE_COURSE_ROLES").get(request.user.get_username(), [])
    if not {"instructor", "staff", "limited_staff"} & set(roles):
        raise Http404
    users = {str(u.pk): u for u in get_user_model().objects.all()}
    labels = dict(LineItem.objects.filter(usage_id__isnull=False).values_list("usage_id", "label"))
    runtime = WorkbenchRuntime()
    weights = {}
    rows = []
    scores = StandaloneScore.objects.filter(course_id=xblock_conf.get("STANDALONE_COURSE")["id"])
    for score in scores.order_by("usage_id", "user_key"):
        if score.usage_id not in weights:
            try:
                weights[score.usage_id] = runtime.get_block(score.usage_id).weight
            except Exception:  # noqa: BLE001 - a block gone from the course counts unweighted
                weights[score.usage_id] = None
        earned, possible = adapter.weighted_score(
            score.grade, score.max_grade, weights[score.usage_id]
        )
        rows.append(
            {
                "learner": users.get(score.user_key),
                "unit": labels.get(score.usage_id, score.usage_id),
                "earned": f"{round(earned, 4):g}",
                "possible": f"{round(possible, 4):g}",
                "modified": score.modified,
            }
        )
    return render(
        request,
        "demo/gradebook.html",
        {"rows": rows, "tool_items": _tool_line_items(users, labels)},
    )


def _tool_line_items(users, labels):
    """The line items tools made through the line item service, with their scores: shown
    to staff beside the gradebook, never counted in the course grade (ADR 0012)."""
    from codio_xblock import conf as xblock_conf
    from codio_xblock.models import AgsScore, LineItem

    items = LineItem.objects.filter(
        usage_id__isnull=True, course_id=xblock_conf.get("STANDALONE_COURSE")["id"]
    ).select_related("tool")
    scores = AgsScore.objects.filter(line_item__in=items).order_by("user_key")
    by_item = {}
    for score in scores:
        by_item.setdefault(score.line_item_id, []).append(
            {"learner": users.get(score.user_key), "score": score}
        )
    return [
        {
            "item": item,
            "unit": labels.get(item.resource_link_id, item.resource_link_id),
            "scores": by_item.get(item.pk, []),
        }
        for item in items.order_by("pk")
    ]


def _authored_units(runtime):
    """The units Studio shows: the course's, then the one the author added and has not
    published yet (demo.seed.DRAFT_SCENARIO)."""
    from workbench.scenarios import get_scenarios

    scenarios = get_scenarios()
    course = runtime.get_block(scenarios[COURSE_SCENARIO].usage_id)
    return [*course.children, scenarios[DRAFT_SCENARIO].usage_id]


@login_required
def author(request):
    """The demo's Studio: each unit's ``studio_view`` (the editor Studio shows), saving
    through the block's own handler. Course team only, as Studio. The page gives the
    workbench's JavaScript runtime the ``notify`` Studio's runtime has, which the editor
    reports saving, errors and cancelling to."""
    from web_fragments.fragment import Fragment
    from workbench.runtime import WorkbenchRuntime

    from codio_xblock import adapter

    runtime = WorkbenchRuntime(request.user.get_username())
    units = _authored_units(runtime)
    platform = adapter.get()
    if not all(platform.request_can_author(request, str(child)) for child in units):
        return render(request, "demo/author.html", {"refused": True}, status=403)
    page, editors = Fragment(), []
    for child in units:
        block = runtime.get_block(child)
        fragment = block.render("studio_view", {})
        page.add_fragment_resources(fragment)
        editors.append(
            {
                "title": block.display_name,
                "body": fragment.body_html(),
                "usage_id": str(child),
                "draft": modulestore.has_draft(str(child)),
                "never_published": not modulestore.is_published(str(child)),
            }
        )
    return render(
        request,
        "demo/author.html",
        {
            "editors": editors,
            "head_html": page.head_html(),
            "foot_html": page.foot_html(),
            "student_id": request.user.get_username(),
            "course_url": course_url(),
        },
    )


@login_required
@require_POST
def publish(request):
    """Studio's "Publish" for one unit: its draft becomes what learners see."""
    from workbench.runtime import WorkbenchRuntime

    from codio_xblock import adapter

    usage_id = request.POST.get("usage_id", "")
    if usage_id not in {
        str(u) for u in _authored_units(WorkbenchRuntime(request.user.get_username()))
    }:
        raise Http404
    if not adapter.get().request_can_author(request, usage_id):
        return render(request, "demo/author.html", {"refused": True}, status=403)
    modulestore.publish(usage_id)
    return redirect("demo-studio")
