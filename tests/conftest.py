import itertools
import sys
import threading

import pytest
from django.core.cache import caches

from tests.support import DjangoClientAdapter

# Tests that run one at a time on one xdist worker, in this order of groups: they start
# servers, browsers or Celery workers, take both cores for a while and some measure time.
SERIAL_KINDS = ("worker", "browser", "live", "benchmark")


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Mark what a test needs from its fixtures (`live` for Django's live server) and keep
    the serial kinds in one xdist group (`-n 2 --dist loadgroup`) before the other plugins
    see the items (xdist reads the group); after them (pytest-django groups database
    tests), put the serial kinds first, so that the worker that takes them starts on them
    while the other runs everything else. Without pytest-xdist (`-p no:xdist`,
    PYTEST_WORKERS=0) there is no group to join."""
    xdist = config.pluginmanager.hasplugin("xdist")
    for item in items:
        if "live_server" in item.fixturenames:
            item.add_marker(pytest.mark.live)
        if xdist and any(item.get_closest_marker(kind) for kind in SERIAL_KINDS):
            item.add_marker(pytest.mark.xdist_group("serial"))
    result = yield

    def serial_rank(item):
        for rank, kind in enumerate(SERIAL_KINDS):
            if item.get_closest_marker(kind):
                return rank
        return len(SERIAL_KINDS)

    items.sort(key=serial_rank)  # stable: every other plugin's order is kept within a kind
    return result


def pytest_collection_finish(session):
    """Under `--dist loadgroup`, refuse to run if pytest-xdist did not group the serial
    kinds (it marks a grouped test's id with `@<group>`): they would run side by side."""
    if not session.config.getoption("loadgroup", False):
        return
    ungrouped = [
        item.nodeid
        for item in session.items
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid
    ]
    if ungrouped:
        raise pytest.UsageError(
            f"pytest-xdist did not group {ungrouped[0]} (pytest-xdist issue 1386: use the "
            "pytest the test extra pins)"
        )


# Modules whose key ring keeps the published keys in the process (lti_bridge.keyring).
KEY_RING_MODULES = ("codio_xblock.keystore", "lti_bridge.keys")


@pytest.fixture(autouse=True)
def _clean_cache(request):
    """Start every database test with empty caches (the database cache needs the db), and
    with no published keys kept in the process from another test's database."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue(
            "transactional_db" if "live_server" in request.fixturenames else "db"
        )
        for cache in caches.all():
            cache.clear()
        for name in KEY_RING_MODULES:
            if name in sys.modules:  # never imported: nothing kept (the bridge alone)
                sys.modules[name].ring.forget()
    yield


# Making an RSA key costs ~45 ms of CPU, and the suite asked for ~700 (a tenth of a run).
# Tests draw 2048-bit keys from a pool made once per process instead: each call returns the
# next of KEY_POOL_SIZE keys in turn, so a test's keys are distinct (a rotation gets a new
# key, "another key" is another) as long as it asks for fewer than KEY_POOL_SIZE. The
# real generator is tested in tests/test_protocol.py (the `real_keys` fixture).
KEY_POOL_SIZE = 24


@pytest.fixture(autouse=True, scope="session")
def _key_pool():
    from lti_bridge.protocol import keys

    real = keys.generate_private_pem
    pool = []
    turn = itertools.count()
    lock = threading.Lock()  # live servers' threads make keys too

    def pooled(bits=keys.MIN_KEY_BITS):
        if bits != keys.MIN_KEY_BITS:
            return real(bits)
        with lock:
            n = next(turn) % KEY_POOL_SIZE
            while len(pool) <= n:
                pool.append(real())
            return pool[n]

    keys.generate_private_pem = pooled
    yield real
    keys.generate_private_pem = real


@pytest.fixture
def real_keys(_key_pool, monkeypatch):
    """For a test of key generation itself: keys made as in production."""
    from lti_bridge.protocol import keys

    monkeypatch.setattr(keys, "generate_private_pem", _key_pool)


@pytest.fixture
def outbound():
    """Route outbound HTTP for http://codio.test/ through Django: the bridge's (key sets,
    AGS, rosters) and the platform's (tool key sets, when a tool asks for a token)."""
    from codio_xblock import ags
    from lti_bridge import http

    adapter = DjangoClientAdapter()
    http.session.mount("http://codio.test/", adapter)
    ags.session.mount("http://codio.test/", DjangoClientAdapter())
    yield adapter
    http.session.adapters.pop("http://codio.test/", None)
    ags.session.adapters.pop("http://codio.test/", None)


@pytest.fixture
def course(db, outbound):
    """The demo course in the workbench, both registrations and demo users, as seeded
    for the demo; returns the platform's ToolRegistration of the built-in bridge."""
    from workbench.scenarios import init_scenarios

    from demo.seed import seed

    init_scenarios()
    return seed("http://codio.test")


@pytest.fixture
def users(course):
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.all()}


def client_for(user):
    from tests.support import BridgeClient

    client = BridgeClient()
    client.force_login(user)
    return client


@pytest.fixture
def as_user(users):
    return lambda username: client_for(users[username])


@pytest.fixture
def bridge_setup(db):
    """A bridge organization, a unit and a platform registration with a static key set
    belonging to a ScriptedPlatform."""
    from tests import factories

    return factories.organization_with_lms(
        unit_fields={
            "instructions": (
                "Print **hello** <script>alert(1)</script> <img src=x onerror=alert(2)> "
                "[click](javascript:alert(3))"
            )
        },
        key_set_url="https://lms.example.edu/jwks",
    )


@pytest.fixture
def launch_as(bridge_setup):
    """Launch as anyone from the scripted LMS of ``bridge_setup`` (tests.support.LaunchAs)."""
    from tests.support import LaunchAs

    return LaunchAs(bridge_setup)


EDX_PLATFORM = __import__("pathlib").Path(__file__).resolve().parent / "edx_platform"
EDX_TOP_LEVEL = ("common", "openedx", "lms", "xmodule")
# openedx-authz, installed from PyPI under Verawood's pins only (the `authz` extra)
HAS_AUTHZ = __import__("importlib.util").util.find_spec("openedx_authz") is not None


def _forget_edx_modules():
    import sys

    for name in [n for n in sys.modules if n.split(".")[0] in EDX_TOP_LEVEL]:
        del sys.modules[name]


class OpenEdx:
    """The edx-platform stand-ins (tests/edx_platform/) on sys.path, codio_xblock on its
    Open edX adapter, and helpers to make the LMS's data: users with profiles and roles,
    course blocks in the stand-in modulestore, the runtime's user service."""

    COURSE = "course-v1:Org+CS101+2026"

    def __init__(self):
        from opaque_keys.edx.keys import CourseKey

        self.course_key = CourseKey.from_string(self.COURSE)
        if HAS_AUTHZ:  # the course's organization and its published overview, as in the LMS
            from organizations.api import add_organization

            from tests.openedx_authz_standin.models import CourseOverview

            add_organization({"short_name": self.course_key.org, "name": self.course_key.org})
            CourseOverview.objects.create(id=self.course_key, org=self.course_key.org)

    def user(self, username, *, name="", first="", last="", is_staff=False, **roles):
        from django.contrib.auth import get_user_model

        from tests.openedx_standin.models import UserProfile

        user = get_user_model().objects.create(
            username=username,
            email=f"{username}@example.edu",
            first_name=first,
            last_name=last,
            is_staff=is_staff,
        )
        UserProfile.objects.create(user=user, name=name)
        return user

    def grant(self, user, role, *, org_wide=False):
        from tests.openedx_standin.models import CourseAccessRole

        CourseAccessRole.objects.create(
            user=user,
            role=role,
            org=self.course_key.org,
            course_id="" if org_wide else self.COURSE,
        )

    def grant_authz(self, user, role, *, scope=None):
        """An openedx-authz role assignment (``course_staff``, ``course_admin``, ...) made
        with the real openedx-authz, in the course unless ``scope`` says otherwise (e.g. the
        org-wide ``course-v1:Org+*``), as Open edX's course team pages make it once course
        authoring has moved to openedx-authz."""
        from openedx_authz.api import users as authz_api

        assert authz_api.assign_role_to_user_in_scope(
            user_external_key=user.username,
            role_external_key=role,
            scope_external_key=scope or self.COURSE,
        )

    def forum_role(self, user, name):
        from tests.openedx_standin.models import ForumRole

        role, _ = ForumRole.objects.get_or_create(name=name, course_id=self.COURSE)
        role.users.add(user)

    def block(self, block_id="unit1", *, user=None, subsection="seq1", published=True, **fields):
        """A CodioUnitBlock of the course as the LMS runtime builds it: edx-platform's
        mixins give it ``location``, ``due`` and ``graceperiod`` (xmodule/x_module.py
        XModuleMixin, xmodule/modulestore/inheritance.py InheritanceMixin); the modulestore
        returns it, in a unit (vertical) of the subsection (sequential) ``subsection`` of
        chapter ``ch1``; its user service is DjangoXBlockUserService for ``user``.
        ``published=False``: added in Studio and never published (the LMS has no such block)."""
        from common.djangoapps.xblock_django.user_service import DjangoXBlockUserService
        from workbench.runtime import WorkbenchRuntime
        from xblock.field_data import DictFieldData
        from xblock.fields import Date, Scope, ScopeIds, Timedelta
        from xblock.runtime import Mixologist
        from xmodule.modulestore.django import BLOCKS, DRAFTS, PARENTS

        from codio_xblock.block import CodioUnitBlock

        class InheritanceMixin:
            due = Date(scope=Scope.settings, default=None)
            graceperiod = Timedelta(scope=Scope.settings, default=None)

        class XModuleMixin:
            @property
            def location(self):
                return self.scope_ids.usage_id

        usage_key = self.course_key.make_usage_key("codio_unit", block_id)
        # edx-platform mixes its XBLOCK_MIXINS in with XBlock's Mixologist (unmixed_class set)
        mixed = Mixologist([InheritanceMixin, XModuleMixin]).mix(CodioUnitBlock)
        runtime = WorkbenchRuntime()
        runtime._services["user"] = DjangoXBlockUserService(user)
        block = mixed(
            runtime=runtime,
            field_data=DictFieldData({"unit": "hello-python", **fields}),
            scope_ids=ScopeIds(user.pk if user else None, "codio_unit", usage_key, usage_key),
        )
        (BLOCKS if published else DRAFTS)[str(usage_key)] = block
        sequential = self.course_key.make_usage_key("sequential", subsection)
        vertical = self.course_key.make_usage_key("vertical", f"{subsection}-unit")
        PARENTS[str(usage_key)] = vertical
        PARENTS[str(vertical)] = sequential
        PARENTS[str(sequential)] = self.course_key.make_usage_key("chapter", "ch1")
        return block

    def enroll(self, user):
        from tests.openedx_standin.models import CourseEnrollment

        CourseEnrollment.objects.create(user=user, course_id=self.COURSE)

    @staticmethod
    def use_block_catalog(block):
        """The runtime's i18n service as the LMS and Studio give it (XBlockI18nService for
        the current language)."""
        from xmodule.modulestore.django import XBlockI18nService

        block.runtime._services["i18n"] = XBlockI18nService(block)


@pytest.fixture
def openedx(monkeypatch, settings, db):
    """Run codio_xblock's Open edX adapter against the edx-platform stand-ins."""
    from codio_xblock import adapter

    def forget():
        _forget_edx_modules()
        if HAS_AUTHZ:  # the policies openedx-authz holds in memory belong to the last test
            from openedx_authz.engine.enforcer import AuthzEnforcer

            AuthzEnforcer._last_policy_loaded_version = None

    forget()
    monkeypatch.syspath_prepend(str(EDX_PLATFORM))
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "ADAPTER": "openedx"}
    settings.ROOT_URLCONF = "lms.urls"
    settings.LMS_ROOT_URL = "http://codio.test"
    assert adapter.in_openedx()
    # The LMS starting: its plugins' signal receivers connected (PluginsConfig.ready), so
    # edx-completion (the installed package) hears the grades app's signals; its tracking
    # log on (lms/envs/common.py EVENT_TRACKING_ENABLED, read by eventtracking's ready()).
    import openedx.core.djangoapps.plugins as plugins_app
    from django.core.signals import request_finished, request_started
    from edx_django_utils.cache import RequestCache
    from eventtracking import tracker
    from eventtracking.django.django_tracker import override_default_tracker
    from openedx.core.djangoapps.plugins.apps import PluginsConfig

    PluginsConfig(plugins_app.__name__, plugins_app).ready()
    settings.EVENT_TRACKING_ENABLED = True
    trackers = dict(tracker.TRACKERS)
    override_default_tracker()

    # The LMS's RequestCacheMiddleware empties the request cache (where edx-toggles keeps
    # waffle switch values) when each request starts and ends.
    def clear_request_cache(**kwargs):
        RequestCache.clear_all_namespaces()

    clear_request_cache()
    request_started.connect(clear_request_cache, dispatch_uid="openedx_request_cache_start")
    request_finished.connect(clear_request_cache, dispatch_uid="openedx_request_cache_end")
    yield OpenEdx()
    request_started.disconnect(dispatch_uid="openedx_request_cache_start")
    request_finished.disconnect(dispatch_uid="openedx_request_cache_end")
    clear_request_cache()
    tracker.TRACKERS.clear()
    tracker.TRACKERS.update(trackers)
    from xmodule.modulestore.django import BLOCKS, DRAFTS, PARENTS, UPDATES

    for store in (BLOCKS, DRAFTS, PARENTS, UPDATES):
        store.clear()
    forget()


@pytest.fixture
def publishes(monkeypatch):
    """Every score the platform writes to the (standalone) gradebook, in order."""
    from codio_xblock.standalone import StandaloneAdapter

    calls = []
    real = StandaloneAdapter.publish_grade

    def spy(self, **kwargs):
        calls.append(kwargs)
        return real(self, **kwargs)

    monkeypatch.setattr(StandaloneAdapter, "publish_grade", spy)
    return calls


@pytest.fixture
def tool_registered(db):
    """The built-in bridge registered on the platform side (no bridge side)."""
    from codio_xblock.models import ToolRegistration

    return ToolRegistration.objects.create(
        slug="lti_bridge",
        name="Bridge",
        oidc_login_url="http://codio.test/lti-bridge/lti/login",
        launch_url="http://codio.test/lti-bridge/lti/launch",
        redirect_uris="http://codio.test/lti-bridge/lti/launch",
        keyset_url="http://codio.test/lti-bridge/lti/jwks",
    )
