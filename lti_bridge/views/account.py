"""Signing in to the bridge directly, after setting a password by "forgot password"."""

from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from .. import conf
from ..flows import password
from ..forms import PasswordResetRequestForm, SetPasswordForm, SignInForm
from ..models import ClassMembership, ResourceLink
from ..session import current_account, sign_in
from ..session import sign_out as end_session

__all__ = ["current_account"]


def _too_many(request, group, rate):
    """Count this POST against the client address and the email given; True once either
    is over ``rate`` (django-ratelimit: a fixed window in the shared cache)."""
    limited = False
    for key in ("ip", "post:email"):
        limited |= is_ratelimited(
            request, group=group, key=key, rate=conf.get(rate), method="POST", increment=True
        )
    return limited


def _slow_down(request, template, form):
    form.add_error(None, _("Too many attempts. Wait a few minutes, then try again."))
    return render(request, template, {"form": form}, status=429)


@require_http_methods(["GET", "POST"])
def sign_in_view(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and _too_many(request, "lti_bridge.sign_in", "SIGN_IN_RATE"):
        return _slow_down(request, "lti_bridge/sign_in.html", form)
    if request.method == "POST" and form.is_valid():
        try:
            account = password.authenticate(
                form.cleaned_data["email"], form.cleaned_data["password"]
            )
        except password.AccountDeactivated:
            return render(
                request,
                "lti_bridge/message.html",
                {
                    "message": _(
                        "This Codio account is deactivated. "
                        "Ask your institution's Codio administrator."
                    )
                },
                status=403,
            )
        if account is not None:
            return sign_in(request, redirect("lti_bridge:account"), account)
        form.add_error(None, _("The email or the password is wrong."))
    return render(
        request, "lti_bridge/sign_in.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def sign_out(request):
    return end_session(request, redirect("lti_bridge:sign-in"))


def account_home(request):
    account = current_account(request)
    if account is None:
        return redirect("lti_bridge:sign-in")
    memberships = (
        ClassMembership.objects.filter(account=account)
        .select_related("classroom__registration")
        .prefetch_related(
            Prefetch(
                "classroom__resource_links",
                queryset=ResourceLink.objects.select_related("unit").order_by("title", "pk"),
            )
        )
        .order_by("classroom__title", "pk")
    )
    return render(
        request, "lti_bridge/account.html", {"account": account, "memberships": memberships}
    )


@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and _too_many(
        request, "lti_bridge.password_reset", "PASSWORD_RESET_RATE"
    ):
        return _slow_down(request, "lti_bridge/password_reset.html", form)
    if request.method == "POST" and form.is_valid():
        password.request_reset(form.cleaned_data["email"])
        return render(
            request,
            "lti_bridge/message.html",
            {
                "message": _(
                    "If an account signs in with this address, we sent it a link to set a password."
                )
            },
        )
    return render(
        request,
        "lti_bridge/password_reset.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request, uidb64, token):
    account = password.account_for_token(uidb64, token)
    if account is None:
        return render(
            request,
            "lti_bridge/message.html",
            {
                "message": _(
                    "This link to set a password is not valid or was already used. "
                    "Ask for a new one."
                )
            },
            status=400,
        )
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password.set_password(account, form.cleaned_data["password1"])
        return render(
            request,
            "lti_bridge/message.html",
            {
                "message": _("Your password is set. You can now sign in to Codio directly."),
                "sign_in_link": True,
            },
        )
    return render(
        request, "lti_bridge/set_password.html", {"form": form}, status=400 if form.errors else 200
    )
