"""What the benchmark scripts share: a throw-away database, the machine's description,
median/p95 figures and writing results to benchmarks/results/."""

import json
import os
import platform
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def setup_django(db="sqlite"):
    """Django with the test settings on a new test database: SQLite in a temporary
    directory, or MariaDB's ``test_codio_bench`` (``db="mysql"``). Returns the connection."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ["CODIO_VAR_DIR"] = tempfile.mkdtemp(prefix="codio-bench-")
    if db == "mysql":
        os.environ["CODIO_DB"] = "mysql"
        os.environ["CODIO_DB_NAME"] = "codio_bench"
    else:
        os.environ.pop("CODIO_DB", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    return connection


def now_and_machine():
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
    }


def stats(seconds):
    """Median and p95 of durations in seconds, in milliseconds."""
    values = sorted(seconds)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {
        "median_ms": round(statistics.median(values) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
    }


def write_results(name, result, text, write=True):
    """benchmarks/results/<name>.json and .md (unless ``write`` is false); prints the text."""
    if write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / f"{name}.md").write_text(text)
    print(text)
