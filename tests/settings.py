"""Test settings: the demo project with test-friendly values (see demo/settings.py for
the CODIO_DB=mysql switch used by CI)."""

import importlib.util
import os
import re

# pytest-xdist runs the suite in several processes ("gw0", "gw1", ...), each with its own
# test database (pytest-django adds the suffix). Each also gets a Redis database of its own
# for the cache (database N + worker number), since tests empty the cache (FLUSHDB). Set in
# the environment before the demo's settings read it, so the processes a test starts (a
# Celery worker, a benchmark's gunicorn) share their test's cache and nobody else's.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_shifted = os.environ.get("CODIO_REDIS_URL_SHIFTED_FOR") == _worker  # a test's subprocess
if _worker.startswith("gw") and os.environ.get("CODIO_REDIS_URL") and not _shifted:
    _base = re.fullmatch(r"(redis://[^/]+)/?(\d*)", os.environ["CODIO_REDIS_URL"])
    if _base is None:
        raise ValueError("CODIO_REDIS_URL must look like redis://host:port/db for -n")
    _db = int(_base[2] or 0) + int(_worker[2:])
    os.environ["CODIO_REDIS_URL"] = f"{_base[1]}/{_db}"
    os.environ["CODIO_REDIS_URL_SHIFTED_FOR"] = _worker

from demo.settings import *  # noqa: E402,F401,F403
from demo.settings import CODIO_XBLOCK, INSTALLED_APPS, LTI_BRIDGE, MIDDLEWARE  # noqa: E402

DEBUG = False
BASE_URL = "http://codio.test"  # a valid URL host; the test client ignores it
# The test client has one origin ("testserver"): it is the LMS, the MFE and Studio at once.
# The live and browser tests that serve the demo on its own origins set these
# (tests/origins.py).
DEMO_MFE_URL = DEMO_STUDIO_URL = ""
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CODIO_XBLOCK = {**CODIO_XBLOCK, "PLATFORM_ISSUER": BASE_URL}
LTI_BRIDGE = {**LTI_BRIDGE, "BASE_URL": BASE_URL}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The tables behind the edx-platform stand-ins (tests/edx_platform/, the `openedx` fixture),
# and the Open edX apps tested as they are (from PyPI, not copied): edx-completion (its
# BlockCompletion table, the waffle switch it reads, the tracking log it writes to, which
# the LMS installs as below) and edx-when.
INSTALLED_APPS = [
    *INSTALLED_APPS,
    "tests.openedx_standin",
    "waffle",
    "eventtracking.django.apps.EventTrackingConfig",
    "completion",
    "edx_when",
]
# openedx-authz (from PyPI, with edx-organizations, as Open edX Verawood installs them: the
# `authz` extra under Verawood's pins), where course-team roles may come from beside
# CourseAccessRole. Ulmo's and Teak's pins have no course roles in it: there it is not
# installed and the stand-ins are those releases' roles.py.
if importlib.util.find_spec("openedx_authz") is not None:
    INSTALLED_APPS += [
        "organizations",
        "openedx_authz.engine.apps.CasbinAdapterConfig",
        "openedx_authz.apps.OpenedxAuthzConfig",
        "tests.openedx_authz_standin",
    ]
    # what openedx_authz/settings/common.py plugin_settings sets in the LMS
    CASBIN_MODEL = os.path.join(
        os.path.dirname(importlib.util.find_spec("openedx_authz").origin),
        "engine",
        "config",
        "model.conf",
    )
    CASBIN_AUTO_LOAD_POLICY_INTERVAL = 0
    CASBIN_AUTO_SAVE_POLICY = True
    CASBIN_LOG_LEVEL = "WARNING"
    ENABLE_AUTOMATIC_AUTHZ_COURSE_AUTHORING_MIGRATION = False
    OPENEDX_AUTHZ_COURSE_OVERVIEW_MODEL = "openedx_authz_standin.CourseOverview"
    OPENEDX_AUTHZ_CONTENT_LIBRARY_MODEL = "openedx_authz_standin.ContentLibrary"

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
