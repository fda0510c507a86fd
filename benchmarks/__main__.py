"""Run the benchmarks: `python -m benchmarks [--size small|full] [--only NAME ...] [--db sqlite postgres]`.

Each benchmark runs in its own process per database and prints one JSON object per figure. At the end a
summary says which figures broke their limits. The exit code is 1 if a benchmark crashed or a correctness figure
(lost or duplicated submissions, server errors: anything not measured in time, memory or throughput) broke its
limit; a time, memory or throughput figure over its limit fails the run only with --strict, because shared
machines are noisy.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess  # nosec B404  # runs the benchmark scripts, argv built in code
import sys
from pathlib import Path

BENCHMARKS = (
    "workforce",
    "incidents",
    "consultation",
    "comments",
    "redaction",
    "load",
    "faults_tasks",
    "scale",
    "api",
    "records",
)
HERE = Path(__file__).resolve().parent
DATABASE_FREE = {"redaction"}
SPEED_UNITS = {"ms", "s", "req/s", "rows/s", "MB", "reports/s", "responses/s"}


def available() -> list[str]:
    return [name for name in BENCHMARKS if (HERE / f"{name}.py").exists()]


def run_one(name: str, size: str, db: str) -> None:
    from benchmarks import common

    common.bootstrap(name, db)
    module = importlib.import_module(f"benchmarks.{name}")
    module.run(size=size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--only", nargs="*", default=None, help="benchmark names (default: all)")
    parser.add_argument("--db", nargs="*", default=["sqlite", "postgres"], choices=("sqlite", "postgres"))
    parser.add_argument(
        "--strict", action="store_true", help="also fail on time, memory and throughput limits"
    )
    parser.add_argument(
        "--advisory",
        action="store_true",
        help="report every figure outside its limit but fail only on crashes",
    )
    parser.add_argument("--child", nargs=2, metavar=("NAME", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        run_one(args.child[0], args.size, args.child[1])
        return 0

    names = args.only or available()
    failures = []
    for name in names:
        if name not in available():
            print(f"No benchmark named {name!r}; available: {', '.join(available())}", file=sys.stderr)
            return 2
        databases = ["postgres"] if name == "load" else args.db
        if name in DATABASE_FREE:
            databases = databases[:1]  # the figures do not depend on the database: measure them once
        for db in databases:
            command = [sys.executable, "-m", "benchmarks", "--size", args.size, "--child", name, db]
            process = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent, check=False)  # nosec B603  # argv of our own scripts, no shell
            sys.stderr.write(process.stderr[-4000:])
            for line in process.stdout.splitlines():
                print(line, flush=True)
                try:
                    figure = json.loads(line)
                except ValueError:
                    continue
                value = figure.get("value")
                if "max" in figure and value is not None and value > figure["max"]:
                    failures.append(figure)
                if "min" in figure and value is not None and value < figure["min"]:
                    failures.append(figure)
            if process.returncode:
                failures.append(
                    {"benchmark": name, "db": db, "metric": "exit_code", "value": process.returncode}
                )
    if failures:
        print(f"{len(failures)} figure(s) outside their limits:", file=sys.stderr)
        for figure in failures:
            print("  " + json.dumps(figure), file=sys.stderr)
    blocking = [
        f
        for f in failures
        if f.get("metric") == "exit_code"
        or (not args.advisory and (args.strict or f.get("unit") not in SPEED_UNITS))
    ]
    return 1 if blocking else 0


if __name__ == "__main__":
    sys.exit(main())
