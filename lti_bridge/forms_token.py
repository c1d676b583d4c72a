"""Every bridge form is protected one way: a token bound to the bridge session, and the
request's origin.

LMSs frame the bridge in their own pages, on another site. There the browser sends the
bridge's session cookie (``SameSite=None; Secure; Partitioned``: session.py, cookies.py)
but never Django's CSRF cookie, which hosts set ``SameSite=Lax`` (Open edX does) and which
is not partitioned: Django's CSRF check would refuse every form in the frame ("CSRF cookie
not set"). So no bridge page relies on it. :func:`protect`, applied by
``views.responses.bridge_view`` to every bridge address except the LTI endpoints the
platform itself calls from its own site (:func:`lti_endpoints`: the launch is protected by
its signed id_token, its state cookie and its nonce), refuses an unsafe request (403 page,
nothing done):

* whose ``Origin`` header (or, without one, ``Referer``) is present and is not the bridge's
  own origin (the site's ``BASE_URL`` or the address the request came to): a page of
  another site, even one that holds a token, cannot make the bridge act;
* without the token of the request's live bridge session: an HMAC, under the site's secret
  key, of the session's key. A page of another site can neither read it nor compute it;
  signing out, the session's expiry, or a new session (every sign-in or launch starts
  one) makes every token shown before useless. Pages with a form and nobody signed in
  (sign-in, password, email verification) get an anonymous session
  (:func:`session.ensure`), so their forms are protected the same way.

The token travels in the form field ``bridge_token`` (the ``{% bridge_form_token %}`` tag)
or the header ``X-Bridge-Token`` (the JSON API).

A view whose unsafe requests carry a proof of their own may say so (:func:`own_proof`): the
unit picker's address holds an unguessable, single-use token the platform's deep linking
request created, which a page of another site cannot know, and which the view checks and
spends itself. ``protect`` then asks it for no session token (the picker needs no cookie,
in a frame of a browser that keeps none, not even partitioned ones); the origin check stays.

The frames of one course page launch at the same moment, each starting a session, and the
browser keeps the cookie of the last: the pages of the others show tokens of sessions no
longer theirs. Just before a form is sent, the bridge's pages therefore ask the bridge for
the current session's token (a GET to any bridge address with the header
``X-Bridge-Token-Refresh``, answered here without running the view; only a page of the
bridge's own origin can send that header and read the answer) and use it if it belongs to
the same account as the page.

Django's test client does not enforce CSRF checks unless asked
(``Client(enforce_csrf_checks=True)``); this check, which replaces Django's for the bridge's
pages, keeps that contract for its token (not for the origin check).
"""

import logging
from functools import wraps

from django.core.exceptions import DisallowedHost
from django.http import JsonResponse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import conf, session
from .protocol.origins import url_origin

log = logging.getLogger(__name__)

FIELD = "bridge_token"
HEADER = "X-Bridge-Token"
REFRESH_HEADER = "X-Bridge-Token-Refresh"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def _token(key):
    return salted_hmac("lti_bridge.form", key, algorithm="sha256").hexdigest()


def token_for(request):
    """The form token of the request's live bridge session ("" without one)."""
    key = session.live_key(request)
    return _token(key) if key else ""


def form_token(request):
    """The token a page's forms carry, and the id of the account signed in ("" for none);
    a page with nobody signed in starts an anonymous session for its forms."""
    key = session.ensure(request)
    account = session.current_account_id(request)
    return _token(key), "" if account is None else str(account)


def own_origins(request):
    """The bridge's own origins: the one its settings name, and the one the request came to
    (the same behind a correctly configured proxy)."""
    origins = {url_origin(conf.base_url())}
    try:
        origins.add(url_origin(f"{request.scheme}://{request.get_host()}"))
    except DisallowedHost:
        pass
    return {origin for origin in origins if origin}


def foreign_origin(request):
    """The ``Origin`` (else the ``Referer``'s origin) the request names when it is not the
    bridge's own, else None. "null" (a sandboxed or privacy-redirected page) is foreign."""
    origin = request.headers.get("Origin")
    if origin is None:
        referer = request.headers.get("Referer")
        if referer is None:
            return None
        origin = url_origin(referer) or referer
    if url_origin(origin) in own_origins(request):
        return None
    return origin.strip() or "null"


def _refuse(request, message):
    from .pages import render_page

    # Shown inside the LMS's frame (any registered platform may frame it), not a blank frame.
    return render_page(request, "lti_bridge/message.html", {"message": message}, status=403)


def _refresh(request):
    account = session.current_account_id(request)
    response = JsonResponse({"token": token_for(request), "account": account})
    response["Cache-Control"] = "no-store"
    return response


def own_proof(view):
    """Declare that ``view`` proves its unsafe requests itself, by an unguessable single-use
    capability it checks and refuses with its own page (the unit picker's URL token):
    :func:`protect` asks it for no session token, and still refuses another origin. Apply
    it outermost (it marks the function ``protect`` receives)."""
    view.bridge_own_proof = True
    return view


def protect(view):
    """Refuse unsafe requests from another origin or without the session's token (403 page,
    nothing done); answer a page's token refresh. Applied once to every bridge view."""
    if getattr(view, "bridge_protected", False):
        return view

    own = getattr(view, "bridge_own_proof", False)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method in ("GET", "HEAD") and request.headers.get(REFRESH_HEADER):
            return _refresh(request)
        if request.method not in SAFE_METHODS:
            foreign = foreign_origin(request)
            if foreign is not None:
                log.warning("Refused a %s to %s from %.100s", request.method, request.path, foreign)
                return _refuse(
                    request,
                    _(
                        "This form was sent from another site (%(origin)s), so nothing was "
                        "done. Use the forms on the Codio pages themselves."
                    )
                    % {"origin": foreign[:100]},
                )
            if not own and not getattr(request, "_dont_enforce_csrf_checks", False):
                expected = token_for(request)
                given = request.POST.get(FIELD) or request.headers.get(HEADER, "")
                if not expected or not given or not constant_time_compare(given, expected):
                    return _refuse(
                        request,
                        _(
                            "This form has expired: it belongs to an earlier sign-in, or you "
                            "signed out since. Nothing was done. Open the unit again from "
                            "your course (or reload this page) and try again."
                        ),
                    )
        return view(request, *args, **kwargs)

    wrapper.bridge_protected = True  # type: ignore[attr-defined]
    return wrapper


def lti_endpoints():
    """The addresses the platform calls from its own site, protected by the LTI security
    framework (signed messages, state, nonce) instead: OIDC login, launch, key set."""
    from .launch import views

    return {views.login, views.launch, views.jwks}
