"""Following the link of a verification mail (row 6 of the account table)."""

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ..flows import email_verification
from ..launch import errors
from ..launch.sync import sync_from_launch
from ..pages import render_error, render_page, render_unit_page
from ..session import begin as begin_session
from ..session import sign_in
from ..timezones import zone_from_custom


# GET only shows a button: mail scanners that prefetch links must not spend the key.
@transaction.non_atomic_requests  # links in its own transaction
@require_http_methods(["GET", "POST"])
def verify_email(request, key):
    verification, problem = email_verification.read_key(key)
    if verification is None:
        return render(request, "lti_bridge/message.html", {"message": problem}, status=400)
    if request.method == "GET":
        return render_page(
            request,
            "lti_bridge/verify_email.html",
            {
                "organization": verification.registration.organization,
                "masked": email_verification.mask(verification.email),
            },
        )
    message, problem = email_verification.confirm(verification)
    if message is None:
        return render(request, "lti_bridge/message.html", {"message": problem}, status=400)
    try:
        outcome = sync_from_launch(verification.registration, message)
    except errors.LaunchError as exc:
        return render_error(request, exc, stage="verified launch")
    # the page's forms and clock belong to the new session
    begin_session(request, outcome.account, time_zone=zone_from_custom(message.custom))
    response = render_unit_page(
        request,
        outcome.account,
        outcome.resource_link,
        outcome.membership,
        registration=verification.registration,
    )
    return sign_in(request, response, outcome.account)
