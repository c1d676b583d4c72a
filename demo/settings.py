"""Settings of the demo (and the test suite): workbench + codio_xblock + lti_bridge.

Embedded defaults: SQLite in ``var/``, the database cache (shared by all processes),
eager Celery. Environment variables switch to real services:
``CODIO_DB=mysql`` (MariaDB on 127.0.0.1:3306, root), ``CODIO_REDIS_URL`` (cache).
"""

import os
import sys
from pathlib import Path

import django
from workbench.settings import *  # noqa: F401,F403  (xblock-sdk's settings are the base)
from workbench.settings import INSTALLED_APPS, MIDDLEWARE, TEMPLATES, WORKBENCH

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("CODIO_VAR_DIR", ROOT / "var"))
VAR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("CODIO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("CODIO_SECRET_KEY", "demo-only-secret-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver", "[::1]"]
BASE_URL = os.environ.get("CODIO_DEMO_BASE_URL", "http://localhost:8000").rstrip("/")


def _next_port(url, step):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = (parts.port or (443 if parts.scheme == "https" else 80)) + step
    return f"{parts.scheme}://{parts.hostname}:{port}"


# A real Open edX serves the LMS, the Learning MFE and Studio on three origins (Tutor:
# <lms host>, apps.<lms host>, studio.<lms host>); the demo serves them on three ports of
# one host (demo/origins.py): the next two after the LMS's, unless given.
DEMO_MFE_URL = os.environ.get("CODIO_DEMO_MFE_URL", "").rstrip("/") or _next_port(BASE_URL, 1)
DEMO_STUDIO_URL = os.environ.get("CODIO_DEMO_STUDIO_URL", "").rstrip("/") or _next_port(BASE_URL, 2)
DEMO_TOOL_URL = ""  # the tests put the bridge on a site of its own
# The names Open edX gives them (openedx/envs/common.py, lms/envs/common.py; Tutor's mfe
# plugin sets LEARNING_MICROFRONTEND_URL to http(s)://apps.<lms host>/learning).
LEARNING_MICROFRONTEND_URL = DEMO_MFE_URL + "/learning"
CMS_ROOT_URL = DEMO_STUDIO_URL
# Over HTTPS the LMS's session cookie is SameSite=None; Secure, as Open edX's production
# settings and Tutor make it: the platform's auth step is reached from the tool's site.
if BASE_URL.startswith("https://"):
    SESSION_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [*INSTALLED_APPS, "codio_xblock", "lti_bridge", "demo"]
MIDDLEWARE = [
    *MIDDLEWARE,
    "django.middleware.locale.LocaleMiddleware",
    "demo.middleware.WorkbenchUserMiddleware",
]
# As Open edX (lms/envs/common.py MIDDLEWARE; Tutor sets X_FRAME_OPTIONS = "SAMEORIGIN"):
# only the views edx-platform exempts (render_xblock, the XBlock handlers) may be framed by
# another origin, such as the Learning MFE.
MIDDLEWARE.append("django.middleware.clickjacking.XFrameOptionsMiddleware")
X_FRAME_OPTIONS = "SAMEORIGIN"
# Each origin serves its own pages; Studio's requests read and write the draft.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "demo.origins.OriginRolesMiddleware",
)
# The workbench's field data with Open edX's draft and published branches (demo/modulestore.py).
WORKBENCH = {
    **WORKBENCH,
    "services": {**WORKBENCH["services"], "field-data": "demo.modulestore.BranchingFieldData"},
}
# The server's clock is UTC, as Open edX's (lms/envs/common.py TIME_ZONE); xblock-sdk's
# settings would make it America/New_York. Pages show each viewer's zone when the launch
# gives one (lti_bridge/timezones.py).
TIME_ZONE = "UTC"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], str(ROOT / "demo" / "templates")]
ROOT_URLCONF = "demo.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

if os.environ.get("CODIO_DB") == "mysql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("CODIO_DB_NAME", "codio_demo"),
            "USER": os.environ.get("CODIO_DB_USER", "root"),
            "PASSWORD": os.environ.get("CODIO_DB_PASSWORD", ""),
            "HOST": os.environ.get("CODIO_DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("CODIO_DB_PORT", "3306"),
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR / "demo.sqlite3"),
            # A file, not memory, for the test database too: a live server's threads then
            # get connections of their own, as in production, instead of sharing one.
            "TEST": {"NAME": str(VAR / "test.sqlite3")},
            "OPTIONS": {"timeout": 20},
        }
    }
    # Concurrent requests (frames launching at once) write at the same time: take the write
    # lock when a transaction begins, so SQLite waits instead of failing with "database is
    # locked"; WAL lets readers go on meanwhile. Django 5.1+ has settings for it; before,
    # a two-method backend (demo/sqlite3) does the same.
    if django.VERSION >= (5, 1):
        DATABASES["default"]["OPTIONS"].update(
            transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL;"
        )
    else:
        DATABASES["default"]["ENGINE"] = "demo.sqlite3"

# As the LMS sets it (lms/envs/common.py): every view runs in one transaction unless it is
# decorated non_atomic_requests, as the plugin's views that manage their own are.
DATABASES["default"]["ATOMIC_REQUESTS"] = True

if os.environ.get("CODIO_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CODIO_REDIS_URL"],
        }
    }
else:
    # Shared by every process (runserver threads, Celery workers): launches need that.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "codio_cache",
            # Django culls a third of this cache past MAX_ENTRIES (300 by default): that
            # would drop the state and nonces of launches in flight (lti_bridge.W002).
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "file": {"class": "logging.FileHandler", "filename": str(VAR / "demo.log")},
    },
    "loggers": {
        "codio_xblock": {"handlers": ["console", "file"], "level": "INFO"},
        "lti_bridge": {"handlers": ["console", "file"], "level": "INFO"},
        "django.request": {"handlers": ["file"], "level": "WARNING"},
    },
}

# Celery settings by the names Open edX's Celery app reads (no CELERY namespace; see
# demo/celery.py). The grade outbox sweep is put on CELERYBEAT_SCHEDULE by lti_bridge's
# plugin settings, applied at the end of this file as Open edX applies them.
CELERY_ALWAYS_EAGER = os.environ.get("CODIO_CELERY_EAGER", "1") == "1"
CELERY_EAGER_PROPAGATES_EXCEPTIONS = True
BROKER_URL = os.environ.get("CODIO_BROKER_URL", "redis://127.0.0.1:6379/0")

# The demo prints mails (verification links, password resets) in the server's terminal.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "Codio demo <no-reply@codio.test>"

CODIO_XBLOCK = {
    "PLATFORM_ISSUER": BASE_URL,
    "PLATFORM_NAME": "Open edX demo (workbench)",
    "STANDALONE_COURSE": {
        "id": "course-v1:Demo+CS101+2026",
        "label": "CS101",
        "title": "Demo course: Introduction to Programming",
        "url": "/scenario/codio_unit.1/",
    },
    "STANDALONE_COURSE_ROLES": {
        "instructor": ["instructor"],
        "ta": ["community_ta"],
        "mentor": ["limited_staff"],
        "staff": ["staff"],
        "moderator": ["group_moderator"],
        "beta": ["beta_tester"],
        "admin": ["instructor"],
    },
    # Global staff: sent as the LMS's system Administrator (the bridge's organization admin).
    "STANDALONE_GLOBAL_STAFF": ["admin"],
    # Time zone preferences (Open edX's time_zone), sent to the bridge as
    # $Person.address.timezone: its pages show these learners' and teachers' own clocks.
    "STANDALONE_TIME_ZONES": {
        "learner": "Europe/Madrid",
        "instructor": "America/New_York",
        "staff": "Asia/Kolkata",
    },
}
LTI_BRIDGE = {
    "BASE_URL": BASE_URL,
    "ALLOW_INSECURE_URLS": True,  # the demo runs on http://localhost
}

# Plugin settings, applied as Open edX applies them (plugin_app settings_config).
from codio_xblock.settings import common as _codio_plugin_settings  # noqa: E402
from lti_bridge.settings import common as _bridge_plugin_settings  # noqa: E402

_codio_plugin_settings.plugin_settings(sys.modules[__name__])
_bridge_plugin_settings.plugin_settings(sys.modules[__name__])
