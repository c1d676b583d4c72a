"""Benchmark: the full launch of a returning learner, hop by hop, in one process.

The launch as a browser does it: the XBlock's launch handler (a redirect to the tool's
login), the tool's OIDC login (a redirect to the platform), the platform's authorization
endpoint (an auto-submitted form with the signed id_token) and the tool's launch (the
unit page). Django's test client carries cookies and follows each step; the tool's fetch
of the platform's key set goes through Django too (no socket).

Side by side in one run, launches alternating: the code as it runs (parsed RSA keys and
key sets kept, lti_bridge/protocol/keys.py) and the same code with every key parsed at
each use, as before issue 15. For each: median and p95 wall time and CPU time (this
process's, so the server's: there is no other) per launch and per hop, SQL statements per
hop and outbound HTTP requests per launch. Results go to benchmarks/results/launch.{json,md}.

    python -m benchmarks.launch [--launches 40]

Under concurrency behind gunicorn, and beside a bare pylti1p3 tool behind the same
platform: benchmarks/launch_load.py.
"""

import argparse
import statistics
import time
from contextlib import contextmanager

from benchmarks.common import now_and_machine, setup_django, stats, write_results

HOPS = ("handler", "login", "auth", "launch")


def _setup():
    setup_django()

    from workbench.scenarios import init_scenarios

    from codio_xblock import ags
    from demo.seed import seed
    from lti_bridge import http
    from tests.support import DjangoClientAdapter

    outbound = DjangoClientAdapter()
    http.session.mount("http://codio.test/", outbound)
    ags.session.mount("http://codio.test/", DjangoClientAdapter())
    init_scenarios()
    seed("http://codio.test")
    return outbound


@contextmanager
def keys_parsed_at_each_use():
    """The key handling before issue 15: no kept parsed keys or JWKs, and the published
    platform keys read (and their JWKs made) at every token check."""
    from lti_bridge.keyring import KeyRing
    from lti_bridge.protocol import keys

    kept = {
        name: getattr(keys, name)
        for name in ("_load_private", "_public_jwk", "_public_key_from_jwk")
    }
    for name, function in kept.items():
        setattr(keys, name, function.__wrapped__)
    from codio_xblock import keystore

    lifetime, KeyRing.VERIFY_CACHE_SECONDS = KeyRing.VERIFY_CACHE_SECONDS, -1
    kept_keys = keystore.ring._published  # what the code as it runs keeps, given back after
    keystore.ring.forget()  # every check reads the keys again
    try:
        yield
    finally:
        for name, function in kept.items():
            setattr(keys, name, function)
        KeyRing.VERIFY_CACHE_SECONDS = lifetime
        keystore.ring._published = kept_keys


def one_launch(client, outbound):
    """One launch, hop by hop: {hop: (wall s, cpu s, statements)}, outbound requests."""
    import re
    from html import unescape

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.support import form_fields, path_of

    page = client.get("/scenario/codio_unit.1/")  # the course page (not a hop: the LMS's)
    handler = unescape(
        re.search(r'src="([^"]*/handler/[^"]*/launch/[^"]*)"', page.content.decode()).group(1)
    )
    before = len(outbound.calls)
    hops, url, method, data = {}, handler, "get", None
    for hop in HOPS:
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, data)
            hops[hop] = (time.perf_counter() - wall, time.process_time() - cpu, len(queries))
        if hop == "handler":
            url = path_of(response["Location"])
        elif hop == "login":
            assert response.status_code == 302, response.content[:300]
            url = path_of(response["Location"])
        elif hop == "auth":
            assert response.status_code == 200, response.content[:300]
            action, data = form_fields(response.content.decode())
            url, method = path_of(action), "post"
        else:
            assert response.status_code == 200, response.content[:300]
            assert b'data-testid="unit-title"' in response.content
        if hop == "handler":
            url += "&lti1p3_new_window=1"  # past pylti1p3's cookie check page, as a browser
    return hops, len(outbound.calls) - before


def _summary(samples, outbound):
    total_wall = [sum(h[hop][0] for hop in HOPS) for h in samples]
    total_cpu = [sum(h[hop][1] for hop in HOPS) for h in samples]
    return {
        "wall": stats(total_wall),
        "cpu": stats(total_cpu),
        "launches_per_second_one_at_a_time": round(1 / statistics.median(total_wall), 1),
        "statements_per_launch": statistics.median(sum(h[hop][2] for hop in HOPS) for h in samples),
        "outbound_requests_per_launch": statistics.median(outbound),
        "hops": {
            hop: {
                "wall": stats([h[hop][0] for h in samples]),
                "cpu": stats([h[hop][1] for h in samples]),
                "statements": statistics.median(h[hop][2] for h in samples),
            }
            for hop in HOPS
        },
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=40)
    parser.add_argument("--no-write", action="store_true", help="print only (tests use it)")
    args = parser.parse_args(argv)

    outbound = _setup()
    from django.contrib.auth import get_user_model

    from tests.support import BridgeClient

    client = BridgeClient()
    client.force_login(get_user_model().objects.get(username="learner"))
    one_launch(client, outbound)  # the first launch makes the account: then returning

    kept, parsed = ([], []), ([], [])
    for _ in range(args.launches):  # alternating: both see the same machine noise
        hops, calls = one_launch(client, outbound)
        kept[0].append(hops)
        kept[1].append(calls)
        with keys_parsed_at_each_use():
            hops, calls = one_launch(client, outbound)
        parsed[0].append(hops)
        parsed[1].append(calls)
    result = {
        **now_and_machine(),
        "launches_each": args.launches,
        "keys_kept": _summary(*kept),
        "keys_parsed_at_each_use": _summary(*parsed),
    }
    a, b = result["keys_kept"], result["keys_parsed_at_each_use"]
    result["cpu_ratio_parsed_over_kept"] = round(b["cpu"]["median_ms"] / a["cpu"]["median_ms"], 2)
    result["wall_ratio_parsed_over_kept"] = round(
        b["wall"]["median_ms"] / a["wall"]["median_ms"], 2
    )
    lines = [
        "# Full launch of a returning learner (one process, Django test client)\n",
        f"Measured {result['when']} on {result['machine']} (`python -m benchmarks.launch`), "
        f"{args.launches} launches of each kind, alternating; SQLite, DEBUG off, the tool's "
        "key set fetch served in-process. CPU is this process's: platform and tool both.\n",
        "| keys | median wall (ms) | p95 wall (ms) | median CPU (ms) "
        "| launches/s, one at a time | SQL per launch | outbound HTTP per launch |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, m in (("kept (what runs)", a), ("parsed at each use (before)", b)):
        lines.append(
            f"| {label} | {m['wall']['median_ms']} | {m['wall']['p95_ms']} "
            f"| {m['cpu']['median_ms']} | {m['launches_per_second_one_at_a_time']} "
            f"| {m['statements_per_launch']} | {m['outbound_requests_per_launch']} |"
        )
    lines += ["", "| hop | CPU kept (ms) | CPU parsed (ms) | SQL |", "|---|---|---|---|"]
    for hop in HOPS:
        lines.append(
            f"| {hop} | {a['hops'][hop]['cpu']['median_ms']} "
            f"| {b['hops'][hop]['cpu']['median_ms']} | {a['hops'][hop]['statements']} |"
        )
    lines += [
        "",
        "- CPU per launch, keys parsed at each use over kept: "
        f"**{result['cpu_ratio_parsed_over_kept']}x**; "
        f"wall time: **{result['wall_ratio_parsed_over_kept']}x**.",
        "- Under concurrency behind gunicorn, beside a bare pylti1p3 tool: "
        "benchmarks/results/launch_load.md.",
    ]
    text = "\n".join(lines) + "\n"
    write_results("launch", result, text, write=not args.no_write)
    return result


if __name__ == "__main__":
    main()
