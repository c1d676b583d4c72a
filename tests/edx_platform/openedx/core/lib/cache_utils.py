"""Stand-in for openedx/core/lib/cache_utils.py ``get_cache``: a namespace of the request
cache (edx_django_utils RequestCache), emptied when a request starts, as the LMS's
RequestCacheMiddleware empties it; values set outside a request live until the next one."""

from django.core.signals import request_started

_DATA = {}


def get_cache(name):
    return _DATA.setdefault(name, {})


def clear(**kwargs):
    _DATA.clear()


# Weakly connected: the tests drop and re-import the stand-ins, each copy with its own data.
request_started.connect(clear)
