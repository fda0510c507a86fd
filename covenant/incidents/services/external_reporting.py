"""Reporting outside the organisation: the RIDDOR assessment for HSE and the police outcome."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.audit import audit

from ..models import IncidentReport, PoliceOutcome, RiddorAssessment


@transaction.atomic
def riddor_record(
    *,
    report: IncidentReport,
    actor,
    state: str,
    kind: str = RiddorAssessment.Kind.OVER_SEVEN_DAY,
    hse_reference: str = "",
    reported_on=None,
    reason: str = "",
    request=None,
) -> RiddorAssessment:
    errors = {}
    if state == RiddorAssessment.State.REPORTED:
        if not hse_reference.strip():
            errors["hse_reference"] = "Enter the HSE reference"
        if reported_on is None:
            errors["reported_on"] = "Enter the date it was reported to HSE"
        elif reported_on > timezone.localdate():
            errors["reported_on"] = "The date reported must be today or in the past"
    if state == RiddorAssessment.State.NOT_REPORTABLE and not reason.strip():
        errors["reason"] = "Enter why it is not reportable"
    if state not in RiddorAssessment.State.values:
        errors["state"] = "Choose a RIDDOR status"
    if kind not in RiddorAssessment.Kind.values:
        errors["kind"] = "Choose what makes it reportable"
    if errors:
        raise ValidationError(errors)
    assessment, _ = RiddorAssessment.objects.update_or_create(
        report=report,
        defaults={
            "state": state,
            "kind": kind,
            "hse_reference": hse_reference.strip() if state == RiddorAssessment.State.REPORTED else "",
            "reported_on": reported_on if state == RiddorAssessment.State.REPORTED else None,
            "reason": reason.strip() if state == RiddorAssessment.State.NOT_REPORTABLE else "",
        },
    )
    audit(
        action="incident.riddor_recorded",
        obj=report,
        actor=actor,
        request=request,
        summary=report.reference,
        detail={"state": state, "kind": kind},
    )
    return assessment


@transaction.atomic
def police_outcome_record(
    *,
    report: IncidentReport,
    actor,
    state: str,
    crime_reference: str = "",
    aewa_eligible: bool = False,
    victim_impact_statement_offered: bool = False,
    request=None,
) -> PoliceOutcome:
    if state not in PoliceOutcome.State.values:
        raise ValidationError({"state": "Choose the police outcome"})
    if state not in (PoliceOutcome.State.NOT_REPORTED, PoliceOutcome.State.VICTIM_DECLINED) and not (
        crime_reference.strip() or report.crime_reference
    ):
        raise ValidationError({"crime_reference": "Enter the crime reference number"})
    outcome, _ = PoliceOutcome.objects.update_or_create(
        report=report,
        defaults={
            "state": state,
            "crime_reference": crime_reference.strip() or report.crime_reference,
            "aewa_eligible": aewa_eligible,
            "victim_impact_statement_offered": victim_impact_statement_offered,
        },
    )
    audit(
        action="incident.police_recorded",
        obj=report,
        actor=actor,
        request=request,
        summary=report.reference,
        detail={"state": state},
    )
    return outcome
