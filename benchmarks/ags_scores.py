"""Benchmark: the platform's AGS score endpoint, scores posted straight to it.

One tool token, then one score per learner POSTed to ``/codio/lti/v1/ags/lineitems/<id>/scores``
through Django's test client (the whole stack: middleware, token check, score rules, the
gradebook publish). Side by side in one run, alternating: the code as it runs (parsed keys
kept) and the same code parsing keys at each use, as before issue 15. For each: median and
p95 wall and CPU time per score, SQL statements per score, and scores per second one at a
time. Results go to benchmarks/results/ags_scores.{json,md}.

    python -m benchmarks.ags_scores [--scores 200]
"""

import argparse
import json
import statistics
import time
from datetime import UTC, datetime

from benchmarks.common import now_and_machine, setup_django, stats, write_results

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


def _setup(learners):
    """A tool (tests/test_platform_ags.py's ScriptedTool), a line item on a workbench block,
    ``learners`` learners launched into it, and one score token."""
    setup_django()
    from django.test import Client
    from workbench.scenarios import get_scenarios, init_scenarios

    from codio_xblock.models import BlockLaunch, LineItem, PlatformSubject
    from tests.test_platform_ags import ScriptedTool

    init_scenarios()
    tool = ScriptedTool("bench")
    item = LineItem.objects.create(
        tool=tool.tool,
        usage_id=get_scenarios()["codio_unit.0"].usage_id,
        course_id="course-1",
        label="Unit",
        score_maximum=10,
    )
    subjects = []
    for n in range(learners):
        subject = PlatformSubject.objects.create(user_key=str(1000 + n))
        BlockLaunch.objects.create(line_item=item, user_key=subject.user_key)
        subjects.append(subject.sub)
    client = Client()
    return client, item, tool.token(client), subjects


def post_one(client, item, token, sub, given):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = {
        "userId": sub,
        "scoreGiven": given,
        "scoreMaximum": 10,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": datetime.now(UTC).isoformat(),
    }
    with CaptureQueriesContext(connection) as queries:
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post(
            f"/codio/lti/v1/ags/lineitems/{item.pk}/scores",
            json.dumps(body),
            content_type=SCORE_TYPE,
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        sample = (time.perf_counter() - wall, time.process_time() - cpu, len(queries))
    assert response.status_code == 200, response.content
    return sample


def _summary(samples):
    wall = [s[0] for s in samples]
    return {
        "wall": stats(wall),
        "cpu": stats([s[1] for s in samples]),
        "scores_per_second_one_at_a_time": round(1 / statistics.median(wall), 1),
        "statements_per_score": statistics.median(s[2] for s in samples),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scores", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="print only (tests use it)")
    args = parser.parse_args(argv)

    from benchmarks.launch import keys_parsed_at_each_use

    client, item, token, subjects = _setup(args.scores * 2)
    kept, parsed = [], []
    for n in range(args.scores):  # alternating, each score for a learner of its own
        kept.append(post_one(client, item, token, subjects[2 * n], n % 11))
        with keys_parsed_at_each_use():
            parsed.append(post_one(client, item, token, subjects[2 * n + 1], n % 11))
    a, b = _summary(kept), _summary(parsed)
    result = {
        **now_and_machine(),
        "scores_each": args.scores,
        "keys_kept": a,
        "keys_parsed_at_each_use": b,
        "cpu_ratio_parsed_over_kept": round(b["cpu"]["median_ms"] / a["cpu"]["median_ms"], 2),
    }
    lines = [
        "# Platform AGS score endpoint, scores posted straight to it\n",
        f"Measured {result['when']} on {result['machine']} (`python -m benchmarks.ags_scores`), "
        f"{args.scores} scores of each kind, alternating, one token; SQLite, DEBUG off, "
        "Django test client (no socket).\n",
        "| keys | median wall (ms) | p95 wall (ms) | median CPU (ms) "
        "| scores/s, one at a time | SQL per score |",
        "|---|---|---|---|---|---|",
    ]
    for label, m in (("kept (what runs)", a), ("parsed at each use (before)", b)):
        lines.append(
            f"| {label} | {m['wall']['median_ms']} | {m['wall']['p95_ms']} "
            f"| {m['cpu']['median_ms']} | {m['scores_per_second_one_at_a_time']} "
            f"| {m['statements_per_score']} |"
        )
    lines += [
        "",
        "- CPU per score, keys parsed at each use over kept: "
        f"**{result['cpu_ratio_parsed_over_kept']}x**.",
        "- Behind gunicorn, with two threads, and beside the same scores delivered by Celery "
        "workers: benchmarks/results/delivery.md.",
    ]
    text = "\n".join(lines) + "\n"
    write_results("ags_scores", result, text, write=not args.no_write)
    return result


if __name__ == "__main__":
    main()
