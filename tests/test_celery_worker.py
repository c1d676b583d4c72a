"""Grade delivery through a real Celery worker on Redis, against the platform served by a
live server, on MariaDB. CI runs it (CODIO_DB=mysql with CODIO_REDIS_URL); elsewhere it is
skipped. The worker is a separate process reading the same test database, with short
timeouts, backoff and lease (CODIO_TEST_FAST_DELIVERY, tests/settings.py). Faults of the
platform are injected by tests/faults.py."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from celery import current_app
from django.db import connection

from lti_bridge.models import Account, GradeDelivery, Work
from tests.faults import PLAN
from tests.support import BridgeClient, gradebook, launch_through_xblock, only_grade

pytestmark = [
    pytest.mark.worker,
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
    # The flows send through Celery's current app (lti_bridge/queue.py): had another app
    # become current (a module making one at import), they would not reach this broker.
    assert current_app._get_current_object() is app, current_app
    flush_broker()
    PLAN.reset()
    yield base
    PLAN.release()  # no live-server thread is left hanging
    PLAN.reset()
    app.conf.task_always_eager = True


def broker_url():
    from django.conf import settings

    return settings.BROKER_URL


def flush_broker():
    import redis

    redis.Redis.from_url(broker_url()).flushdb()


class Worker:
    """A `celery worker` process; its output goes to a file (a pipe could fill and stall it)."""

    def __init__(self, base, pool="solo"):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "CODIO_DB": "mysql",
            "CODIO_DB_NAME": connection.settings_dict["NAME"],
            "CODIO_CELERY_EAGER": "0",
            "CODIO_BROKER_URL": broker_url(),
            "CODIO_DEMO_BASE_URL": base,
            "CODIO_TEST_FAST_DELIVERY": "1",
        }
        self.output = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "demo",
                "worker",
                "--pool",
                pool,
                "--concurrency",
                "1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def pool_children(self):
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def kill(self, pid=None):
        os.kill(pid or self.process.pid, signal.SIGKILL)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for pid in self.pool_children():
            os.kill(pid, signal.SIGKILL)
        self.output.seek(0)
        return self.output.read()[-4000:]


def wait_for(condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_release_reaches_the_gradebook_through_a_worker_started_later(site):
    from django.contrib.auth import get_user_model

    from lti_bridge.flows import grading
    from lti_bridge.flows import work as work_flow

    client = BridgeClient()
    client.force_login(get_user_model().objects.get(username="learner"))
    response, _ = launch_through_xblock(client)
    assert response.status_code == 200, response.content.decode()[-500:]
    work = Work.objects.get()
    work_flow.mark_complete(work, "print('hi')")
    teacher = Account.objects.create(name="Teacher")
    grading.grade(work, "75", "good", teacher)
    grading.release(work.resource_link)  # queued in Redis; no worker is running yet
    assert GradeDelivery.objects.get().state == "queued"

    worker = Worker(site)
    try:
        delivered = wait_for(lambda: GradeDelivery.objects.get().state == "sent")
    finally:
        output = worker.stop()
    assert delivered, output
    record = only_grade()
    assert (record.weighted, record.weighted_possible) == (0.75, 1.0)


def test_tasks_lost_by_the_broker_are_re_enqueued_from_the_outbox(site):
    """Redis restarts empty with a delivery queued: the outbox row is still pending, and the
    periodic sweep (lti_bridge.deliver_due_grades) sends it."""
    from django.contrib.auth import get_user_model

    from lti_bridge.flows import grading
    from lti_bridge.flows import work as work_flow
    from lti_bridge.tasks import deliver_due_grades

    client = BridgeClient()
    client.force_login(get_user_model().objects.get(username="learner"))
    launch_through_xblock(client)
    work = Work.objects.get()
    work_flow.mark_complete(work, "x")
    grading.grade(work, "40", "", Account.objects.create(name="T"))
    grading.release(work.resource_link)
    flush_broker()  # the broker restarts empty: the queued task is lost

    worker = Worker(site)
    try:
        time.sleep(3)
        assert GradeDelivery.objects.get().state == "queued"  # its task is gone
        deliver_due_grades.delay()
        delivered = wait_for(lambda: GradeDelivery.objects.get().state == "sent")
    finally:
        output = worker.stop()
    assert delivered, output
    assert only_grade().weighted == 0.4


def _graded_and_released(learners_points):
    """Each learner launches through the XBlock and completes the unit; the teacher grades
    them (points out of 100) and releases it: one delivery per learner is queued."""
    from django.contrib.auth import get_user_model

    from lti_bridge.flows import grading
    from lti_bridge.flows import work as work_flow

    works = []
    for username in learners_points:
        client = BridgeClient()
        client.force_login(get_user_model().objects.get(username=username))
        response, _ = launch_through_xblock(client)
        assert response.status_code == 200, response.content.decode()[-500:]
        works.append(Work.objects.order_by("-pk").first())
    teacher = Account.objects.create(name="Teacher")
    for work, points in zip(works, learners_points.values(), strict=True):
        work_flow.mark_complete(work, "done")
        grading.grade(work, points, "", teacher)
    grading.release(works[0].resource_link)
    assert GradeDelivery.objects.filter(state="queued").count() == len(works)


def _publishes_per_learner(publishes):
    counts = {}
    for call in publishes:
        counts[call["user_key"]] = counts.get(call["user_key"], 0) + 1
    return counts


def test_platform_failing_then_recovering_gets_every_grade_once(site, publishes):
    """The score endpoint answers 500 three times, then stalls past the worker's timeout
    twice (the platform still records those), then recovers: both grades arrive, once."""
    PLAN.add("/scores", 3, status=500)
    PLAN.add("/scores", 2, stall=3)
    _graded_and_released({"learner": "60", "learner2": "85"})
    worker = Worker(site)
    try:
        delivered = wait_for(
            lambda: set(GradeDelivery.objects.values_list("state", flat=True)) == {"sent"}, 120
        )
    finally:
        output = worker.stop()
    assert delivered, output
    assert len(PLAN.answered("/scores", 500)) == 3
    assert sorted(g.weighted for g in gradebook()) == [0.6, 0.85]
    assert sorted(_publishes_per_learner(publishes).values()) == [1, 1]  # once each
    assert all(d.attempts >= 2 for d in GradeDelivery.objects.all())


@pytest.mark.parametrize("victim", ["pool process", "whole worker"])
def test_worker_killed_mid_delivery_loses_nothing(site, victim, settings):
    """SIGKILL while the score request is in flight. The platform never completes that
    request, so the grade can only arrive if the task is delivered again: by the worker's
    parent (acks_late + reject_on_worker_lost) when a pool process dies, by Redis
    (unacknowledged, after the visibility timeout) to a new worker when the whole worker
    dies. The row's lease makes the new attempt wait until the dead one's lease ends.

    The new worker starts once the message has been unacknowledged for longer than the
    visibility timeout, as a supervisor's restart usually comes: a worker gives such
    messages back to the queue when it starts (kombu's Redis transport, every version Open
    edX pins). Started sooner, it would wait for kombu's periodic sweep instead, which scans
    every 100 s in kombu 5.6 (Ulmo) whatever the settings."""
    PLAN.add("/scores", 1, hang=True, status=502)
    _graded_and_released({"learner": "70"})
    worker = Worker(site, pool="prefork" if victim == "pool process" else "solo")
    outputs = []
    try:
        assert PLAN.hanging.wait(60), worker.stop()
        if victim == "pool process":
            [child] = worker.pool_children()
            worker.kill(child)
        else:
            worker.kill()
            worker.process.wait(10)
            outputs.append(worker.stop())
            time.sleep(settings.TEST_WORKER_VISIBILITY_TIMEOUT)
            worker = Worker(site)
        PLAN.release()  # the dead attempt's request ends without a grade
        delivered = wait_for(lambda: GradeDelivery.objects.get().state == "sent", 120)
    finally:
        outputs.append(worker.stop())
    assert delivered, "\n".join(outputs)
    assert only_grade().weighted == 0.7
    assert PLAN.answered("/scores", 502) and len(PLAN.answered("/scores", 200)) == 1
    assert GradeDelivery.objects.get().attempts == 2


def test_two_workers_deliver_a_whole_class_without_the_sweep(site, monkeypatch):
    """Issue 15: two worker processes share a release of 150 grades (5 per message here,
    so that both take part); every grade reaches the gradebook with no sweep. When a claim
    locked the class's rows too, MariaDB made one worker skip the other's rows and leave
    them for the sweep."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from codio_xblock.models import BlockLaunch, LineItem, PlatformSubject, StandaloneScore
    from lti_bridge.delivery import outbox
    from lti_bridge.flows import grading
    from lti_bridge.models import Link

    client = BridgeClient()
    client.force_login(get_user_model().objects.get(username="learner"))
    response, _ = launch_through_xblock(client)
    assert response.status_code == 200, response.content.decode()[-500:]
    link = Work.objects.get().resource_link
    registration = link.classroom.registration
    line_item = LineItem.objects.get()
    User = get_user_model()
    for n in range(150):  # learners as a launch would have made them, without 150 launches
        user = User.objects.create(username=f"bulk{n}", email=f"bulk{n}@example.edu")
        subject = PlatformSubject.objects.create(user_key=str(user.pk))
        BlockLaunch.objects.create(line_item=line_item, user_key=subject.user_key)
        account = Account.objects.create(name=f"Bulk {n}", email=user.email)
        Link.objects.create(registration=registration, sub=subject.sub, account=account)
        Work.objects.create(
            resource_link=link,
            account=account,
            status=Work.Status.COMPLETED,
            points=50 + n % 50,
            grade_version=1,
        )
    monkeypatch.setattr(outbox, "TASK_BATCH", 5)
    assert grading.release(link) == 150  # 30 messages queued in Redis, no worker yet

    workers = [Worker(site), Worker(site)]
    try:
        delivered = wait_for(
            lambda: GradeDelivery.objects.filter(state="sent").count() == 150, seconds=180
        )
    finally:
        outputs = [worker.stop() for worker in workers]
    states = dict(GradeDelivery.objects.values_list("state").annotate(n=Count("pk")))
    assert delivered, (states, outputs)
    assert StandaloneScore.objects.filter(usage_id__isnull=False).count() == 150
    assert all("lti_bridge.deliver_grades" in output for output in outputs), outputs
