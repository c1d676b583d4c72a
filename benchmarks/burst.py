"""Benchmark: a cold burst of first launches (issue 15's ``burst``).

The server (benchmarks/live.py: gunicorn 2 workers x 4 threads, DEBUG off, MariaDB +
Redis) starts cold: no key set of the platform in the cache, no parsed key in memory.
Then 1,000 learners who never launched open their unit at once, 50 at a time, each with
its own browser (cookies). Counted: launches that failed (any hop not answering as it
must), accounts and links made (one per learner, none twice), the platform key set fetches
the tool made, wall time per launch (p50/p95) and launches per second. Results go to
benchmarks/results/burst.{json,md}.

    python -m benchmarks.burst [--learners 1000] [--concurrency 50] [--db mysql]
"""

import argparse
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from benchmarks.common import now_and_machine, stats, write_results
from benchmarks.live import Browser, LaunchFailed, LiveDemo


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--db", choices=("mysql", "sqlite"), default="mysql")
    parser.add_argument("--no-write", action="store_true", help="print only (tests use it)")
    args = parser.parse_args(argv)

    with LiveDemo(db=args.db, access_log=True) as live:
        sessions = live.learners("burst", args.learners)
        browsers = [Browser(live, key) for key in sessions]
        live.start()
        # The course page once, by a learner outside the burst: the workbench (the demo's
        # LMS) makes a block's content rows at their first read with an unguarded
        # get_or_create, which concurrent first views would duplicate. A real course exists
        # before its learners arrive; no launch happens here, so the tool stays cold.
        handler = Browser(live, live.learners("author", 1)[0])._handler()
        for browser in browsers:  # the frame's URL, as each learner's course page has it
            browser.handler = handler
        walls, errors = [], Counter()

        def first_launch(browser):
            try:
                walls.append(browser.launch()[0])
            except LaunchFailed as exc:
                errors[f"{exc.hop}: HTTP {exc.status}"] += 1
            except OSError as exc:
                errors[type(exc).__name__] += 1

        cpu, started = live.cpu_seconds(), time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(first_launch, browsers))
        elapsed = time.perf_counter() - started
        cpu = live.cpu_seconds() - cpu
        live.stop()
        counts = live.account_counts("burst")
        key_set_fetches = live.requests_to("/codio/lti/v1/jwks") - 1  # less start()'s probe

    result = {
        **now_and_machine(),
        "db": args.db,
        "server": f"gunicorn {live.workers} workers x {live.threads} threads, DEBUG off",
        "learners": args.learners,
        "concurrency": args.concurrency,
        "failed_launches": sum(errors.values()),
        "errors": dict(errors),
        "platform_key_set_fetches": key_set_fetches,
        **counts,
        "launches_per_second": round(len(walls) / elapsed, 1),
        "wall": stats(walls) if walls else None,
        "server_cpu_ms_per_launch": round(cpu / args.learners * 1000, 1),
        "elapsed_s": round(elapsed, 1),
    }
    db = "MariaDB + Redis" if args.db == "mysql" else "SQLite + database cache"
    lines = [
        "# Cold burst of first launches\n",
        f"Measured {result['when']} on {result['machine']} (`python -m benchmarks.burst`): "
        f"{result['server']}, {db}, started cold; {args.learners} learners who never launched, "
        f"{args.concurrency} at once, the load driver on the same machine.\n",
        "| failed launches | accounts | links | learners with more than one account "
        "| platform key set fetches | launches/s | p50 / p95 (ms) | server CPU/launch (ms) |",
        "|---|---|---|---|---|---|---|---|",
        f"| {result['failed_launches']} | {result['accounts']} | {result['links']} "
        f"| {result['learners_with_several_accounts']} | {key_set_fetches} "
        f"| {result['launches_per_second']} "
        f"| {result['wall']['median_ms']} / {result['wall']['p95_ms']} "
        f"| {result['server_cpu_ms_per_launch']} |",
    ]
    if errors:
        lines += ["", "Failures: " + ", ".join(f"{k} x{v}" for k, v in errors.items())]
    text = "\n".join(lines) + "\n"
    write_results("burst", result, text, write=not args.no_write)
    return result


if __name__ == "__main__":
    main()
