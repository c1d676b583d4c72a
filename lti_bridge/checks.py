"""System checks: launch data, state and nonces need a cache that every process shares
and that keeps them until the launch arrives."""

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.core.checks import register

from . import conf

PER_PROCESS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
# Backends that cull a third of their entries once they hold MAX_ENTRIES (default 300).
CULLING = (
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.locmem.LocMemCache",
)
MIN_ENTRIES = 10_000


def _cache_config():
    name = conf.get("CACHE")
    return name, settings.CACHES.get(name, {})


@register()
def shared_cache(app_configs, **kwargs):
    name, config = _cache_config()
    backend = config.get("BACKEND", "")
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
    if backend == "django.core.cache.backends.db.DatabaseCache" and _on_mysql(config):
        return [
            CheckWarning(
                f"LTI_BRIDGE['CACHE'] ({name!r}) is the database cache on MySQL, which "
                "deadlocks when many launches write to it at once.",
                hint="Use Redis (django.core.cache.backends.redis.RedisCache) or memcached.",
                id="lti_bridge.W003",
            )
        ]
    return []


def _on_mysql(config):
    from django.db import connections

    return connections["default"].vendor == "mysql"


@register()
def cache_keeps_launches(app_configs, **kwargs):
    name, config = _cache_config()
    entries = config.get("OPTIONS", {}).get("MAX_ENTRIES", 300)
    if config.get("BACKEND", "") in CULLING and entries < MIN_ENTRIES:
        return [
            CheckWarning(
                f"LTI_BRIDGE['CACHE'] ({name!r}) culls entries past MAX_ENTRIES={entries}: "
                "under load it drops the state and nonces of launches in flight.",
                hint=f"Set OPTIONS['MAX_ENTRIES'] to {MIN_ENTRIES} or more, or use Redis.",
                id="lti_bridge.W002",
            )
        ]
    return []
