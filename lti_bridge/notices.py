"""Confirmations for the next page ("Grade saved", "1 grade released"), kept in the bridge's
own session.

Django's messages framework keeps them in a cookie (its default, ``FallbackStorage``) or in
the host's session (Open edX: ``SessionStorage``, under the LMS's session cookie). Inside
another site's frame with third-party cookies blocked, neither cookie comes back unless it
is ``Partitioned``, which Django cannot ask for: the page said nothing after a save. The
bridge's session cookie is partitioned (cookies.py) and its session is server-side
(session.py), so the confirmations live there, and every page that shows the bridge's
session shows them. A request with no bridge session has nowhere to keep one: the views
that add them all need a signed-in account.
"""

from dataclasses import dataclass

from . import session

KEY = "lti_bridge_notices"
MAX_KEPT = 10  # a page never shows more; older ones are dropped


@dataclass(frozen=True)
class Notice:
    level: str  # "success", "info" or "error": the CSS class, as Django's message tags
    text: str

    @property
    def tags(self):
        return self.level

    def __str__(self):
        return self.text


def _add(request, level, text):
    key = session.session_key(request)
    if not key:
        return
    store = session.session_store(key)
    kept = list(store.get(KEY, []))[-(MAX_KEPT - 1) :]
    store[KEY] = [*kept, (level, str(text))]
    store.save()


def success(request, text):
    _add(request, "success", text)


def info(request, text):
    _add(request, "info", text)


def error(request, text):
    _add(request, "error", text)


def pop(request):
    """The notices waiting for this request's session, removed as they are shown."""
    key = session.session_key(request)
    if not key:
        return []
    store = session.session_store(key)
    kept = store.get(KEY)
    if not kept:
        return []
    del store[KEY]
    store.save()
    return [Notice(level, text) for level, text in kept]
