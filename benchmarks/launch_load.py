"""Benchmark: full launches under load, behind gunicorn, beside a bare pylti1p3 tool.

The demo served as production serves it (benchmarks/live.py: gunicorn 2 workers x 4
threads, DEBUG off, MariaDB + Redis by default), driven over real HTTP as a browser
launches a unit: the XBlock's handler, the tool's OIDC login, the platform's
authorization (the auto-submitted form with the id_token) and the tool's launch. At each
concurrency level (1, 4, 8, 16 learners launching at once, each with its own cookies):

- returning learners on the bridge, and the same learners on a bare pylti1p3 tool behind
  the same platform (benchmarks/bare_tool.py), in alternating rounds: launches/s, p50/p95,
  server CPU per launch (the gunicorn processes' own, read from /proc) and the ratios;
- first-time learners on the bridge (each launch makes an account).

Server CPU per hop is read at concurrency 1, where each request runs alone. SQL per hop
is in benchmarks/launch.py (in process). Results go to benchmarks/results/launch_load.*.

    python -m benchmarks.launch_load [--db mysql|sqlite] [--levels 1,4,8,16] [--launches 96]
"""

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks.common import now_and_machine, stats, write_results
from benchmarks.live import HOPS, Browser, LaunchFailed, LiveDemo


def run(browsers, launches):
    """``launches`` launches spread over the browsers, one thread each, all at once."""
    per = [launches // len(browsers) + (i < launches % len(browsers)) for i in range(len(browsers))]
    walls, errors = [], []

    def drive(browser, count):
        for _ in range(count):
            try:
                walls.append(browser.launch()[0])
            except (LaunchFailed, OSError) as exc:
                errors.append(str(exc))

    live = browsers[0].live
    cpu, started = live.cpu_seconds(), time.perf_counter()
    with ThreadPoolExecutor(len(browsers)) as pool:
        list(pool.map(drive, browsers, per))
    elapsed = time.perf_counter() - started
    return {
        "walls": walls,
        "errors": errors,
        "elapsed": elapsed,
        "cpu": live.cpu_seconds() - cpu,
        "launches": launches,
    }


def merge(parts):
    walls = [w for p in parts for w in p["walls"]]
    launches = sum(p["launches"] for p in parts)
    elapsed = sum(p["elapsed"] for p in parts)
    return {
        "launches": launches,
        "errors": sum(len(p["errors"]) for p in parts),
        "first_errors": [e for p in parts for e in p["errors"]][:3],
        "launches_per_second": round(launches / elapsed, 1),
        "wall": stats(walls) if walls else None,
        "server_cpu_ms_per_launch": round(sum(p["cpu"] for p in parts) / launches * 1000, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("mysql", "sqlite"), default="mysql")
    parser.add_argument("--levels", default="1,4,8,16")
    parser.add_argument("--launches", type=int, default=96, help="per level, each kind")
    parser.add_argument("--hop-launches", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="print only (tests use it)")
    args = parser.parse_args(argv)
    levels = [int(c) for c in args.levels.split(",")]

    with LiveDemo(db=args.db) as live:
        returning = live.learners("ret", max(levels))
        first = live.learners("new", args.launches * len(levels))
        live.start()
        bridge = [Browser(live, key, "bridge") for key in returning]
        bare = [Browser(live, key, "bare") for key in returning]
        for browser in bridge + bare:  # accounts made, key sets and keys warm
            browser.launch()
            browser.launch()

        # What each tool leaves in the browser: pylti1p3's state cookies after one launch.
        cookies_left = {}
        for tool, browsers in (("bridge", bridge), ("bare", bare)):
            browsers[0].launch()
            cookies_left[tool] = browsers[0].state_cookies_left

        per_hop = {}
        for tool, browsers in (("bridge", bridge), ("bare", bare)):
            samples = [browsers[0].launch(cpu_per_hop=True)[1] for _ in range(args.hop_launches)]
            per_hop[tool] = {
                hop: round(statistics.mean(s[hop] for s in samples) * 1000, 1) for hop in HOPS
            }

        levels_out = {}
        for c in levels:
            rounds = {"bridge": [], "bare": []}
            half = max(c, args.launches // 2)
            for _ in range(2):  # alternating rounds: both see the same machine noise
                rounds["bridge"].append(run(bridge[:c], half))
                rounds["bare"].append(run(bare[:c], half))
            newcomers = [Browser(live, key, "bridge") for key in first[: args.launches]]
            del first[: args.launches]
            for browser in newcomers:  # the course page first (the LMS's), outside the count
                browser.handler = browser._handler()
            chunks = [newcomers[i::c] for i in range(c)]
            first_time = run_first(chunks)
            out = {
                "returning": merge(rounds["bridge"]),
                "bare": merge(rounds["bare"]),
                "first_time": first_time,
            }
            r, b = out["returning"], out["bare"]
            out["throughput_bridge_over_bare"] = round(
                r["launches_per_second"] / b["launches_per_second"], 2
            )
            out["cpu_bridge_over_bare"] = round(
                r["server_cpu_ms_per_launch"] / b["server_cpu_ms_per_launch"], 2
            )
            levels_out[c] = out
            print(c, out, flush=True)

    result = {
        **now_and_machine(),
        "db": args.db,
        "server": f"gunicorn {live.workers} workers x {live.threads} threads, DEBUG off",
        "launches_per_level_each": args.launches,
        "server_cpu_ms_per_hop_at_c1": per_hop,
        "state_cookies_left_per_launch": cookies_left,
        "levels": levels_out,
    }
    write_results(
        "launch_load" + ("" if args.db == "mysql" else "_sqlite"),
        result,
        report(result),
        write=not args.no_write,
    )
    return result


def run_first(chunks):
    """First launches: each thread takes its own learners, one launch each."""
    walls, errors = [], []

    def drive(browsers):
        for browser in browsers:
            try:
                walls.append(browser.launch()[0])
            except (LaunchFailed, OSError) as exc:
                errors.append(str(exc))

    live = chunks[0][0].live
    cpu, started = live.cpu_seconds(), time.perf_counter()
    with ThreadPoolExecutor(len(chunks)) as pool:
        list(pool.map(drive, chunks))
    elapsed = time.perf_counter() - started
    launches = sum(len(c) for c in chunks)
    return merge(
        [
            {
                "walls": walls,
                "errors": errors,
                "elapsed": elapsed,
                "cpu": live.cpu_seconds() - cpu,
                "launches": launches,
            }
        ]
    )


def report(result):
    db = "MariaDB + Redis" if result["db"] == "mysql" else "SQLite + database cache"
    lines = [
        "# Full launches under load (gunicorn, real HTTP), beside a bare pylti1p3 tool\n",
        f"Measured {result['when']} on {result['machine']} "
        f"(`python -m benchmarks.launch_load{'' if result['db'] == 'mysql' else ' --db sqlite'}`): "
        f"{result['server']}, {db}; the load driver on the same machine. "
        f"{result['launches_per_level_each']} launches per level of each kind; bridge and bare "
        "tool in alternating rounds. A launch is handler -> tool login -> platform auth -> "
        "tool launch; server CPU is the gunicorn processes' own (/proc).\n",
        "| learners at once | bridge launches/s | bare launches/s | throughput ratio "
        "| bridge CPU/launch (ms) | bare CPU/launch (ms) | CPU ratio | bridge p50 / p95 (ms) "
        "| first-time launches/s | first-time CPU (ms) | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c, out in result["levels"].items():
        r, b, f = out["returning"], out["bare"], out["first_time"]
        lines.append(
            f"| {c} | {r['launches_per_second']} | {b['launches_per_second']} "
            f"| {out['throughput_bridge_over_bare']}x | {r['server_cpu_ms_per_launch']} "
            f"| {b['server_cpu_ms_per_launch']} | {out['cpu_bridge_over_bare']}x "
            f"| {r['wall']['median_ms']} / {r['wall']['p95_ms']} "
            f"| {f['launches_per_second']} | {f['server_cpu_ms_per_launch']} "
            f"| {r['errors'] + b['errors'] + f['errors']} |"
        )
    left = result["state_cookies_left_per_launch"]
    lines += [
        "",
        f"- pylti1p3 state cookies left in the browser per launch: bridge {left['bridge']}, "
        f"bare tool {left['bare']}. The bare tool's pile up until the site answers 431 "
        "(about 80 launches); the driver drops them after each launch so that both tools "
        "are measured launching.",
    ]
    hops = result["server_cpu_ms_per_hop_at_c1"]
    lines += [
        "",
        "Server CPU per hop at concurrency 1 (ms, mean):",
        "",
        "| hop | bridge | bare tool |",
        "|---|---|---|",
    ]
    for hop in HOPS:
        lines.append(f"| {hop} | {hops['bridge'][hop]} | {hops['bare'][hop]} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
