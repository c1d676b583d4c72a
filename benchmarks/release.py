"""Benchmark: "Release Grades" for a class of 1,000 and 10,000 learners.

Measures, side by side in one run on the same data, the release the bridge does
(``lti_bridge.flows.grading.release``: bulk statements, one Celery message per 50
deliveries) against the release as it was before issue 15 (kept below as
``release_one_by_one``: per learner a locked read, an update, an audit row, an outbox row and
its own message). Each is timed from the start of the teacher's transaction to its commit,
with the statements it sent counted. The broker is left out of both (``delay`` only counts
the messages) so the figures are the database work; the messages are reported.

    python -m benchmarks.release [--learners 1000 10000] [--db sqlite|mysql]

SQLite: a throw-away database in a temporary directory. MariaDB (``--db mysql``, as Open
edX runs): the database ``test_codio_bench`` on CODIO_DB_HOST (127.0.0.1), made and dropped
by the run. Results go to benchmarks/results/release.{json,md}.
"""

import argparse
import time
from decimal import Decimal

from benchmarks.common import now_and_machine, setup_django, write_results


def _teardown(connection, name):
    connection.creation.destroy_test_db(name, verbosity=0)


def _class(learners, label):
    """A class of ``learners`` learners, each with completed work graded and not released."""
    from django.utils import timezone

    from lti_bridge.models import (
        Account,
        Classroom,
        Deployment,
        Organization,
        Registration,
        ResourceLink,
        Unit,
        Work,
    )

    org = Organization.objects.create(name=label, slug=label)
    registration = Registration.objects.create(
        organization=org,
        name="Bench LMS",
        issuer=f"https://{label}.example.edu",
        client_id=label,
        auth_login_url=f"https://{label}.example.edu/auth",
    )
    Deployment.objects.create(registration=registration, deployment_id="d1")
    unit = Unit.objects.create(organization=org, code="u1", title="Unit 1")
    classroom = Classroom.objects.create(
        organization=org, registration=registration, context_id=label, title=label
    )
    link = ResourceLink.objects.create(
        classroom=classroom, unit=unit, resource_link_id="rl", title="Unit 1"
    )
    now = timezone.now()
    for first in range(0, learners, 5000):
        accounts = Account.objects.bulk_create(
            Account(name=f"Learner {n}", email=f"{label}-{n}@example.edu")
            for n in range(first, min(first + 5000, learners))
        )
        if accounts and accounts[0].pk is None:
            accounts = list(Account.objects.filter(email__startswith=f"{label}-").order_by("pk"))
            accounts = accounts[first : first + 5000]
        Work.objects.bulk_create(
            Work(
                resource_link=link,
                account=a,
                status=Work.Status.COMPLETED,
                completed_at=now,
                points=Decimal(60 + n % 40),
                comment="Good",
                grade_version=1,
                graded_at=now,
            )
            for n, a in enumerate(accounts)
        )
    teacher = Account.objects.create(name="Teacher", email=f"{label}-teacher@example.edu")
    return ResourceLink.objects.select_related("unit", "classroom").get(pk=link.pk), teacher


def release_one_by_one(resource_link, by=None):
    """The release before issue 15 (lti_bridge/flows/grading.py at 8343616), the baseline."""
    from django.db import transaction

    from lti_bridge.delivery import outbox
    from lti_bridge.flows.grading import _record_release
    from lti_bridge.models import Work

    with transaction.atomic():
        works = list(
            Work.objects.select_for_update()
            .filter(resource_link=resource_link, points__isnull=False)
            .select_related("resource_link__unit", "resource_link__classroom")
        )
        released = [w for w in works if w.released_version != w.grade_version]
        for work in released:
            work.released_version = work.grade_version
            work.save(update_fields=["released_version"])
            _record_release(work, by)
            outbox.on_release(work)
    return len(released)


def _measure(release, link, teacher):
    from django.db import connection, transaction

    from lti_bridge import tasks

    messages = []
    counted = {
        tasks.deliver_grade: lambda *a, **k: messages.append(1),
        tasks.deliver_grades: lambda ids, *a, **k: messages.append(len(ids)),
    }
    saved = {task: task.delay for task in counted}
    for task, fake in counted.items():
        task.delay = fake
    try:
        statements = []

        def counting(execute, sql, params, many, context):
            statements.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):  # no query log: it keeps only 9,000
            started = time.perf_counter()
            with transaction.atomic():
                count = release(link, by=teacher)
            seconds = time.perf_counter() - started
    finally:
        for task, delay in saved.items():
            task.delay = delay
    return {
        "released": count,
        "seconds": round(seconds, 3),
        "queries": len(statements),
        "messages": len(messages),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--db", choices=["sqlite", "mysql"], default="sqlite")
    parser.add_argument("--no-write", action="store_true", help="print only (tests use it)")
    args = parser.parse_args(argv)

    connection = setup_django(args.db)
    name = connection.settings_dict["NAME"]
    from lti_bridge.flows import grading

    rows = []
    try:
        for size in args.learners:
            bulk_link, bulk_teacher = _class(size, f"bulk{size}")
            base_link, base_teacher = _class(size, f"base{size}")
            bulk = _measure(grading.release, bulk_link, bulk_teacher)
            baseline = _measure(release_one_by_one, base_link, base_teacher)
            assert bulk["released"] == baseline["released"] == size
            rows.append({"learners": size, "bulk": bulk, "one_by_one": baseline})
    finally:
        _teardown(connection, name)

    result = {
        **now_and_machine(),
        "database": connection.vendor
        + (f" {connection.mysql_version}" if args.db == "mysql" else ""),
        "rows": rows,
    }
    lines = [
        "# Release Grades\n",
        f"Measured {result['when']} on {result['machine']}, {result['database']} "
        f"(`python -m benchmarks.release --db {args.db}`): the teacher's transaction, from "
        "its start to its commit; Celery messages counted, not sent.\n",
        "| learners | release | time (s) | SQL statements | Celery messages |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        for label, key in (("bulk (what runs)", "bulk"), ("one by one (before)", "one_by_one")):
            m = row[key]
            lines.append(
                f"| {row['learners']:,} | {label} | {m['seconds']} | {m['queries']:,} "
                f"| {m['messages']:,} |"
            )
    lines.append("")
    for row in rows:
        bulk, base = row["bulk"], row["one_by_one"]
        lines.append(
            f"- {row['learners']:,} learners: one by one over bulk, time "
            f"**{base['seconds'] / max(bulk['seconds'], 0.001):.1f}x**, statements "
            f"**{base['queries'] / max(bulk['queries'], 1):.0f}x**."
        )
    text = "\n".join(lines) + "\n"
    suffix = "" if args.db == "sqlite" else f"_{args.db}"
    write_results(f"release{suffix}", result, text, write=not args.no_write)
    return result


if __name__ == "__main__":
    main()
