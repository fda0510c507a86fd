"""Moves started from the receiving end: an arrival from an organisation that does not use the system.

The receiving HR administrator records where the person came from (the organisation's name, its sector) and
why, against the assignment the person started with them. The start date is that assignment's, so it is never
typed twice, and the days from offer to start are worked out from the recorded dates.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.audit import audit

from ..models import Assignment, Organisation, SectorMove
from ..selectors.access import hr_organisation_ids
from ..vocabulary import DestinationSector, MoveStatus, MoveType
from .people import lock_person

# Arrivals from these have no sending organisation to name.
SECTORS_WITHOUT_ORGANISATION = {
    DestinationSector.NOT_IN_EMPLOYMENT,
    DestinationSector.RETIRED,
    DestinationSector.NOT_KNOWN,
    DestinationSector.REFUSED,
}


def _registered(name: str) -> Organisation | None:
    """An organisation that uses the system, by its name or one of its codes."""
    name = name.strip()
    if not name:
        return None
    return Organisation.objects.filter(
        Q(name__iexact=name) | Q(ods_code__iexact=name) | Q(cqc_provider_id__iexact=name)
    ).first()


@transaction.atomic
def sector_move_arrival_record(
    *,
    actor,
    assignment: Assignment,
    from_sector: str,
    reason: str,
    from_organisation_name: str = "",
    offer_date: datetime.date | None = None,
) -> SectorMove:
    """Record where someone who started in `assignment` came from. The move is confirmed at once: the
    receiving side is the one recording it, and nothing changes in the assignments."""
    lock_person(assignment.person)
    errors: dict[str, str] = {}
    scope = set(hr_organisation_ids(user=actor))
    if not ({assignment.work_organisation_id, assignment.employment.employer_id} & scope):
        errors["assignment"] = "Choose a post the person started at one of your organisations"
    elif SectorMove.objects.filter(to_assignment=assignment).exists():
        errors["assignment"] = f"The move into {assignment.post.title} is already recorded"
    if from_sector not in DestinationSector.values:
        errors["from_sector"] = "Select the sector the person came from"
    name = from_organisation_name.strip()
    if not name and from_sector and from_sector not in SECTORS_WITHOUT_ORGANISATION:
        errors["from_organisation_name"] = "Enter the name of the organisation the person came from"
    if not reason.strip():
        errors["reason"] = "Enter the reason for the move"
    if offer_date is not None and offer_date > assignment.start_date:
        errors["offer_date"] = (
            f"The offer date must be on or before the start date, {assignment.start_date:%-d %B %Y}"
        )
    registered = _registered(name)
    if registered is not None and registered.pk == assignment.work_organisation_id:
        errors["from_organisation_name"] = "The person cannot arrive from the organisation they are joining"
    if errors:
        raise ValidationError(errors)

    receiver = assignment.work_organisation
    move = SectorMove(
        person=assignment.person,
        move_type=MoveType.PERMANENT,
        status=MoveStatus.CONFIRMED,
        from_organisation=registered,
        from_organisation_name="" if registered else name,
        from_sector=registered.sector if registered else from_sector,
        to_organisation=receiver,
        to_sector=receiver.sector,
        to_post=assignment.post,
        to_assignment=assignment,
        staff_group=assignment.post.staff_group,
        offer_date=offer_date,
        effective_date=assignment.start_date,
        days_offer_to_start=(assignment.start_date - offer_date).days if offer_date else None,
        reason=reason.strip(),
        recorded_by=actor,
        recorded_by_receiver=True,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    move._history_user = actor
    move.save()
    audit(
        action="workforce.move.arrival_recorded",
        actor=actor,
        obj=move,
        summary=f"Arrival of person {assignment.person_id} at {receiver.name} from {move.from_display}",
        detail={"from_sector": move.from_sector, "sender_registered": registered is not None},
    )
    return move
