"""Reads of the records schedule: each kind's period in force, the holds in force, and the schedule as the page
shows it. Access is checked by the views (`records.manage_records`); nothing here shows a record's contents."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from cms.retention import METHOD_LABELS, HeldRecords, RecordKind, holdable_types, kind_get, kinds

from .models import LegalHold, RetentionPeriod


def period_days(key: str) -> int:
    """The period in force for a kind: the one set on the schedule page, else the default in code."""
    override = RetentionPeriod.objects.filter(kind=key).values_list("days", flat=True).first()
    return override if override is not None else kind_get(key).default_days


def periods_in_force() -> dict[str, int]:
    overrides = dict(RetentionPeriod.objects.values_list("kind", "days"))
    return {kind.key: overrides.get(kind.key, kind.default_days) for kind in kinds()}


@dataclass(frozen=True)
class Holds:
    """The legal holds in force: whole kinds, and records by type."""

    kinds: frozenset[str]
    records: HeldRecords

    def kind_held(self, key: str) -> bool:
        return key in self.kinds

    def record_held(self, object_type: str, object_id) -> bool:
        return str(object_id) in self.records.get(object_type, set())


def holds_in_force() -> Holds:
    held_kinds: set[str] = set()
    records: HeldRecords = {}
    for kind, object_type, object_id in LegalHold.objects.filter(lifted_at__isnull=True).values_list(
        "kind", "object_type", "object_id"
    ):
        if kind:
            held_kinds.add(kind)
        else:
            records.setdefault(object_type, set()).add(object_id)
    return Holds(kinds=frozenset(held_kinds), records=records)


def held_q(kind: RecordKind, holds: Holds) -> Q | None:
    """The rows of `kind` that record holds cover, or None when none could be."""
    if kind.held is None or not holds.records:
        return None
    return kind.held(holds.records)


def cutoff_for(kind: RecordKind, *, now: datetime.datetime, days: int | None = None) -> datetime.datetime:
    return now - datetime.timedelta(days=period_days(kind.key) if days is None else days)


def due_rows(
    kind: RecordKind, *, now: datetime.datetime, holds: Holds, days: int | None = None
) -> QuerySet | None:
    """The rows of a kind that the purge would take now, or None when a hold covers the whole kind."""
    if holds.kind_held(kind.key):
        return None
    rows = kind.expired(cutoff_for(kind, now=now, days=days))
    covered = held_q(kind, holds)
    return rows.exclude(covered) if covered is not None else rows


@dataclass(frozen=True)
class ScheduleRow:
    kind: RecordKind
    days: int
    is_default: bool
    method_label: str
    due: int | None  # None: the whole kind is held
    held_back: int  # rows past their period that a record hold keeps


def schedule(*, now: datetime.datetime | None = None) -> list[ScheduleRow]:
    """The schedule page's table: every kind with its period, basis and the rows due now."""
    now = now or timezone.now()
    holds = holds_in_force()
    overrides = dict(RetentionPeriod.objects.values_list("kind", "days"))
    rows = []
    for kind in kinds():
        days = overrides.get(kind.key, kind.default_days)
        due = due_rows(kind, now=now, holds=holds, days=days)
        held_back = 0
        covered = held_q(kind, holds)
        if due is not None and covered is not None:
            held_back = kind.expired(cutoff_for(kind, now=now, days=days)).filter(covered).count()
        rows.append(
            ScheduleRow(
                kind=kind,
                days=days,
                is_default=kind.key not in overrides,
                method_label=METHOD_LABELS[kind.method],
                due=None if due is None else due.count(),
                held_back=held_back,
            )
        )
    return rows


def holds_list(*, active: bool = True) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=active).select_related("placed_by", "lifted_by")


def hold_target_label(hold: LegalHold) -> str:
    """What a hold covers, as the page shows it: "Incident cases (whole kind)" or "Person 42"."""
    if hold.kind:
        try:
            return f"{kind_get(hold.kind).label} (every record)"
        except KeyError:
            return f"{hold.kind} (every record)"
    return f"{holdable_types().get(hold.object_type, hold.object_type)} {hold.object_id}"
