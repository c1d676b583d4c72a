"""Test settings: the demo project with test-friendly values (see demo/settings.py for
the CODIO_DB=mysql switch used by CI)."""

import os

from demo.settings import *  # noqa: F401,F403
from demo.settings import CODIO_XBLOCK, INSTALLED_APPS, LTI_BRIDGE, MIDDLEWARE

DEBUG = False
BASE_URL = "http://codio.test"  # a valid URL host; the test client ignores it
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CODIO_XBLOCK = {**CODIO_XBLOCK, "PLATFORM_ISSUER": BASE_URL}
LTI_BRIDGE = {**LTI_BRIDGE, "BASE_URL": BASE_URL}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The tables behind the edx-platform stand-ins (tests/edx_platform/, the `openedx` fixture).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.openedx_standin"]

# Inert unless a test arms tests.faults.PLAN (the platform of a live server).
MIDDLEWARE = ["tests.faults.FaultInjectionMiddleware", *MIDDLEWARE]

# Seconds the broker waits before handing a dead worker's unacknowledged task out again
# (the worker of tests/test_celery_worker.py; the test process reads it to wait as long).
TEST_WORKER_VISIBILITY_TIMEOUT = 6

if os.environ.get("CODIO_TEST_FAST_DELIVERY") == "1":
    # The Celery worker of tests/test_celery_worker.py: short timeouts, backoff and lease,
    # and a broker that hands unacknowledged tasks of a dead worker out again quickly.
    LTI_BRIDGE = {
        **LTI_BRIDGE,
        "HTTP_TIMEOUT": (2, 2),
        "DELIVERY_BACKOFF_BASE": 1,
        "DELIVERY_BACKOFF_CAP": 3,
        "DELIVERY_LEASE": 10,
    }
    BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": TEST_WORKER_VISIBILITY_TIMEOUT}
