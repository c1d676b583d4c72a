"""Headers and refusal pages every bridge response gets (applied to every URL in urls.py).

* ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin`` on everything;
* pages that did not say who may frame them (the sign-in, password and account pages, the
  refusal pages) may be framed by nobody: ``X-Frame-Options: DENY`` and CSP
  ``frame-ancestors 'none'`` (LMS-framed pages set their own ``frame-ancestors``);
* a 404, 405 or 403 never answers with an empty page: it states what happened;
* cross-site cookies (``SameSite=None; Secure``) are Partitioned (cookies.py);
* every form is protected one way (forms_token.py): unsafe requests need the bridge
  session's token and must not come from another origin; only the LTI endpoints the
  platform calls from its own site are left to the LTI security framework. A page that
  began an anonymous session for its forms sends its cookie.
"""

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import forms_token, session
from ..cookies import partition

REFUSALS = {
    404: lambda: _("This page does not exist, or you may not see it."),
    405: lambda: _("This address does not answer this kind of request."),
    403: lambda: _("You may not do this."),
}


def _refusal_page(request, status, allow=None):
    response = render(
        request, "lti_bridge/message.html", {"message": REFUSALS[status]()}, status=status
    )
    if allow:
        response["Allow"] = allow
    return response


def _protect(response):
    partition(response)
    response.setdefault("X-Content-Type-Options", "nosniff")
    response.setdefault("Referrer-Policy", "same-origin")
    csp = response.get("Content-Security-Policy", "")
    if "frame-ancestors" not in csp and not getattr(response, "xframe_options_exempt", False):
        response["X-Frame-Options"] = "DENY"
        response["Content-Security-Policy"] = (
            f"{csp}; frame-ancestors 'none'" if csp else "frame-ancestors 'none'"
        )
        response.xframe_options_exempt = True  # ours is set; the middleware leaves it be
    return response


def bridge_view(view):
    if view not in forms_token.lti_endpoints():
        view = forms_token.protect(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = _refusal_page(request, 404)
        if (
            response.status_code in REFUSALS
            and not response.content
            and not getattr(response, "streaming", False)
        ):
            response = _refusal_page(request, response.status_code, response.get("Allow"))
        session.send_new_cookie(request, response)
        return _protect(response)

    return wrapper
