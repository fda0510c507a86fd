"""Learning and remedial actions on a case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.audit import audit

from ..models import CaseAction, IncidentReport
from ..selectors.cases import handlers_for_case


@transaction.atomic
def action_create(
    *, report: IncidentReport, actor, description: str, owner, due_on, request=None
) -> CaseAction:
    errors = {}
    if not (description or "").strip():
        errors["description"] = "Enter the action"
    if owner is None:
        errors["owner"] = "Choose who owns the action"
    elif not handlers_for_case(report=report).filter(pk=owner.pk).exists():
        errors["owner"] = "Choose a handler at this organisation who is not excluded from the case"
    if due_on is None:
        errors["due_on"] = "Enter the due date"
    if errors:
        raise ValidationError(errors)
    action = CaseAction.objects.create(
        report=report, description=description.strip(), owner=owner, due_on=due_on
    )
    audit(action="incident.action_added", obj=report, actor=actor, request=request, summary=report.reference)
    return action


@transaction.atomic
def action_complete(*, action: CaseAction, actor, request=None) -> CaseAction:
    if action.completed_at is not None:
        raise ValidationError("This action is already done")
    action.completed_at = timezone.now()
    action.save(update_fields=["completed_at"])
    audit(
        action="incident.action_completed",
        obj=action.report,
        actor=actor,
        request=request,
        summary=action.report.reference,
    )
    return action
