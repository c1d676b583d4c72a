"""Who is signed in to the bridge: a server-side session of its own.

Sessions are Django's session framework (``SESSION_ENGINE``'s store, so Open edX's cache or
database sessions), under a cookie of the bridge's own: embedded in the LMS, Django's
session cookie is the LMS's, and a launch must not change it (or sign anyone in to the LMS).

* Signing in always starts a new session (a new key: no fixation) and ends the one the
  browser had.
* Signing out deletes the session on the server: a copied cookie is worth nothing after.
* A session carries a hash of the account's password: a password change ends every other
  session of the account. A deactivated or deleted account has no session.
* Inside an iframe over HTTPS the cookie is ``SameSite=None; Secure`` (and Partitioned:
  cookies.py).
* A page with a form and nobody signed in (sign-in, password, email verification) gets an
  anonymous session (:func:`ensure`): every form's token is bound to a session
  (forms_token.py), signed in or not. Signing in replaces it like any other. The unit
  picker needs none: its address's single-use token is its proof (ADR 0015).
"""

from importlib import import_module

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

COOKIE = "codio_bridge"
MAX_AGE = 8 * 60 * 60
ACCOUNT_KEY = "lti_bridge_account"
HASH_KEY = "lti_bridge_account_hash"
ZONE_KEY = "lti_bridge_time_zone"
ANONYMOUS_KEY = "lti_bridge_anonymous"
_CACHED = "_lti_bridge_account"
_CACHED_ZONE = "_lti_bridge_time_zone"
_CACHED_LIVE = "_lti_bridge_live_key"  # the cookie's session key, if that session is alive
_ANONYMOUS_NEW = "_lti_bridge_anonymous_key"  # an anonymous session begun by this request


def session_store(session_key=None):
    """The server-side session store of ``session_key`` (a new one without)."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def account_hash(account):
    """Changes when the account's password changes (Django's session auth hash, for ours)."""
    return salted_hmac("lti_bridge.session", account.password, algorithm="sha256").hexdigest()


def _set_cookie(request, response, value):
    secure = request.is_secure()
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        httponly=True,
        secure=secure,
        samesite="None" if secure else "Lax",
    )


def start_session(account, time_zone=""):
    """A new session for ``account`` (shown times in ``time_zone``, the zone its launch
    gave, if any); returns its key (the cookie value)."""
    store = session_store()
    store[ACCOUNT_KEY] = account.pk
    store[HASH_KEY] = account_hash(account)
    if time_zone:
        store[ZONE_KEY] = time_zone
    store.set_expiry(MAX_AGE)
    store.create()
    return store.session_key


_NEW_KEY = "_lti_bridge_session_key"


def begin(request, account, time_zone=""):
    """Start ``account``'s new session now (ending the browser's old one), so the page
    rendered next already belongs to it (its form tokens, its time zone); :func:`sign_in`
    sends the cookie."""
    old = request.COOKIES.get(COOKIE)
    if old:
        session_store(old).delete()
    setattr(request, _NEW_KEY, start_session(account, time_zone))
    setattr(request, _ANONYMOUS_NEW, None)
    setattr(request, _CACHED, account)
    setattr(request, _CACHED_ZONE, time_zone)


def session_key(request):
    """The key of the request's bridge session: the one begun in this request, else the
    browser's cookie ("" without one)."""
    return getattr(request, _NEW_KEY, None) or request.COOKIES.get(COOKIE, "")


def live_key(request):
    """The key of the request's bridge session if that session is alive ("" otherwise): the
    one begun in this request, else the cookie's while it exists on the server (not ended
    by a sign-out, not expired) and, if someone signed in with it, is still theirs
    (:func:`current_account`: active account, unchanged password)."""
    new = getattr(request, _NEW_KEY, None)
    if new:
        return new
    if not hasattr(request, _CACHED_LIVE):
        current_account(request)
    return getattr(request, _CACHED_LIVE, "") or ""


def ensure(request):
    """The request's live session key, or a new anonymous session's (its cookie is sent by
    :func:`send_new_cookie`): what a page with a form and nobody signed in binds its form
    token to."""
    key = live_key(request)
    if key:
        return key
    store = session_store()
    store[ANONYMOUS_KEY] = True
    store.set_expiry(MAX_AGE)
    store.create()
    setattr(request, _NEW_KEY, store.session_key)
    setattr(request, _ANONYMOUS_NEW, store.session_key)
    return store.session_key


def send_new_cookie(request, response):
    """Send the cookie of an anonymous session :func:`ensure` began in this request, unless
    the response already sets or deletes the bridge's cookie (a sign-in, a sign-out)."""
    key = getattr(request, _ANONYMOUS_NEW, None)
    if key and COOKIE not in response.cookies and getattr(request, _NEW_KEY, None) == key:
        _set_cookie(request, response, key)
    return response


def sign_in(request, response, account):
    """Sign ``account`` in: its session (begun by :func:`begin`, or now) in the cookie."""
    if getattr(request, _NEW_KEY, None) is None or getattr(request, _CACHED, None) != account:
        begin(request, account)
    _set_cookie(request, response, getattr(request, _NEW_KEY))
    return response


def sign_out(request, response):
    key = request.COOKIES.get(COOKIE)
    if key:
        session_store(key).delete()
    response.delete_cookie(COOKIE, samesite="None" if request.is_secure() else "Lax")
    setattr(request, _CACHED, None)
    setattr(request, _CACHED_ZONE, "")
    setattr(request, _CACHED_LIVE, "")
    setattr(request, _NEW_KEY, None)
    setattr(request, _ANONYMOUS_NEW, None)
    return response


def current_account(request):
    """The signed-in, active account whose password has not changed since, or None."""
    if hasattr(request, _CACHED):
        return getattr(request, _CACHED)
    from .models import Account

    account, zone, live = None, "", ""
    key = request.COOKIES.get(COOKIE)
    if key:
        store = session_store(key)
        account_id = store.get(ACCOUNT_KEY)
        if account_id is not None:
            candidate = Account.objects.filter(pk=account_id, is_active=True).first()
            if candidate is not None and constant_time_compare(
                store.get(HASH_KEY, ""), account_hash(candidate)
            ):
                account, zone, live = candidate, store.get(ZONE_KEY, ""), key
        elif store.get(ANONYMOUS_KEY):
            live = key
    setattr(request, _CACHED, account)
    setattr(request, _CACHED_ZONE, zone)
    setattr(request, _CACHED_LIVE, live)
    return account


def time_zone(request):
    """The time zone the signed-in viewer's launch gave ("" if none, or nobody signed in)."""
    if not hasattr(request, _CACHED_ZONE):
        current_account(request)
    return getattr(request, _CACHED_ZONE, "") or ""


def current_account_id(request):
    account = current_account(request)
    return account.pk if account else None


def sign_in_cookie_value(account):
    """A session for ``account`` as :func:`sign_in` makes it (for scripts: benchmarks)."""
    return start_session(account)
