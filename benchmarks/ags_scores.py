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
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


def _setup(learners):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ["CODIO_VAR_DIR"] = tempfile.mkdtemp(prefix="codio-bench-")
    os.environ.pop("CODIO_DB", None)  # a throw-away SQLite database
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)

    import jwt
    from django.test import Client
    from workbench.scenarios import get_scenarios, init_scenarios

    from codio_xblock.lti1p3 import keys
    from codio_xblock.lti1p3.ags import SCOPE_SCORE
    from codio_xblock.models import BlockLaunch, LineItem, PlatformSubject, ToolRegistration

    init_scenarios()
    pem = keys.generate_private_pem()
    tool = ToolRegistration.objects.create(
        slug="bench",
        name="bench",
        oidc_login_url="https://bench.example/login",
        launch_url="https://bench.example/launch",
        redirect_uris="https://bench.example/launch",
        public_key_pem=keys.public_pem(pem),
    )
    item = LineItem.objects.create(
        tool=tool,
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
    now = int(time.time())
    audience = "http://codio.test/codio/lti/v1/token"  # the token endpoint
    assertion = jwt.encode(
        {
            "iss": tool.client_id,
            "sub": tool.client_id,
            "aud": audience,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        },
        pem,
        algorithm="RS256",
        headers={"kid": keys.kid_for(pem)},
    )
    client = Client()
    response = client.post(
        "/codio/lti/v1/token",
        {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": SCOPE_SCORE,
        },
    )
    assert response.status_code == 200, response.content
    return client, item, response.json()["access_token"], subjects


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
    def stats(values):
        values = sorted(values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return {
            "median_ms": round(statistics.median(values) * 1000, 2),
            "p95_ms": round(p95 * 1000, 2),
        }

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
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
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
        "- Not measured here: throughput with two threads behind a real server, and scores "
        "delivered by Celery workers beside these direct posts (issue 15).",
    ]
    text = "\n".join(lines) + "\n"
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "ags_scores.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / "ags_scores.md").write_text(text)
    print(text)
    return result


if __name__ == "__main__":
    main()
