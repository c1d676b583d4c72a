"""Settings of the server the live benchmarks (load, burst, delivery) start under gunicorn.

The demo's settings as production runs them: DEBUG off whatever the environment says, the
database and cache the benchmark chose (``CODIO_DB``, ``CODIO_REDIS_URL``), no test-only
middleware. One addition, outside the measured path of the bridge: a bare pylti1p3 tool
(benchmarks/bare_tool.py) registered on the same platform, the baseline of the launch
ratio.
"""

from demo.settings import *  # noqa: F401,F403

DEBUG = False
ROOT_URLCONF = "benchmarks.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seeding 1,000 users
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        "lti_bridge": {"handlers": ["console"], "level": "WARNING"},
        "codio_xblock": {"handlers": ["console"], "level": "WARNING"},
    },
}
