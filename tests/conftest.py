import pytest
from django.core.cache import caches

from tests.support import DjangoClientAdapter, scripted_platform


@pytest.fixture(autouse=True)
def _clean_cache(request):
    """Start every database test with empty caches (the database cache needs the db)."""
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
    yield


@pytest.fixture
def outbound():
    """Route the bridge's outbound HTTP for http://codio.test/ through Django."""
    from lti_bridge import http

    adapter = DjangoClientAdapter()
    http.session.mount("http://codio.test/", adapter)
    yield adapter
    http.session.adapters.pop("http://codio.test/", None)


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
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user(users):
    return lambda username: client_for(users[username])


@pytest.fixture
def bridge_setup(db):
    """A bridge organization, a unit and a platform registration with a static key set
    belonging to a ScriptedPlatform."""
    from lti_bridge.models import Organization, Unit

    org = Organization.objects.create(name="Org", slug="org")
    Unit.objects.create(
        organization=org,
        code="hello-python",
        title="Hello, Python",
        instructions=(
            "Print **hello** <script>alert(1)</script> <img src=x onerror=alert(2)> "
            "[click](javascript:alert(3))"
        ),
    )
    return scripted_platform(
        org,
        name="Scripted LMS",
        issuer="https://lms.example.edu",
        client_id="client-1",
        key_set_url="https://lms.example.edu/jwks",
    )
