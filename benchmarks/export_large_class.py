"""Benchmark: exporting the grades of a class of 50,000 learners as CSV.

Measures, side by side in one run on the same data, the streaming export the bridge serves
(the class export view through Django's test client, each chunk dropped as it arrives)
against the same rows built in memory first (what a non-streaming HttpResponse would do).
Peak Python memory comes from tracemalloc (a separate pass, as it slows the code down),
time from perf_counter over the best of REPEAT passes. Results go to
benchmarks/results/export_large_class.{json,md}.

    python -m benchmarks.export_large_class [--learners 50000] [--repeat 3]

It makes its own throw-away SQLite database (in a temporary directory): nothing else is
touched. Ratios matter more than absolute numbers, which depend on the machine.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def add_learners(classroom, resource_links, count, batch=5000):
    """``count`` learners in ``classroom``, each linked to its LMS with an LTI ID, with work
    on every unit: a third not started, a third completed, a third graded and released.
    Bulk inserts (also used by tests/test_exports.py)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from lti_bridge.models import Account, ClassMembership, Link, Work

    now = timezone.now()
    unusable = make_password(None)
    start = Account.objects.count()
    for first in range(0, count, batch):
        numbers = range(first + 1, min(first + batch, count) + 1)  # 1-based, this call's
        accounts = [
            Account(
                name=f"Learner {start + n}",
                email=f"learner{start + n}@example.edu",
                password=unusable,
            )
            for n in numbers
        ]
        Account.objects.bulk_create(accounts)
        if accounts and accounts[0].pk is None:  # backends that return no ids
            ids = dict(
                Account.objects.filter(email__in=[a.email for a in accounts]).values_list(
                    "email", "pk"
                )
            )
            for account in accounts:
                account.pk = ids[account.email]
        ClassMembership.objects.bulk_create(
            ClassMembership(classroom=classroom, account=a, role=ClassMembership.Role.STUDENT)
            for a in accounts
        )
        Link.objects.bulk_create(
            Link(
                registration_id=classroom.registration_id,
                sub=f"bench-{a.pk}",
                account=a,
                lti_id=f"L-{n:06d}",
                lti_id_field="student_number",
            )
            for n, a in zip(numbers, accounts, strict=True)
        )
        works = []
        for n, a in zip(numbers, accounts, strict=True):
            kind = n % 3
            if kind == 0:
                continue
            for resource_link in resource_links:
                work = Work(resource_link=resource_link, account=a, answer="print('hi')")
                work.status = Work.Status.COMPLETED
                work.completed_at = now
                if kind == 2:
                    work.points = Decimal("87.5")
                    work.grade_version = work.released_version = 1
                    work.graded_at = now
                works.append(work)
        Work.objects.bulk_create(works)


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ["CODIO_VAR_DIR"] = tempfile.mkdtemp(prefix="codio-bench-")
    os.environ.pop("CODIO_DB", None)  # always a throw-away SQLite database
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)

    from lti_bridge.models import Account, Deployment, Organization, Registration, Unit

    org = Organization.objects.create(name="Bench", slug="bench", lti_id_field="student_number")
    registration = Registration.objects.create(
        organization=org,
        name="Bench LMS",
        issuer="https://lms.example.edu",
        client_id="bench",
        auth_login_url="https://lms.example.edu/auth",
    )
    Deployment.objects.create(registration=registration, deployment_id="d1")
    unit = Unit.objects.create(organization=org, code="u1", title="Unit 1")
    teacher = Account.objects.create(name="Teacher", email="teacher@example.edu")
    return registration, unit, teacher


def _class(registration, unit, teacher, name, learners):
    """A class with one unit, its teacher and ``learners`` learners; its export URL."""
    from lti_bridge.models import ClassMembership, Classroom, ResourceLink

    classroom = Classroom.objects.create(
        organization=registration.organization,
        registration=registration,
        context_id=name,
        title=name,
    )
    link = ResourceLink.objects.create(
        classroom=classroom, unit=unit, resource_link_id=f"{name}-rl", title="Unit 1"
    )
    membership = ClassMembership.objects.create(
        classroom=classroom, account=teacher, role=ClassMembership.Role.TEACHER
    )
    add_learners(classroom, [link], learners)
    return membership, f"/lti-bridge/classes/{classroom.pk}/export.csv"


def _streaming(client, url):
    response = client.get(url)
    assert response.streaming
    size = 0
    for chunk in response.streaming_content:  # dropped as it arrives, as a server would
        size += len(chunk)
    return size


def _in_memory(membership):
    """The baseline: every row built first, then the whole body (a plain HttpResponse)."""
    from lti_bridge import exports

    links = membership.classroom.resource_links.select_related("unit").order_by("title", "pk")
    rows = list(exports.grade_rows(membership, links))
    body = "".join(exports.csv_lines(exports.GRADE_COLUMNS, rows)).encode("utf-8")
    return len(body)


def _measure(function, repeat):
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        size = function()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": round(best, 3), "peak_mib": round(peak / 2**20, 2), "bytes": size}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    small_size = max(1, args.learners // 10)

    registration, unit, teacher = _setup()
    started = time.perf_counter()
    large, large_url = _class(registration, unit, teacher, "large", args.learners)
    small, small_url = _class(registration, unit, teacher, "small", small_size)
    seeded = time.perf_counter() - started

    from django.test import Client

    from lti_bridge.session import COOKIE, sign_in_cookie_value

    client = Client()
    client.cookies[COOKIE] = sign_in_cookie_value(teacher)
    # Side by side, in one run: the served export for both classes, then the baseline.
    streaming_small = _measure(lambda: _streaming(client, small_url), args.repeat)
    streaming = _measure(lambda: _streaming(client, large_url), args.repeat)
    in_memory = _measure(lambda: _in_memory(large), args.repeat)
    assert streaming["bytes"] == in_memory["bytes"], "both paths must produce the same CSV"
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "learners": args.learners,
        "seed_seconds": round(seeded, 1),
        "streaming_view": streaming,
        f"streaming_view_{small_size}_learners": streaming_small,
        "built_in_memory": in_memory,
        "peak_memory_ratio_in_memory_over_streaming": round(
            in_memory["peak_mib"] / max(streaming["peak_mib"], 0.01), 1
        ),
        "peak_memory_ratio_large_over_small_class": round(
            streaming["peak_mib"] / max(streaming_small["peak_mib"], 0.01), 2
        ),
        "time_ratio_streaming_over_in_memory": round(
            streaming["seconds"] / max(in_memory["seconds"], 0.001), 2
        ),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "export_large_class.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "export_large_class.md").write_text(
        f"# Class grade export, {args.learners:,} learners\n\n"
        f"Measured {result['when']} on {result['machine']} "
        "(`python -m benchmarks.export_large_class`); best of "
        f"{args.repeat} for time, peak Python memory (tracemalloc) in a separate pass.\n\n"
        "| path | learners | best time (s) | peak memory (MiB) | CSV size (bytes) |\n"
        "|---|---|---|---|---|\n"
        f"| streaming view (what is served) | {small_size:,} | {streaming_small['seconds']} "
        f"| {streaming_small['peak_mib']} | {streaming_small['bytes']:,} |\n"
        f"| streaming view (what is served) | {args.learners:,} | {streaming['seconds']} "
        f"| {streaming['peak_mib']} | {streaming['bytes']:,} |\n"
        f"| rows and body built in memory (baseline) | {args.learners:,} "
        f"| {in_memory['seconds']} | {in_memory['peak_mib']} | {in_memory['bytes']:,} |\n\n"
        f"- Peak memory of the served export, {args.learners:,} over {small_size:,} learners: "
        f"**{result['peak_memory_ratio_large_over_small_class']}x** (constant memory: ~1).\n"
        f"- Peak memory, baseline over served export: "
        f"**{result['peak_memory_ratio_in_memory_over_streaming']}x**.\n"
        f"- Time, served export over baseline: "
        f"**{result['time_ratio_streaming_over_in_memory']}x** (the served export also "
        "goes through the view, its middleware and the test client).\n"
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
