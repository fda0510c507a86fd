"""Support for the people affected: offers, their lifecycle (`SUPPORT_MOVES`) and check-ins."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.audit import audit
from cms.lifecycle import Lifecycle, Move

from ..models import SUPPORT_CHECK_IN_DAYS, IncidentReport, SupportCheckIn, SupportOffer


@transaction.atomic
def support_offer_create(
    *, report: IncidentReport, actor, staff_member: str, route: str, notes: str = "", request=None
) -> SupportOffer:
    if not staff_member.strip():
        raise ValidationError({"staff_member": "Enter who is offered support"})
    offer = SupportOffer(
        report=report, staff_member=staff_member.strip(), route=route, notes=notes, offered_by=actor
    )
    offer.full_clean()
    offer.save()
    audit(
        action="incident.support_offered", obj=report, actor=actor, request=request, summary=report.reference
    )
    return offer


# The labels are the answers to "What happened?" on the update form.
SUPPORT_MOVES = Lifecycle(
    [
        Move("accept", "Accepted", (SupportOffer.State.OFFERED,), SupportOffer.State.ACCEPTED),
        Move("decline", "Declined", (SupportOffer.State.OFFERED,), SupportOffer.State.DECLINED),
        Move("complete", "Completed", (SupportOffer.State.ACCEPTED,), SupportOffer.State.COMPLETED),
        Move(
            "escalate",
            "Escalated",
            (SupportOffer.State.OFFERED, SupportOffer.State.ACCEPTED),
            SupportOffer.State.ESCALATED,
        ),
    ],
    states=SupportOffer.State,
    wrong_state="Support that is {state} cannot be changed that way",
)


@transaction.atomic
def support_offer_update(
    *, offer: SupportOffer, actor, move: str, escalated_to: str = "", note: str = "", request=None
) -> SupportOffer:
    target = SUPPORT_MOVES.move(move, offer.state).target
    if move == "escalate" and not escalated_to.strip():
        raise ValidationError({"escalated_to": "Enter who the support was escalated to"})
    offer.state = target
    offer.decided_at = offer.decided_at or timezone.now()
    offer.escalated_to = escalated_to.strip()
    if note.strip():
        offer.notes = (offer.notes + "\n" + note.strip()).strip()
    offer.save()
    if move == "accept":
        today = timezone.localdate()
        SupportCheckIn.objects.bulk_create(
            SupportCheckIn(offer=offer, due_on=today + datetime.timedelta(days=days))
            for days in SUPPORT_CHECK_IN_DAYS
        )
    audit(
        action=f"incident.support_{move}",
        obj=offer.report,
        actor=actor,
        request=request,
        summary=offer.report.reference,
    )
    return offer


@transaction.atomic
def support_check_in_complete(
    *, check_in: SupportCheckIn, actor, note: str = "", request=None
) -> SupportCheckIn:
    if check_in.done_at is not None:
        raise ValidationError("This check-in is already recorded")
    check_in.done_at = timezone.now()
    check_in.note = note.strip()
    check_in.save()
    report = check_in.offer.report
    audit(
        action="incident.support_check_in", obj=report, actor=actor, request=request, summary=report.reference
    )
    return check_in
