"""Decisions on what the reporter asked for (contact about support, police action)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.audit import audit

from ..models import IncidentReport, PoliceWish, ReporterRequestDecision


@transaction.atomic
def reporter_request_decide(
    *,
    report: IncidentReport,
    actor,
    topic: str,
    reason: str,
    answer_for_reporter: str = "",
    request=None,
) -> ReporterRequestDecision:
    """Record the decision on something the reporter asked for (contact about support, police action), with the
    internal reason and, when they asked for feedback, the answer they will read. Recording again replaces it."""
    asked = {
        ReporterRequestDecision.Topic.SUPPORT: report.wants_support,
        ReporterRequestDecision.Topic.POLICE: report.wants_police_action == PoliceWish.YES,
    }
    if topic not in asked:
        raise ValidationError("Unknown request")
    if not asked[topic]:
        raise ValidationError("The reporter did not ask for this")
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Enter the reason for the decision"
    if report.wants_feedback and not (answer_for_reporter or "").strip():
        errors["answer_for_reporter"] = "Enter what the reporter will be told: they asked for feedback"
    if errors:
        raise ValidationError(errors)
    decision, created = ReporterRequestDecision.objects.update_or_create(
        report=report,
        topic=topic,
        defaults={
            "reason": reason.strip(),
            "answer_for_reporter": (answer_for_reporter or "").strip(),
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    audit(
        action="incident.request_decided",
        obj=report,
        actor=actor,
        request=request,
        summary=f"Decision on the reporter's request ({topic}) on {report.reference}",
        detail={"topic": topic, "replaced": not created},
    )
    return decision
