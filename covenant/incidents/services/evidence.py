"""Evidence on a case: files sent by handlers and reporters, and witness statements (docs/incidents.md, "Evidence").

A file is checked by its content and a photo cleaned of its metadata (`evidence_files`), then kept encrypted with
the incidents keys. A file sent by follow-up code is recorded like the anonymous report itself: no account, the
hour only, audited with `audit_anonymous`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cms.audit import audit, audit_anonymous, hour_of

from ..encryption import encrypt_bytes
from ..evidence_files import evidence_file_inspect, size_label
from ..models import Evidence, EvidenceContent, IncidentReport, Status, WitnessStatement

CLOSED_TO_EVIDENCE = (Status.ARCHIVED, Status.MERGED)


def _file_size_check(size: int) -> None:
    if size > settings.INCIDENT_EVIDENCE_MAX_FILE_BYTES:
        limit = size_label(settings.INCIDENT_EVIDENCE_MAX_FILE_BYTES)
        raise ValidationError({"file": f"The selected file must be smaller than {limit}"})


def _case_total_check(*, report: IncidentReport, size: int, from_reporter: bool) -> None:
    """Refuse a file that would take its side of the case (the reporter's files, or the handlers') over the
    total, each side counted apart so a code holder filling theirs cannot stop handlers adding files. The caller
    holds the case's row lock, so two uploads at once cannot both squeeze under it."""
    held = report.evidence.filter(from_reporter=from_reporter).aggregate(total=Sum("size"))["total"] or 0
    if held + size > settings.INCIDENT_EVIDENCE_MAX_CASE_BYTES:
        side = "the reporter" if from_reporter else "its handlers"
        raise ValidationError(
            {
                "file": f"This case already holds {size_label(held)} of files from {side}, who can add "
                f"{size_label(settings.INCIDENT_EVIDENCE_MAX_CASE_BYTES)} in all: choose a smaller file"
            }
        )


@transaction.atomic
def evidence_add(
    *,
    report: IncidentReport,
    name: str,
    data: bytes,
    description: str = "",
    uploaded_by=None,
    from_reporter: bool,
    request=None,
) -> Evidence:
    """Keep a file on a case. `uploaded_by` is the handler or the signed-in reporter; None with `from_reporter`
    for a file sent by follow-up code (anonymous stays so)."""
    if report.status in CLOSED_TO_EVIDENCE:
        raise ValidationError({"file": "This case is closed to new files"})
    if uploaded_by is None and not from_reporter:
        raise ValidationError("A handler's file needs the handler")
    description = (description or "").strip()
    if len(description) > 500:
        raise ValidationError({"description": "The description must be 500 characters or fewer"})
    _file_size_check(len(data))
    kept = evidence_file_inspect(name=name, data=data)
    # Uploads to one case wait for each other here, then count what the case holds.
    IncidentReport.objects.select_for_update().filter(pk=report.pk).values_list("pk", flat=True).first()
    _case_total_check(report=report, size=len(kept.data), from_reporter=from_reporter)
    anonymous = uploaded_by is None
    now = timezone.now()
    evidence = Evidence.objects.create(
        report=report,
        kind=kept.kind,
        content_type=kept.content_type,
        file_name=kept.name,
        description=description,
        size=len(kept.data),
        from_reporter=from_reporter,
        uploaded_by=uploaded_by,
        uploaded_at=hour_of(now) if anonymous else now,
    )
    EvidenceContent.objects.create(evidence=evidence, ciphertext=encrypt_bytes(kept.data))
    summary = f"{evidence.get_kind_display()} added to {report.reference}"
    detail = {"evidence": evidence.pk, "kind": kept.kind, "size": evidence.size}
    if anonymous:
        audit_anonymous(
            action="incident.evidence_added",
            actor_label="code holder",
            obj=report,
            summary=summary,
            detail=detail,
        )
    else:
        audit(
            action="incident.evidence_added",
            request=request,
            actor=uploaded_by,
            obj=report,
            summary=summary,
            detail={**detail, "by_reporter": from_reporter},
        )
    return evidence


@transaction.atomic
def witness_statement_record(
    *,
    report: IncidentReport,
    actor,
    witness_name: str,
    relationship: str,
    role: str = "",
    taken_on: datetime.date,
    statement: str,
    evidence: Evidence | None = None,
    request=None,
) -> WitnessStatement:
    """A statement a handler took from a witness, optionally linked to a file already on the same case."""
    errors = {}
    witness_name = (witness_name or "").strip()
    statement = (statement or "").strip()
    if not witness_name:
        errors["witness_name"] = "Enter the witness's name"
    if relationship not in WitnessStatement.Relationship.values:
        errors["relationship"] = "Select how the witness is connected to the incident"
    if taken_on is None:
        errors["taken_on"] = "Enter the date the statement was taken"
    elif taken_on > timezone.localdate():
        errors["taken_on"] = "The date the statement was taken must be today or in the past"
    if not statement:
        errors["statement"] = "Enter the statement"
    if evidence is not None and evidence.report_id != report.pk:
        errors["evidence"] = "Select a file on this case"
    if errors:
        raise ValidationError(errors)
    witness = WitnessStatement(
        report=report,
        witness_name=witness_name,
        relationship=relationship,
        role=(role or "").strip(),
        taken_on=taken_on,
        statement=statement,
        evidence=evidence,
        recorded_by=actor,
    )
    witness.full_clean()
    witness.save()
    audit(
        action="incident.witness_statement_recorded",
        request=request,
        actor=actor,
        obj=report,
        summary=f"Witness statement recorded on {report.reference}",
        detail={"statement": witness.pk, "relationship": relationship, "evidence": evidence and evidence.pk},
    )
    return witness
