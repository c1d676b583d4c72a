"""Form tokens bound to the bridge's own session, for the pages LMSs frame.

Framed in another site's page, the bridge receives its own session cookie (``SameSite=None;
Secure`` over HTTPS) but not Django's CSRF cookie, which hosts set ``SameSite=Lax`` (Open
edX does): cookie-based CSRF would refuse every teacher form in a Canvas or Moodle iframe.
So the bridge's framed forms carry a token of the signed-in account (an HMAC, under the
site's secret key, of the account and its password hash: a page of another site can neither
read it nor compute it), checked by :func:`protect` instead of Django's CSRF middleware. It
is the same for every session of the account, so the several frames of one course page,
which sign in at the same moment and each start a session, all post with a valid token.
Forms of unframed pages (sign-in, password, email verification) keep Django's CSRF
protection.

The token travels in the form field ``bridge_token`` or the header ``X-Bridge-Token`` (the
JSON API).
"""

from functools import wraps

from django.shortcuts import render
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .session import COOKIE, account_hash, current_account

FIELD = "bridge_token"
HEADER = "X-Bridge-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def token_for(request):
    """The form token of the request's signed-in account ("" when nobody is signed in)."""
    account = current_account(request)
    if account is None:
        return ""
    value = f"{account.pk}:{account_hash(account)}"
    return salted_hmac("lti_bridge.form", value, algorithm="sha256").hexdigest()


def protect(view):
    """Refuse unsafe requests without the session's token (403 page, nothing done)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Without a bridge session there is nothing to forge: the view answers as to anyone.
        if request.method not in SAFE_METHODS and request.COOKIES.get(COOKIE):
            expected = token_for(request)
            given = request.POST.get(FIELD) or request.headers.get(HEADER, "")
            if not expected or not given or not constant_time_compare(given, expected):
                return render(
                    request,
                    "lti_bridge/message.html",
                    {"message": _("This form has expired. Open the unit again from your course.")},
                    status=403,
                )
        return view(request, *args, **kwargs)

    return wrapper
