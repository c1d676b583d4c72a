from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .seed import COURSE_SCENARIO, DEMO_USERS


def home(request):
    return render(
        request,
        "demo/home.html",
        {
            "users": DEMO_USERS,
            "course_url": f"/scenario/{COURSE_SCENARIO}/",
            "debug": settings.DEBUG,
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
    return redirect(f"/scenario/{COURSE_SCENARIO}/")


@login_required
def gradebook(request):
    """The demo LMS's staff gradebook: the scores the platform received over AGS (what
    Open edX shows in its gradebook and on learners' progress pages)."""
    from codio_xblock import conf as xblock_conf
    from codio_xblock import openedx
    from codio_xblock.models import LineItem

    roles = xblock_conf.get("STANDALONE_COURSE_ROLES").get(request.user.get_username(), [])
    if not {"instructor", "staff", "limited_staff", "community_ta"} & set(roles):
        raise Http404
    users = {str(u.pk): u for u in get_user_model().objects.all()}
    labels = dict(LineItem.objects.values_list("usage_id", "label"))
    course_id = xblock_conf.get("STANDALONE_COURSE")["id"]
    rows = [
        {
            "learner": users.get(r["user_key"]),
            "unit": labels.get(r["usage_id"], r["usage_id"]),
            "earned": f"{r['earned']:g}",
            "possible": f"{r['possible']:g}",
            "modified": r["modified"],
        }
        for r in openedx.gradebook(course_id)
    ]
    return render(request, "demo/gradebook.html", {"rows": rows})
