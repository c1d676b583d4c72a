"""The benchmark scripts keep working (each run at a tiny size, in its own process, writing
nothing): a benchmark that no longer runs would leave stale figures in the README."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "script, args, words",
    [
        ("benchmarks.launch", ["--launches", "2"], "kept (what runs)"),
        ("benchmarks.release", ["--learners", "30"], "bulk (what runs)"),
        ("benchmarks.ags_scores", ["--scores", "3"], "kept (what runs)"),
        ("benchmarks.pages", ["--learners", "40", "--repeat", "1"], "x |"),
    ],
)
def test_a_benchmark_runs_and_reports_its_ratio(script, args, words, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CODIO_DB", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "-m", script, *args, "--no-write"],
        cwd=ROOT,
        env={**env, "CODIO_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert words in result.stdout and "x**" in result.stdout


@pytest.mark.parametrize(
    "script, args, words",
    [
        (
            "benchmarks.launch_load",
            ["--levels", "1,2", "--launches", "4", "--hop-launches", "2"],
            "| bare tool |",
        ),
        ("benchmarks.burst", ["--learners", "12", "--concurrency", "4"], "| 0 | 12 | 12 | 0 |"),
    ],
)
def test_a_live_benchmark_runs_gunicorn_and_every_launch_succeeds(script, args, words, tmp_path):
    """The live benchmarks at a tiny size on SQLite (gunicorn, real HTTP): every launch
    answers as it must (a failed one stops launch_load; burst reports 0 failures, one
    account and one link per learner)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CODIO_DB", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "-m", script, "--db", "sqlite", *args, "--no-write"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert words in result.stdout, result.stdout[-2000:]
