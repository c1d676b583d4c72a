"""Benchmark: released grades delivered by a Celery worker pool to the platform's AGS
endpoint on a live server, beside the same scores posted straight to it (issue 15).

The demo under gunicorn (benchmarks/live.py: 2 workers x 4 threads, DEBUG off, MariaDB +
Redis) is both the platform and the bridge, as the built-in bridge runs in the LMS. One
learner's real launch makes the class, the resource link and the block's line item; the
other learners are added as launches would have made them (platform subject, block launch,
account, link, graded work). Then:

1. **Through the outbox**: two ``celery worker`` processes (solo pool) are started and
   the teacher's release (``grading.release``) queues every grade; timed from the release
   to the last score the platform recorded. Counted: token requests (the access log),
   rows not sent (stranded), the platform's and the workers' CPU per score.
2. **Straight to the endpoint**: the same scores (a newer timestamp each, so the platform
   records every one) posted by two threads of this process with the bridge's own AGS
   client (``ags_client.post_score``: one cached token), no outbox or Celery.

The ratio of the two times is the cost of the outbox and the queue. Results go to
benchmarks/results/delivery.{json,md}.

    python -m benchmarks.delivery [--learners 10000] [--db mysql]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from benchmarks.common import ROOT, now_and_machine, write_results
from benchmarks.live import Browser, LiveDemo, process_cpu_seconds


class Worker:
    """A ``celery worker`` process (solo pool) with the server's settings."""

    def __init__(self, live, name):
        self.output = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "demo",
                "worker",
                "--pool",
                "solo",
                "--hostname",
                f"{name}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=live.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def cpu(self):
        return process_cpu_seconds(self.process.pid)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.output.seek(0)
        return self.output.read()[-2000:]


def _add_learners(link, count):
    """``count`` learners as their launches would have made them, each graded 60-99."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from codio_xblock.models import BlockLaunch, LineItem, PlatformSubject
    from lti_bridge.models import Account, Link, Work

    User = get_user_model()
    line_item = LineItem.objects.get()
    registration = link.classroom.registration
    unusable, now = make_password(None), timezone.now()
    for first in range(0, count, 2000):
        numbers = range(first, min(first + 2000, count))
        User.objects.bulk_create(
            User(username=f"dl{n}", email=f"dl{n}@example.edu", password=unusable) for n in numbers
        )
        users = list(User.objects.filter(username__in=[f"dl{n}" for n in numbers]).order_by("id"))
        PlatformSubject.objects.bulk_create(PlatformSubject(user_key=str(u.pk)) for u in users)
        subjects = dict(
            PlatformSubject.objects.filter(user_key__in=[str(u.pk) for u in users]).values_list(
                "user_key", "sub"
            )
        )
        BlockLaunch.objects.bulk_create(
            BlockLaunch(line_item=line_item, user_key=str(u.pk)) for u in users
        )
        Account.objects.bulk_create(Account(name=f"DL {u.pk}", email=u.email) for u in users)
        accounts = dict(
            Account.objects.filter(email__in=[u.email for u in users]).values_list("email", "pk")
        )
        Link.objects.bulk_create(
            Link(registration=registration, sub=subjects[str(u.pk)], account_id=accounts[u.email])
            for u in users
        )
        Work.objects.bulk_create(
            Work(
                resource_link=link,
                account_id=accounts[u.email],
                status=Work.Status.COMPLETED,
                completed_at=now,
                points=Decimal(60 + u.pk % 40),
                grade_version=1,
                graded_at=now,
            )
            for u in users
        )


def _wait(condition, seconds, poll=0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return condition()


def _wait_progress(count, target, stall=120):
    """Until ``count()`` reaches ``target``; gives up after ``stall`` seconds without progress."""
    last, since = -1, time.monotonic()
    while True:
        now = count()
        if now >= target:
            return True
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since > stall:
            return False
        time.sleep(0.25)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--db", choices=("mysql", "sqlite"), default="mysql")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only (tests use it)")
    args = parser.parse_args(argv)

    live = LiveDemo(db=args.db, eager_celery=False, access_log=True, redis_db=8)
    live.env["CODIO_BROKER_URL"] = "redis://127.0.0.1:6379/9"
    with live:
        import redis

        redis.Redis.from_url(live.env["CODIO_BROKER_URL"]).flushdb()
        learner = live.learners("first", 1)[0]
        live.start()
        Browser(live, learner).launch()  # the class, resource link and line item

        from django.db import connections

        from codio_xblock.models import StandaloneScore
        from lti_bridge.delivery import ags_client
        from lti_bridge.flows import grading
        from lti_bridge.models import GradeDelivery, ResourceLink, Work

        link = ResourceLink.objects.select_related("classroom__registration", "unit").get()
        Work.objects.filter(resource_link=link).update(
            status=Work.Status.COMPLETED, points=Decimal(75), grade_version=1
        )
        _add_learners(link, args.learners - 1)
        workers = [Worker(live, f"w{i}") for i in range(args.workers)]
        time.sleep(5)  # the workers connect to the broker (they import Django first)
        tokens_before = live.requests_to("/codio/lti/v1/token", method="POST")

        # 1. through the outbox and the queue
        server_cpu, worker_cpu = live.cpu_seconds(), sum(w.cpu() for w in workers)
        started = time.perf_counter()
        released = grading.release(link)
        release_s = time.perf_counter() - started
        connections.close_all()
        delivered = _wait_progress(lambda: StandaloneScore.objects.count(), args.learners)
        outbox_s = time.perf_counter() - started
        server_cpu = live.cpu_seconds() - server_cpu
        worker_cpu = sum(w.cpu() for w in workers) - worker_cpu
        _wait(lambda: not GradeDelivery.objects.exclude(state="sent").exists(), seconds=30)
        not_sent = GradeDelivery.objects.exclude(state="sent").count()
        outputs = [w.stop() for w in workers]
        tokens = live.requests_to("/codio/lti/v1/token", method="POST") - tokens_before

        # 2. the same scores straight to the endpoint, two threads, one token
        from django.utils import timezone

        from lti_bridge.delivery.deliver import score_document

        deliveries = list(
            GradeDelivery.objects.select_related("work").filter(state="sent").order_by("pk")
        )
        subs = dict(link.classroom.registration.links.values_list("account_id", "sub"))
        registration = link.classroom.registration
        documents = []
        for delivery in deliveries:
            delivery.timestamp = timezone.now()  # newer than what the platform holds
            documents.append(score_document(delivery, subs[delivery.work.account_id]))
        server_direct = live.cpu_seconds()
        started = time.perf_counter()
        with ThreadPoolExecutor(args.workers) as pool:
            list(
                pool.map(
                    lambda doc: ags_client.post_score(registration, link.lineitem_url, doc),
                    documents,
                )
            )
        direct_s = time.perf_counter() - started
        server_direct = live.cpu_seconds() - server_direct
        connections.close_all()

    n = args.learners
    result = {
        **now_and_machine(),
        "db": args.db,
        "server": f"gunicorn {live.workers} workers x {live.threads} threads, DEBUG off",
        "celery_workers": f"{args.workers} x solo pool",
        "learners": n,
        "released": released,
        "release_request_s": round(release_s, 2),
        "all_recorded": delivered,
        "outbox_to_last_score_s": round(outbox_s, 1),
        "rows_not_sent": not_sent,
        "token_requests": tokens,
        "outbox_scores_per_second": round(n / outbox_s, 1),
        "platform_cpu_ms_per_score_outbox": round(server_cpu / n * 1000, 1),
        "worker_cpu_ms_per_score": round(worker_cpu / n * 1000, 1),
        "direct_s": round(direct_s, 1),
        "direct_scores_per_second": round(n / direct_s, 1),
        "platform_cpu_ms_per_score_direct": round(server_direct / n * 1000, 1),
        "outbox_over_direct": round(outbox_s / direct_s, 2),
        "worker_output_tail": outputs,
    }
    lines = [
        "# Released grades to the platform's gradebook: worker pool beside direct posts\n",
        f"Measured {result['when']} on {result['machine']} (`python -m benchmarks.delivery"
        f"{'' if n == 10_000 else f' --learners {n}'}`): the platform and the bridge under "
        f"{result['server']} on {'MariaDB + Redis' if args.db == 'mysql' else 'SQLite'}; "
        f"{result['celery_workers']} Celery workers on Redis; {n} learners.\n",
        "| path | time to the last recorded score (s) | scores/s | platform CPU/score (ms) "
        "| worker CPU/score (ms) | token requests | rows not sent |",
        "|---|---|---|---|---|---|---|",
        f"| release -> outbox -> Celery workers | {result['outbox_to_last_score_s']} "
        f"| {result['outbox_scores_per_second']} | {result['platform_cpu_ms_per_score_outbox']} "
        f"| {result['worker_cpu_ms_per_score']} | {tokens} | {not_sent} |",
        f"| the same scores posted straight to the endpoint ({args.workers} threads) "
        f"| {result['direct_s']} | {result['direct_scores_per_second']} "
        f"| {result['platform_cpu_ms_per_score_direct']} | - | 0 (cached) | - |",
        "",
        f"- Through the outbox over straight posts: **{result['outbox_over_direct']}x** the time.",
        f"- The teacher's release request itself: {result['release_request_s']} s "
        f"({released} grades; one Celery message per 50).",
    ]
    text = "\n".join(lines) + "\n"
    write_results("delivery", result, text, write=not args.no_write)
    if not delivered or not_sent:
        raise SystemExit(f"not every grade arrived: {not_sent} rows not sent")
    return result


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
