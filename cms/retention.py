"""The records schedule: every kind of record the site keeps, how long, why, and how it goes (docs/records.md).

Apps declare into it and cms never imports them: each installed app may have a `retention.py` module, imported by
name the first time the schedule is read (as `cms/accounts/roles.py` finds each app's `roles.py`), that calls

- `register_kind(RecordKind(...))`: a kind of record, with the rows past their period given a cut-off moment, its
  default period and legal basis, and how it is purged (deleted, or anonymised where rows must stay for figures);
- `register_section(SubjectSection(...))`: one CSV file of a subject-access export;
- `register_eraser(Eraser(...))`: what erasure may remove of a person's records, and what it must refuse, and why;
- `register_subject_resolver(...)`: how the app finds the records of a person from an e-mail address or number;
- `register_in_use(RecordInUse(...))`: records of another app that this app's records still name and need, so that
  neither the purge nor erasure takes them while they do (incident cases name the member of staff who did it).

A new kind of record is one `register_kind` call. The periods a data protection officer sets on
/records/retention/ override the defaults here (`cms.records.models.RetentionPeriod`); the purge, the legal
holds, the export and erasure are in `cms/records/`.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

DELETE = "delete"
ANONYMISE = "anonymise"
METHOD_LABELS = {DELETE: "Deleted", ANONYMISE: "Anonymised (kept for figures)"}


def years(count: int) -> int:
    """`count` years in days, never fewer than the calendar years: one extra day for every leap year the
    period could span."""
    return 365 * count + math.ceil(count / 4)


# Held records, as {object_type: {object id as text, ...}}; an object type is a model's `_meta.label_lower`.
HeldRecords = dict[str, set[str]]


@dataclass(frozen=True)
class RecordKind:
    key: str
    label: str
    default_days: int
    basis: str
    counts_from: str
    # The rows whose period has ended: given the cut-off moment (now less the period), a queryset of them.
    expired: Callable[[datetime.datetime], QuerySet]
    method: str = DELETE
    # Anonymise (or otherwise end) the rows with these primary keys; returns how many. For DELETE, None means
    # the rows are deleted with the queryset's `delete()`.
    purge: Callable[[list[Any], datetime.datetime], int] | None = None
    # The rows held records cover, as a Q on the kind's model (None: only a hold on the whole kind stops it).
    held: Callable[[HeldRecords], Q] | None = None
    # The records a legal hold may name for this kind: (object_type, label).
    holdable: tuple[tuple[str, str], ...] = ()
    minimum_days: int = 0


def held_by(paths: dict[str, str]) -> Callable[[HeldRecords], Q]:
    """A `held` function for a kind whose rows point at held records: {object_type: lookup to its id}."""

    def held(records: HeldRecords) -> Q:
        covered = Q(pk__in=[])
        for object_type, lookup in paths.items():
            if records.get(object_type):
                covered |= Q(**{f"{lookup}__in": sorted(records[object_type])})
        return covered

    return held


@dataclass
class Subject:
    """Whoever a subject-access request or an erasure is about: their sign-in account (if any) and the workforce
    records of the same person (found by the apps' resolvers), and the references (object_type, id) that audit
    events about them carry."""

    email: str = ""
    user: Any = None
    people: list[Any] = field(default_factory=list)

    @property
    def refs(self) -> list[tuple[str, str]]:
        refs = [(person._meta.label_lower, str(person.pk)) for person in self.people]
        if self.user is not None:
            refs.append((self.user._meta.label_lower, str(self.user.pk)))
        return refs

    @property
    def found(self) -> bool:
        return self.user is not None or bool(self.people)


@dataclass(frozen=True)
class SubjectSection:
    key: str  # the CSV file's name, without ".csv"
    label: str
    columns: tuple[str, ...]
    rows: Callable[[Subject], Iterable[Sequence[Any]]]
    note: str = ""  # what the section leaves out and why, printed in the summary


@dataclass(frozen=True)
class ErasureOutcome:
    label: str
    count: int
    erased: bool
    reason: str = ""  # why it was refused (or what erasing it meant)


@dataclass(frozen=True)
class Eraser:
    key: str
    label: str
    # erase(subject, holds, now) -> outcomes. Called inside the erasure's transaction.
    erase: Callable[[Subject, Any, datetime.datetime], list[ErasureOutcome]]


@dataclass(frozen=True)
class RecordInUse:
    """Records of `object_type` (a model's `_meta.label_lower`) that another app's records still name: the
    owning app's purge leaves them and erasure refuses them, with `reason`, while `ids()` lists them."""

    key: str
    object_type: str
    label: str
    reason: str
    # The ids in use now, as a values queryset (used as a subquery, so it is read when the query runs).
    ids: Callable[[], QuerySet]


_kinds: dict[str, RecordKind] = {}
_sections: dict[str, SubjectSection] = {}
_erasers: dict[str, Eraser] = {}
_resolvers: list[Callable[..., list[Any]]] = []
_in_use: dict[str, RecordInUse] = {}
_discovered = False


def register_kind(kind: RecordKind) -> RecordKind:
    if kind.method not in METHOD_LABELS:
        raise ValueError(f"{kind.key}: unknown purge method {kind.method!r}")
    if kind.method == ANONYMISE and kind.purge is None:
        raise ValueError(f"{kind.key}: an anonymised kind needs its purge function")
    _kinds[kind.key] = kind
    return kind


def register_section(section: SubjectSection) -> SubjectSection:
    _sections[section.key] = section
    return section


def register_eraser(eraser: Eraser) -> Eraser:
    _erasers[eraser.key] = eraser
    return eraser


def register_subject_resolver(resolver: Callable[..., list[Any]]) -> None:
    """resolver(email=..., number=...) -> the app's person records for that e-mail address or record number."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def register_in_use(record: RecordInUse) -> RecordInUse:
    _in_use[record.key] = record
    return record


def discover() -> None:
    """Import each installed app's `retention` module once, so that its declarations run."""
    global _discovered
    if _discovered:
        return
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.retention"
        try:
            import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
    _discovered = True


def kinds() -> list[RecordKind]:
    discover()
    return sorted(_kinds.values(), key=lambda kind: kind.key)


def kind_get(key: str) -> RecordKind:
    discover()
    return _kinds[key]


def sections() -> list[SubjectSection]:
    discover()
    return list(_sections.values())


def erasers() -> list[Eraser]:
    discover()
    return list(_erasers.values())


def subject_resolvers() -> list[Callable[..., list[Any]]]:
    discover()
    return list(_resolvers)


def in_use_for(object_type: str) -> list[RecordInUse]:
    """What other apps' records need of `object_type`, so its purge and erasure leave those rows."""
    discover()
    return [record for record in _in_use.values() if record.object_type == object_type]


def not_in_use(rows: QuerySet, object_type: str) -> QuerySet:
    """`rows` less those another app's records still need."""
    for record in in_use_for(object_type):
        rows = rows.exclude(pk__in=record.ids())
    return rows


def holdable_types() -> dict[str, str]:
    """Every record type a legal hold may name: {object_type: label}."""
    types: dict[str, str] = {}
    for kind in kinds():
        types.update(dict(kind.holdable))
    return types
