"""System checks: launch data needs a cache shared by all processes."""

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.core.checks import register

from . import conf

PER_PROCESS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register()
def shared_cache(app_configs, **kwargs):
    name = conf.get("CACHE")
    backend = settings.CACHES.get(name, {}).get("BACKEND", "")
    if backend in PER_PROCESS:
        return [
            CheckWarning(
                f"LTI_BRIDGE['CACHE'] ({name!r}) uses {backend}, which is not shared between "
                "processes: launches will fail when login and launch reach different workers.",
                hint="Use Redis (django.core.cache.backends.redis.RedisCache) or the "
                "database cache.",
                id="lti_bridge.W001",
            )
        ]
    return []
