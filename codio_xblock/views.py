"""Platform endpoints: JWKS and the OIDC authorization endpoint. Thin: the work is in
:mod:`.keystore` and :mod:`.launch`."""

import logging
import secrets
from urllib.parse import urlsplit

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import adapter, conf, keystore
from .launch import authorize
from .lti1p3.exceptions import LtiPlatformError

log = logging.getLogger(__name__)


@require_GET
def jwks(request):
    """The platform's public keys (tools verify our id_tokens with them)."""
    response = JsonResponse(keystore.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


def framed(response):
    """A page that loads inside the unit's frame: whoever frames the unit may frame it (the
    LMS and the Learning MFE, conf.frame_ancestors), nobody else. Browsers check
    X-Frame-Options against every ancestor, so SAMEORIGIN would refuse it under the MFE (an
    origin of its own): the CSP says who instead, as edx-platform's own MFE-framed views
    (``render_xblock``) are exempt from X-Frame-Options."""
    csp = response.get("Content-Security-Policy", "")
    directive = f"frame-ancestors {conf.frame_ancestors()}"
    response["Content-Security-Policy"] = f"{csp}; {directive}" if csp else directive
    response.xframe_options_exempt = True
    return response


def error_page(request, exc):
    log.warning("LTI platform request refused (%s): %s", exc.error_code, exc.description)
    return render(
        request,
        "codio_xblock/error.html",
        {"message": exc.translated(gettext), "code": exc.error_code},
        status=exc.http_status,
    )


# The tool sends the browser here by GET or POST (LTI Security 1.0, 5.1.1.2); it changes
# nothing a CSRF token would protect: the signed hints bind it to the user who started it.
# It loads inside the unit's frame: see framed().
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def oidc_auth(request):
    params = request.GET if request.method == "GET" else request.POST
    try:
        answer = authorize(params, adapter.get().current_user_key(request))
    except LtiPlatformError as exc:
        return framed(error_page(request, exc))
    nonce = secrets.token_urlsafe(16)
    target = urlsplit(answer.redirect_uri)
    response = render(
        request,
        "codio_xblock/form_post.html",
        {
            "redirect_uri": answer.redirect_uri,
            "id_token": answer.id_token,
            "state": answer.state,
            "csp_nonce": nonce,
        },
    )
    response["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; "
        f"form-action {target.scheme}://{target.netloc}"
    )
    response["Referrer-Policy"] = "no-referrer"
    return framed(response)


# The tool's page posts the author's choice here (Deep Linking 2.0, 4.5). The signed JWT,
# its single-use nonce and the single-use request its data names protect it, not a
# CSRF token: it comes from the tool's site.
@transaction.non_atomic_requests  # no transaction held while the tool's key set is fetched
@csrf_exempt
@never_cache
@require_http_methods(["POST"])
def deep_linking_response(request):
    from .deep_linking import finish

    try:
        asked, answer = finish(request, request.POST.get("JWT"))
    except LtiPlatformError as exc:
        # shown in the window the Studio editor opened: nothing was kept, the component
        # and its draft are unchanged
        log.warning("Deep linking response refused (%s): %s", exc.error_code, exc.description)
        return render(
            request,
            "codio_xblock/error.html",
            {
                "title": gettext("The tool's choice was not saved"),
                "message": exc.translated(gettext),
                "advice": gettext(
                    "The component is unchanged. Close this window and choose again in "
                    "Studio, or tell the tool's provider what this page says."
                ),
                "code": exc.error_code,
            },
            status=exc.http_status,
        )
    nonce = secrets.token_urlsafe(16)
    response = render(
        request,
        "codio_xblock/deep_linking_done.html",
        {
            "csp_nonce": nonce,
            "choice": answer.choice,
            "tool_msg": answer.msg,
            "tool_error": answer.errormsg,
            # a nudge to the editor, which reads the choice itself (apply_choice)
            "message": {"type": "codio-unit-chosen", "usage_id": asked.usage_id, "key": asked.key},
            "studio_origin": asked.studio_origin,
        },
    )
    response["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
        "frame-ancestors 'none'"
    )
    return response
