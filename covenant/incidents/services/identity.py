"""Learning who made a confidential report: a handler asks, an identity custodian decides."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cms.access import require_permission
from cms.audit import audit

from ..models import IdentityDisclosureRequest, IncidentReport, ReportingMode
from ..roles import DECIDE_IDENTITY_DISCLOSURE


@transaction.atomic
def disclosure_request_create(
    *, report: IncidentReport, actor, reason: str, request=None
) -> IdentityDisclosureRequest:
    if report.mode != ReportingMode.CONFIDENTIAL or report.reporter_id is None:
        raise ValidationError("Only a confidential report has an identity that can be revealed")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter the lawful reason you need to know who made the report"})
    if report.disclosure_requests.filter(
        requested_by=actor, state=IdentityDisclosureRequest.State.REQUESTED
    ).exists():
        raise ValidationError("You already have a request waiting for a decision")
    disclosure = IdentityDisclosureRequest.objects.create(
        report=report, requested_by=actor, reason=reason.strip()
    )
    audit(
        action="incident.identity_requested",
        request=request,
        actor=actor,
        obj=report,
        summary=f"Identity disclosure requested on {report.reference}",
        detail={"request": disclosure.pk},
    )
    return disclosure


@transaction.atomic
def disclosure_decide(
    *, disclosure: IdentityDisclosureRequest, actor, authorise: bool, note: str, request=None
) -> IdentityDisclosureRequest:
    require_permission(actor, DECIDE_IDENTITY_DISCLOSURE)
    if disclosure.state != IdentityDisclosureRequest.State.REQUESTED:
        raise ValidationError("This request has already been decided")
    if actor.pk == disclosure.requested_by_id:
        raise PermissionDenied("You cannot decide your own request")
    if not (note or "").strip():
        raise ValidationError({"note": "Enter the reason for your decision"})
    disclosure.state = (
        IdentityDisclosureRequest.State.AUTHORISED if authorise else IdentityDisclosureRequest.State.DENIED
    )
    disclosure.decided_by = actor
    disclosure.decided_at = timezone.now()
    disclosure.decision_note = note.strip()
    disclosure.save()
    audit(
        action="incident.identity_authorised" if authorise else "incident.identity_denied",
        request=request,
        actor=actor,
        obj=disclosure.report,
        summary=f"Identity disclosure {disclosure.state} on {disclosure.report.reference}",
        detail={"request": disclosure.pk, "requested_by": disclosure.requested_by_id},
    )
    return disclosure
