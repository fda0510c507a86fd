"""The benchmark runner's command line, as .ci/run and the Makefile call it (no benchmark is run here)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_runner_accepts_the_flags_ci_and_make_use():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "benchmarks", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for flag in ("--size", "--only", "--db", "--strict", "--advisory"):
        assert flag in result.stdout


def test_unknown_benchmark_is_refused_with_a_message():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "benchmarks", "--only", "nonsense"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "No benchmark named 'nonsense'" in result.stderr
