"""Grade delivery through a real Celery worker on Redis, against the platform served by a
live server, on MariaDB. CI runs it (CODIO_DB=mysql with CODIO_REDIS_URL); elsewhere it is
skipped. The worker is a separate process reading the same test database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from codio_xblock.models import GradeRecord
from lti_bridge.models import Account, GradeDelivery, Work
from tests.support import launch_through_xblock

pytestmark = [
    pytest.mark.mysql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("CODIO_DB") != "mysql" or not os.environ.get("CODIO_REDIS_URL"),
        reason="needs CODIO_DB=mysql and CODIO_REDIS_URL",
    ),
]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site(live_server, settings):
    from workbench.scenarios import init_scenarios

    from demo.celery import app
    from demo.seed import seed

    base = live_server.url
    settings.BASE_URL = base
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "PLATFORM_ISSUER": base}
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": base}
    init_scenarios()
    seed(base)
    # This process now sends tasks to the broker its settings name (the same one the worker
    # gets below): changing the URL here would not reach a producer pool made earlier.
    app.conf.task_always_eager = False
    flush_broker()
    yield base
    app.conf.task_always_eager = True


def broker_url():
    from django.conf import settings

    return settings.CELERY_BROKER_URL


def flush_broker():
    import redis

    redis.Redis.from_url(broker_url()).flushdb()


def start_worker(base):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "CODIO_DB": "mysql",
        "CODIO_DB_NAME": connection.settings_dict["NAME"],
        "CODIO_CELERY_EAGER": "0",
        "CODIO_BROKER_URL": broker_url(),
        "CODIO_DEMO_BASE_URL": base,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "demo",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_release_reaches_the_gradebook_through_a_worker_started_later(site):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from lti_bridge.flows import grading
    from lti_bridge.flows import work as work_flow

    client = Client()
    client.force_login(get_user_model().objects.get(username="learner"))
    response, _ = launch_through_xblock(client)
    assert response.status_code == 200, response.content.decode()[-500:]
    work = Work.objects.get()
    work_flow.mark_complete(work, "print('hi')")
    teacher = Account.objects.create(name="Teacher")
    grading.grade(work, "75", "good", teacher)
    grading.release(work.resource_link)  # queued in Redis; no worker is running yet
    assert GradeDelivery.objects.get().state == "queued"

    worker = start_worker(site)
    try:
        delivered = wait_for(lambda: GradeDelivery.objects.get().state == "sent")
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert delivered, output[-3000:]
    record = GradeRecord.objects.get()
    assert (record.earned, record.possible) == (0.75, 1.0)


def test_tasks_lost_by_the_broker_are_re_enqueued_from_the_outbox(site):
    """Redis restarts empty with a delivery queued: the outbox row is still pending, and the
    periodic sweep (lti_bridge.deliver_due_grades) sends it."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from lti_bridge.flows import grading
    from lti_bridge.flows import work as work_flow
    from lti_bridge.tasks import deliver_due_grades

    client = Client()
    client.force_login(get_user_model().objects.get(username="learner"))
    launch_through_xblock(client)
    work = Work.objects.get()
    work_flow.mark_complete(work, "x")
    grading.grade(work, "40", "", Account.objects.create(name="T"))
    grading.release(work.resource_link)
    flush_broker()  # the broker restarts empty: the queued task is lost

    worker = start_worker(site)
    try:
        time.sleep(3)
        assert GradeDelivery.objects.get().state == "queued"  # its task is gone
        deliver_due_grades.delay()
        delivered = wait_for(lambda: GradeDelivery.objects.get().state == "sent")
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert delivered, output[-3000:]
    assert GradeRecord.objects.get().earned == 0.4
