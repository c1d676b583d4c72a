"""Simultaneous first launches, over real HTTP against a live server, on MariaDB (SQLite
serialises writers and would hide the races). CI runs them (CODIO_DB=mysql); elsewhere
they are skipped unless CODIO_DB=mysql."""

import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from lti_bridge.models import Account, Classroom, Link
from tests import factories
from tests.support import query

pytestmark = [
    pytest.mark.mysql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.environ.get("CODIO_DB") != "mysql", reason="needs CODIO_DB=mysql"),
]


@pytest.fixture
def live_platform(live_server, settings):
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": live_server.url}
    with connection.cursor() as cursor:  # one connection per in-flight request
        cursor.execute("SET GLOBAL max_connections = GREATEST(@@max_connections, 600)")
    platform = factories.organization_with_lms(
        unit_fields={"title": "Hello"}, name="LMS", client_id="c1"
    )
    return platform, live_server.url


def prepare(platform, base, **claims):
    """One browser: its own cookie jar, a real login for state and nonce, a signed token."""
    session = requests.Session()
    launch_url = base + "/lti-bridge/lti/launch"
    response = session.get(
        base + "/lti-bridge/lti/login",
        allow_redirects=False,
        timeout=30,
        params={
            "iss": platform.registration.issuer,
            "client_id": "c1",
            "login_hint": "h",
            "target_link_uri": launch_url,
            "lti1p3_new_window": "1",
        },
    )
    assert response.status_code == 302, response.text[-300:]
    params = query(response.headers["Location"])
    token = platform.sign(
        platform.claims(
            params["nonce"],
            **{"https://purl.imsglobal.org/spec/lti/claim/target_link_uri": launch_url},
            **claims,
        )
    )
    return session, launch_url, {"id_token": token, "state": params["state"]}


def fire_together(prepared):
    barrier = threading.Barrier(len(prepared))

    def post(item):
        session, url, data = item
        barrier.wait()
        return session.post(url, data=data, timeout=120)

    with ThreadPoolExecutor(max_workers=len(prepared)) as pool:
        return list(pool.map(post, prepared))


def test_50_simultaneous_first_launches_of_one_user_make_one_account(live_platform):
    platform, base = live_platform
    prepared = [
        prepare(platform, base, sub="same-user", email="same@example.edu", name="Same User")
        for _ in range(50)
    ]
    responses = fire_together(prepared)
    assert [r.status_code for r in responses] == [200] * 50, {
        r.status_code: r.text[-300:] for r in responses if r.status_code != 200
    }
    assert Account.objects.count() == 1
    assert Link.objects.count() == 1
    assert Classroom.objects.count() == 1


def test_200_simultaneous_first_launches_of_different_users(live_platform):
    platform, base = live_platform
    prepared = [
        prepare(platform, base, sub=f"user-{i}", email=f"u{i}-{uuid.uuid4().hex[:6]}@x.edu")
        for i in range(200)
    ]
    responses = fire_together(prepared)
    failures = [(r.status_code, r.text[-200:]) for r in responses if r.status_code != 200]
    assert failures == []
    assert Account.objects.count() == 200
    assert Link.objects.count() == 200
    assert Classroom.objects.count() == 1
