"""Benchmark: the teacher's pages and exports of a class of 10,000 learners (issue 15).

The class page, a unit's teacher view (its first page and a page deep in the class), and
the unit, class and roster CSV exports, each for a class of 1,000 and of 10,000 learners
in one run: time (best of REPEAT), SQL statements and peak Python memory (tracemalloc, a
separate pass). Pages are paged (LTI_BRIDGE PAGE_SIZE) and exports stream, so the 10,000
figures should stay near the 1,000 ones for pages (ratio ~1) and grow no more than the
rows for exports, at constant memory. Through Django's test client, production settings
(DEBUG off); a throw-away SQLite database. Results: benchmarks/results/pages.{json,md}.

    python -m benchmarks.pages [--learners 10000] [--repeat 3]
"""

import argparse
import time
import tracemalloc

from benchmarks.common import now_and_machine, write_results
from benchmarks.export_large_class import _class, _setup


def _fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _fetch(client, url)  # warm: templates compiled, caches filled
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        _fetch(client, url)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    with CaptureQueriesContext(connection) as queries:
        size = _fetch(client, url)
    statements = len(queries)  # now: the next request empties the connection's query log
    tracemalloc.start()
    _fetch(client, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "ms": round(best * 1000, 1),
        "statements": statements,
        "peak_mib": round(peak / 2**20, 2),
        "bytes": size,
    }


def _urls(membership):
    classroom = membership.classroom
    link = classroom.resource_links.get()
    deep = max(1, classroom.memberships.count() // 100 // 2)  # a page in the class's middle
    return {
        "class page": f"/lti-bridge/classes/{classroom.pk}/",
        "teacher view, page 1": f"/lti-bridge/units/{link.pk}/",
        "teacher view, a middle page": f"/lti-bridge/units/{link.pk}/?page={deep}",
        "unit export (CSV)": f"/lti-bridge/units/{link.pk}/export.csv",
        "class export (CSV)": f"/lti-bridge/classes/{classroom.pk}/export.csv",
        "roster export (CSV)": f"/lti-bridge/classes/{classroom.pk}/roster.csv",
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only (tests use it)")
    args = parser.parse_args(argv)
    small_size = max(1, args.learners // 10)

    registration, unit, teacher = _setup()
    large, _ = _class(registration, unit, teacher, "large", args.learners)
    small, _ = _class(registration, unit, teacher, "small", small_size)

    from django.test import Client

    from lti_bridge.session import COOKIE, sign_in_cookie_value

    client = Client()
    client.cookies[COOKIE] = sign_in_cookie_value(teacher)
    small_urls, large_urls = _urls(small), _urls(large)
    rows = {}
    for name in small_urls:  # side by side: the small class, then the large one
        rows[name] = {
            "small": _measure(client, small_urls[name], args.repeat),
            "large": _measure(client, large_urls[name], args.repeat),
        }
        s, b = rows[name]["small"], rows[name]["large"]
        rows[name]["time_ratio"] = round(b["ms"] / s["ms"], 2) if s["ms"] else None
        rows[name]["memory_ratio"] = round(b["peak_mib"] / s["peak_mib"], 2)

    result = {
        **now_and_machine(),
        "learners": {"small": small_size, "large": args.learners},
        "pages": rows,
    }
    lines = [
        f"# Teacher pages and exports, {small_size:,} and {args.learners:,} learners\n",
        f"Measured {result['when']} on {result['machine']} (`python -m benchmarks.pages`): "
        "Django's test client, DEBUG off, SQLite; best of "
        f"{args.repeat} for time, statements and peak Python memory (tracemalloc) from "
        "separate passes.\n",
        f"| page | ms ({small_size:,}) | ms ({args.learners:,}) | time ratio "
        f"| SQL ({small_size:,}) | SQL ({args.learners:,}) | peak MiB ({small_size:,}) "
        f"| peak MiB ({args.learners:,}) | memory ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        s, b = row["small"], row["large"]
        lines.append(
            f"| {name} | {s['ms']} | {b['ms']} | {row['time_ratio']}x | {s['statements']} "
            f"| {b['statements']} | {s['peak_mib']} | {b['peak_mib']} | {row['memory_ratio']}x |"
        )
    page, export = rows["teacher view, a middle page"], rows["class export (CSV)"]
    lines += [
        "",
        f"- Teacher view, {args.learners:,} over {small_size:,} learners: "
        f"**{page['time_ratio']}x** the time, **{page['memory_ratio']}x** the memory; class "
        f"export: **{export['time_ratio']}x** the time for 10x the rows, "
        f"**{export['memory_ratio']}x** the memory.",
        "- Pages show PAGE_SIZE learners whatever the class size: their time, statements and "
        "memory should not grow with the class. Exports stream in EXPORT_CHUNK_SIZE batches: "
        "time grows with the rows, memory stays flat.",
    ]
    text = "\n".join(lines) + "\n"
    write_results("pages", result, text, write=not args.no_write)
    return result


if __name__ == "__main__":
    main()
