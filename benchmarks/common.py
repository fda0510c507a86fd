"""Helpers every benchmark uses: a throwaway database, timing, percentiles and the one-line JSON output.

A benchmark module `benchmarks/<name>.py` defines `run(*, size: str) -> None` ("small" or "full") and prints its
figures with `emit()`. `python -m benchmarks` runs each one in its own process, once per database.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")

_current = {"benchmark": "", "db": ""}


def bootstrap(benchmark: str, db: str) -> None:
    """Point Django at a fresh database for this benchmark, set Django up, migrate and freeze the loaded site as a
    server process does (cms/heap.py)."""
    sys.path.insert(0, str(ROOT))
    _current.update(benchmark=benchmark, db=db)
    if db == "sqlite":
        path = Path(os.environ.get("BENCH_DIR", tempfile.gettempdir())) / f"bench-{benchmark}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    elif db == "postgres":
        import psycopg

        # BENCH_DB_SUFFIX keeps runs sharing one PostgreSQL server (several checkouts) out of each other's way.
        name = f"bench_{benchmark}{os.environ.get('BENCH_DB_SUFFIX', '')}"
        with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        base, _, _ = PG_ADMIN_URL.rpartition("/")
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    else:
        raise SystemExit(f"Unknown database {db!r}: use sqlite or postgres")
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from cms.heap import freeze_startup_heap

    # The benchmarks that time requests in this process (Django's test client) stand for a server process, which
    # sets its loaded site aside from the garbage collector (cms/wsgi.py); so does this one.
    freeze_startup_heap()


def emit(
    metric: str, value: float, unit: str, *, max: float | None = None, min: float | None = None, **extra
):  # noqa: A002
    line = {
        "benchmark": _current["benchmark"],
        "db": _current["db"],
        "metric": metric,
        "value": round(value, 2),
    }
    line["unit"] = unit
    if max is not None:
        line["max"] = max
    if min is not None:
        line["min"] = min
    line.update(extra)
    print(json.dumps(line), flush=True)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(pct) - 1]


@contextmanager
def timed() -> Iterator[dict]:
    result = {"ms": 0.0}
    start = time.perf_counter()
    yield result
    result["ms"] = (time.perf_counter() - start) * 1000


def time_calls(fn: Callable[[], object], repeat: int) -> list[float]:
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        durations.append((time.perf_counter() - start) * 1000)
    return durations


def memory_growth_mb(fn: Callable[[], object]) -> tuple[object, float]:
    """Run fn and return (result, peak Python memory growth in MB while it ran)."""
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, (peak - baseline) / (1024 * 1024)


def consume(response) -> int:
    """Read a (possibly streaming) response to the end and return its size in bytes."""
    if getattr(response, "streaming", False):
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        return size
    return len(response.content)
