"""Retention: a legal hold keeps a case beyond its retention period (the purge itself is `purge.py`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from cms.audit import audit

from ..models import IncidentReport


@transaction.atomic
def case_legal_hold_set(
    *, report: IncidentReport, actor, on: bool, reason: str, request=None
) -> IncidentReport:
    """A legal hold stops a case being destroyed at the end of its retention period, whatever its state."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter the reason"})
    report.legal_hold = on
    report.save(update_fields=["legal_hold"])
    audit(
        action="incident.legal_hold_set" if on else "incident.legal_hold_lifted",
        request=request,
        actor=actor,
        obj=report,
        summary=f"Legal hold {'placed on' if on else 'lifted from'} {report.reference}",
        detail={"reason": reason.strip()},
    )
    return report
