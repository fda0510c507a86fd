"""Subject access and erasure: everything held about one person, as a streamed ZIP of CSV files and a PDF
summary, and erasing what the law allows with the reason for what it does not (docs/records.md).

The sections and erasers are the apps' (cms/retention.py); this module finds the person, runs them and audits
each export and erasure (who, about whom, counts; never the contents). The ZIP is written as it is sent and never
stored: `zipfile` writes to a sink that the response drains after every few hundred rows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.access import require_permission
from cms.audit import audit
from cms.reports import Report
from cms.retention import ErasureOutcome, Subject, SubjectSection, erasers, sections, subject_resolvers
from cms.tables import neutralise

from .selectors import holds_in_force

SUBJECT_ACCESS = "records.subject_access"
ROWS_PER_CHUNK = 500


def subject_find(*, user, email: str = "", number: int | None = None, request=None) -> Subject:
    """The account and workforce records of a person, by e-mail address or workforce record number. Audited,
    since the answer says what is held about them."""
    require_permission(user, SUBJECT_ACCESS)
    email = (email or "").strip().lower()
    people: list = []
    for resolver in subject_resolvers():
        people.extend(resolver(email=email, number=number))
    if not email and people:
        email = next((person.work_email for person in people if getattr(person, "work_email", "")), "")
    account = get_user_model().objects.filter(email__iexact=email).first() if email else None
    subject = Subject(email=email, user=account, people=people)
    if subject.found:
        audit(
            action="records.subject_found",
            actor=user,
            request=request,
            object_type=subject.refs[0][0],
            object_id=subject.refs[0][1],
            summary="Looked up what is held about a person",
            detail={"records": [list(ref) for ref in subject.refs]},
        )
    return subject


@dataclass(frozen=True)
class SectionCount:
    section: SubjectSection
    count: int


def subject_counts(*, subject: Subject) -> list[SectionCount]:
    return [SectionCount(section, sum(1 for _row in section.rows(subject))) for section in sections()]


class SubjectSummary(Report):
    """The export's PDF: who it is about, what each file holds, and what is left out and why."""

    template_name = "records/subject_summary.html"
    title = "Subject access: what is held"

    def __init__(self, *, subject: Subject, counts: list[SectionCount], produced_by: str):
        self.subject = subject
        self.counts = counts
        self.produced_by = produced_by

    def get_context(self):
        return {"subject": self.subject, "counts": self.counts, "produced_by": self.produced_by}


class _Sink(io.RawIOBase):
    """Where `zipfile` writes; the response takes what has been written so far."""

    def __init__(self):
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def subject_export(*, user, subject: Subject, request=None) -> Iterator[bytes]:
    """Audit the export, then give the ZIP's bytes as they are made: one CSV file per section and summary.pdf."""
    require_permission(user, SUBJECT_ACCESS)
    if not subject.found:
        raise ValueError("Nobody to export")
    audit(
        action="records.subject_exported",
        actor=user,
        request=request,
        object_type=subject.refs[0][0],
        object_id=subject.refs[0][1],
        summary="Exported everything held about a person",
        detail={"records": [list(ref) for ref in subject.refs], "files": [s.key for s in sections()]},
    )
    return _zip_stream(subject, produced_by=user.email)


def _zip_stream(subject: Subject, *, produced_by: str) -> Iterator[bytes]:
    sink = _Sink()
    counts = []
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in sections():
            written = 0
            with archive.open(f"{section.key}.csv", mode="w") as member:
                text = io.TextIOWrapper(member, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow(section.columns)
                for row in section.rows(subject):
                    writer.writerow([neutralise(_cell(value)) for value in row])
                    written += 1
                    if written % ROWS_PER_CHUNK == 0:
                        text.flush()
                        yield sink.take()
                text.flush()
                text.detach()
            counts.append(SectionCount(section, written))
            yield sink.take()
        summary = SubjectSummary(subject=subject, counts=counts, produced_by=produced_by)
        archive.writestr("summary.pdf", summary.render_pdf())
    yield sink.take()


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        if hasattr(value, "hour"):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return value.strftime("%-d %B %Y %H:%M")
        return value.strftime("%-d %B %Y")
    return str(value)


@transaction.atomic
def subject_erase(*, user, subject: Subject, reason: str, request=None) -> list[ErasureOutcome]:
    """Erase or anonymise what the law allows of a person's records; every other part comes back refused, with
    the reason. One audit row with the outcome (labels and counts)."""
    require_permission(user, SUBJECT_ACCESS)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter the request you are acting on"})
    if not subject.found:
        raise ValueError("Nobody to erase")
    refs = subject.refs
    holds = holds_in_force()
    now = timezone.now()
    outcomes: list[ErasureOutcome] = []
    for eraser in erasers():
        outcomes.extend(eraser.erase(subject, holds, now))
    audit(
        action="records.subject_erased",
        actor=user,
        request=request,
        object_type=refs[0][0],
        object_id=refs[0][1],
        summary=f"Erasure: {sum(o.count for o in outcomes if o.erased)} erased, "
        f"{sum(o.count for o in outcomes if not o.erased)} refused",
        detail={
            "records": [list(ref) for ref in refs],
            "reason": reason.strip(),
            "outcomes": [
                {"label": o.label, "count": o.count, "erased": o.erased, "reason": o.reason} for o in outcomes
            ],
        },
    )
    return outcomes
