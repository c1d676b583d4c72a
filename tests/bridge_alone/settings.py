"""Settings of the bridge alone (see the package docstring): what an operator who runs the
bridge as its own service would write, with test-friendly values."""

import os
import sys
from pathlib import Path

VAR = Path(os.environ.get("CODIO_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))
VAR.mkdir(parents=True, exist_ok=True)

DEBUG = False
SECRET_KEY = "bridge-alone-tests-only-" + "x" * 32
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
BASE_URL = "http://codio.test"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "lti_bridge",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
ROOT_URLCONF = "tests.bridge_alone.urls"
STATIC_URL = "/static/"
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR / "bridge-alone.sqlite3"),
        "TEST": {"NAME": str(VAR / "bridge-alone-test.sqlite3")},
        "OPTIONS": {"timeout": 20},
        "ATOMIC_REQUESTS": True,
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "bridge_cache",
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    }
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
CELERY_ALWAYS_EAGER = True
CELERY_EAGER_PROPAGATES_EXCEPTIONS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "Codio bridge <no-reply@codio.test>"
LTI_BRIDGE = {"BASE_URL": BASE_URL, "ALLOW_INSECURE_URLS": True}

# The bridge's plugin settings, applied as Open edX would apply them.
from lti_bridge.settings import common as _bridge_plugin_settings  # noqa: E402

_bridge_plugin_settings.plugin_settings(sys.modules[__name__])
