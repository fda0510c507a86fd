"""The scheduled purge: every kind of record whose period has ended goes, in bounded batches (docs/records.md).

`records_purge` walks each kind's expired rows by primary key, BATCH_SIZE ids at a time, and deletes or
anonymises each batch in its own transaction, so memory stays flat however many rows are due and a failure keeps
the batches already done. Rows a legal hold covers are left; a hold on a whole kind skips it. The holds are read
again inside each batch's transaction, and the batch's ids narrowed to the rows still due, so a hold placed while
a long purge runs protects what it names from the next batch on. Each kind purged
writes one audit row with the counts (never the contents). A dry run counts and writes nothing.

Run daily by `manage.py records_purge`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cms.audit import audit
from cms.retention import DELETE, RecordKind, kind_get, kinds

from .selectors import Holds, cutoff_for, due_rows, holds_in_force, period_days

BATCH_SIZE = 5000
SYSTEM_ACTOR = "system: retention schedule"


@dataclass(frozen=True)
class PurgeResult:
    key: str
    label: str
    count: int  # rows purged, or due in a dry run
    held: bool  # a hold on the whole kind stopped it
    batches: int = 0


def records_purge(
    *,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
    only: list[str] | None = None,
    batch_size: int = BATCH_SIZE,
) -> list[PurgeResult]:
    """Purge every kind (or the kinds keyed in `only`) whose rows are past their period. Raises KeyError for an
    unknown kind."""
    now = now or timezone.now()
    selected = [kind_get(key) for key in only] if only else kinds()
    holds = holds_in_force()
    return [
        _purge_kind(kind, now=now, holds=holds, dry_run=dry_run, batch_size=batch_size) for kind in selected
    ]


def _purge_kind(
    kind: RecordKind, *, now: datetime.datetime, holds: Holds, dry_run: bool, batch_size: int
) -> PurgeResult:
    days = period_days(kind.key)
    due = due_rows(kind, now=now, holds=holds, days=days)
    if due is None:
        if not dry_run:
            _audit(kind, days=days, now=now, count=0, batches=0, held=True)
        return PurgeResult(kind.key, kind.label, 0, held=True)
    if dry_run:
        return PurgeResult(kind.key, kind.label, due.count(), held=False)
    purged = batches = 0
    held_midway = False
    last = None
    ids_query = due.order_by("pk").values_list("pk", flat=True)
    while True:
        page = ids_query if last is None else ids_query.filter(pk__gt=last)
        ids = list(page[:batch_size])
        if not ids:
            break
        with transaction.atomic():
            still_due = due_rows(kind, now=now, holds=holds_in_force(), days=days)
            if still_due is None:
                held_midway = True
                break
            purged += _purge_batch(
                kind, list(still_due.filter(pk__in=ids).values_list("pk", flat=True)), now=now
            )
        batches += 1
        last = ids[-1]
    _audit(kind, days=days, now=now, count=purged, batches=batches, held=held_midway)
    return PurgeResult(kind.key, kind.label, purged, held=held_midway, batches=batches)


def _purge_batch(kind: RecordKind, ids: list, *, now: datetime.datetime) -> int:
    if not ids:
        return 0
    if kind.purge is not None:
        return kind.purge(ids, now)
    model = kind.expired(now).model
    rows = model._base_manager.filter(pk__in=ids)
    if not model._meta.related_objects:
        # Nothing points at these rows (logs: audit events, task rows, sessions, drafts), so one DELETE does:
        # `delete()` would load every row to send signals that a catch-all receiver (Wagtail's reference index)
        # makes it wait for, at a thousandth of the speed.
        return rows._raw_delete(rows.db)
    deleted, per_model = rows.delete()
    return per_model.get(model._meta.label, 0)


def _audit(
    kind: RecordKind, *, days: int, now: datetime.datetime, count: int, batches: int, held: bool
) -> None:
    verb = "anonymised" if kind.method != DELETE else "deleted"
    if held and count:
        summary = f"{kind.label}: {count} {verb} at the end of {days} days, then a legal hold on every record stopped it"
    elif held:
        summary = f"{kind.label}: not purged, a legal hold covers every record"
    else:
        summary = f"{kind.label}: {count} {verb} at the end of {days} days"

    audit(
        action="records.purged",
        actor_label=SYSTEM_ACTOR,
        object_type="records.kind",
        object_id=kind.key,
        summary=summary,
        detail={
            "count": count,
            "batches": batches,
            "period_days": days,
            "cutoff": cutoff_for(kind, now=now, days=days).isoformat(),
            "method": kind.method,
            "held": held,
        },
    )
