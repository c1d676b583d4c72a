"""Tool endpoints: OIDC login initiation, launch, JWKS. Thin: validate, sync, render."""

import logging

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.exception import LtiException, OIDCException

from .. import conf, keys
from ..cookies import forget_state_cookie, partition_check_page
from ..flows import deep_linking, email_verification
from ..flows.linking import EmailVerificationRequired
from ..pages import add_csp_for_library_page, render_error, render_page, render_unit_page
from ..session import begin as begin_session
from ..session import sign_in
from ..timezones import zone_from_custom
from . import errors
from .hardening import (
    HardenedMessageLaunch,
    HardenedOIDCLogin,
    from_library_error,
    launch_data_storage,
)
from .sync import sync_from_launch
from .tool_conf import DatabaseToolConf

log = logging.getLogger(__name__)


@require_GET
def jwks(request):
    response = JsonResponse(keys.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


# Third-party initiated login (LTI Core 1.3, 4.1): GET or POST from any platform; it only
# redirects, with a state cookie, to the platform's registered auth URL.
@transaction.non_atomic_requests  # single-use state, retried deadlocks
@csrf_exempt
@require_http_methods(["GET", "POST"])
def login(request):
    tool_conf = DatabaseToolConf()
    try:
        oidc = HardenedOIDCLogin(
            request, tool_conf, launch_data_storage=launch_data_storage()
        ).enable_check_cookies(
            main_msg=_("Your browser blocks the cookies this unit needs inside the course page."),
            click_msg=_("Open the unit in a new window."),
            loading_msg=_("Opening the unit…"),
        )
        response = oidc.redirect(oidc.redirect_uri())
    except errors.LaunchError as exc:
        return render_error(request, exc, stage="login")
    except (LtiException, OIDCException) as exc:  # anything else the library refuses
        return render_error(request, from_library_error(exc), stage="login")
    if response.status_code == 200:  # pylti1p3's cookie check page (its inline script)
        partition_check_page(response)
        add_csp_for_library_page(response, getattr(tool_conf, "registration_model", None))
    return response


# The launch is an LTI message signed by the platform: that signature, the state cookie
# and the single-use nonce protect it, not a CSRF token (it comes from another site).
@transaction.non_atomic_requests  # single-use state, retried deadlocks
@csrf_exempt
@require_POST
def launch(request):
    return forget_state_cookie(request, _launch(request))


def _launch(request):
    tool_conf = DatabaseToolConf()
    try:
        message = (
            HardenedMessageLaunch(request, tool_conf, launch_data_storage=launch_data_storage())
            .set_launch_data_lifetime(conf.get("LAUNCH_DATA_LIFETIME"))
            .validate()
        )
        launch_message = message.launch_message()
        if launch_message.is_deep_linking:
            return start_deep_linking(request, tool_conf.registration_model, launch_message)
        outcome = sync_from_launch(tool_conf.registration_model, launch_message)
    except EmailVerificationRequired as exc:
        verification = email_verification.start(
            tool_conf.registration_model, exc.identity, exc.account, launch_message
        )
        return render_check_email(request, verification)
    except errors.LaunchError as exc:
        return render_error(request, exc, stage="launch")
    except (LtiException, OIDCException) as exc:  # anything else the library refuses
        return render_error(request, from_library_error(exc), stage="launch")
    log.info(
        "Launch: account %s into %s as %s",
        outcome.account.pk,
        outcome.resource_link,
        outcome.role.role,
    )
    # the page's forms and clock belong to the new session
    begin_session(request, outcome.account, time_zone=zone_from_custom(launch_message.custom))
    response = render_unit_page(
        request,
        outcome.account,
        outcome.resource_link,
        outcome.membership,
        registration=tool_conf.registration_model,
        work=outcome.work,
    )
    return sign_in(request, response, outcome.account)


def start_deep_linking(request, registration, message):
    """A deep linking request: the course's teachers get the unit picker (nothing else of
    the launch is kept); anyone else a refusal."""
    if not message.roles.may_pick_units:
        raise errors.NotAllowedToPick(f"roles {list(message.roles.uris)!r} may not pick units")
    token = deep_linking.start(registration, message)
    log.info("Deep linking request from %s: picker %s…", registration, token[:6])
    return redirect("lti_bridge:deep-linking", token=token)


def render_check_email(request, verification):
    return render_page(
        request,
        "lti_bridge/check_email.html",
        {
            "organization": verification.registration.organization,
            "masked": email_verification.mask(verification.email),
            "minutes": int(email_verification.LIFETIME.total_seconds() // 60),
        },
        registration=verification.registration,
    )
