"""Test settings: the demo project with test-friendly values (see demo/settings.py for
the CODIO_DB=mysql switch used by CI)."""

from demo.settings import *  # noqa: F401,F403
from demo.settings import CODIO_XBLOCK, LTI_BRIDGE

DEBUG = False
BASE_URL = "http://codio.test"  # a valid URL host; the test client ignores it
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CODIO_XBLOCK = {**CODIO_XBLOCK, "PLATFORM_ISSUER": BASE_URL}
LTI_BRIDGE = {**LTI_BRIDGE, "BASE_URL": BASE_URL}
LOGGING = {"version": 1, "disable_existing_loggers": False}
