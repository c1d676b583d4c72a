from django.conf import settings
from django.contrib.auth import get_user_model, login
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
