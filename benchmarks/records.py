"""The records purge at scale: seed expired audit events in bulk and purge them in bounded memory.

The audit trail is the largest table the schedule purges. The seed writes the rows with one INSERT ... SELECT over
a number series (generate_series on PostgreSQL, a recursive CTE on SQLite), all ten years old, plus a few recent
rows that must stay; then `records_purge` takes the expired ones, BATCH_SIZE ids per transaction. Figures: purge
rows per second, and the peak growth of Python memory while purging (tracemalloc), which must stay flat whatever
the row count, since the purge never holds more than a batch of ids.

small: 20,000 rows (CI); full: 1,000,000 rows.
"""

from __future__ import annotations

import time

from benchmarks.common import emit, memory_growth_mb

SIZES = {"small": 20_000, "full": 1_000_000}
RECENT = 100
# Limits: the full run on the 2-core CI machine purges well over this; memory is one batch of ids and its query.
MIN_ROWS_PER_SECOND = 2_000
MAX_PEAK_MB = 40.0

SEED_SQL = {
    "postgresql": """
        INSERT INTO accounts_auditevent
            (at, actor_label, action, object_type, object_id, summary, detail, hour_only)
        SELECT %s, 'bench@example.org', 'bench.event', 'bench.thing', n::text, 'Benchmark row', '{}'::jsonb, false
        FROM generate_series(1, %s) AS n
    """,
    "sqlite": """
        WITH RECURSIVE series(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM series WHERE n < %s)
        INSERT INTO accounts_auditevent
            (at, actor_label, action, object_type, object_id, summary, detail, hour_only)
        SELECT %s, 'bench@example.org', 'bench.event', 'bench.thing', CAST(n AS TEXT), 'Benchmark row', '{}', 0
        FROM series
    """,
}


def seed(count: int, at) -> float:
    from django.db import connection, transaction

    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(SEED_SQL["postgresql"], [at, count])
        else:
            cursor.execute(SEED_SQL["sqlite"], [count, at.isoformat(sep=" ")])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_auditevent")
    return time.perf_counter() - start


def run(*, size: str) -> None:
    import datetime

    from django.utils import timezone

    from cms.accounts.models import AuditEvent
    from cms.audit import audit
    from cms.records.purge import records_purge

    count = SIZES[size]
    old = timezone.now() - datetime.timedelta(days=3700)
    seconds = seed(count, old)
    emit("seed rows per second", count / seconds, "rows/s", rows=count)
    for number in range(RECENT):
        audit(action="bench.recent", summary="Must stay", object_type="bench.thing", object_id=number)

    start = time.perf_counter()
    results, peak = memory_growth_mb(lambda: records_purge(only=["audit.events"]))
    elapsed = time.perf_counter() - start
    [result] = results
    emit(
        "purge rows per second",
        result.count / elapsed,
        "rows/s",
        min=MIN_ROWS_PER_SECOND,
        rows=result.count,
        batches=result.batches,
        seconds=round(elapsed, 1),
    )
    emit("purge peak memory MB", peak, "MB", max=MAX_PEAK_MB, rows=result.count)
    left = AuditEvent.objects.filter(action="bench.event").count()
    kept = AuditEvent.objects.filter(action="bench.recent").count()
    emit("expired rows left", left, "rows", max=0)
    emit("recent rows lost", RECENT - kept, "rows", max=0)
