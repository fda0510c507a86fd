"""Sector moves: the sending organisation records a move, the receiving one confirms the arrival."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.audit import audit

from ..models import Assignment, Employment, JointArrangement, Organisation, Person, Post, SectorMove
from ..selectors.access import is_hr_admin
from ..selectors.passport import passport_evaluate
from ..selectors.people import person_current_assignments
from ..vocabulary import AssignmentKind, CredentialStatus, MoveStatus, MoveType
from .organisations import not_member_message
from .passport import credential_reliances_record
from .people import lock_person
from .posts import assignment_close, assignment_create

MOVES_NEEDING_END_DATE = {MoveType.SECONDMENT_START, MoveType.SECONDMENT_EXTEND, MoveType.ROTATION}

MOVES_FROM_SECONDMENT = {MoveType.SECONDMENT_EXTEND, MoveType.SECONDMENT_RETURN}


def _day_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)


@transaction.atomic
def sector_move_record(
    *,
    actor,
    person: Person,
    move_type: str,
    from_post: Post,
    effective_date: datetime.date,
    reason: str,
    to_organisation: Organisation | None = None,
    to_post: Post | None = None,
    end_date: datetime.date | None = None,
    offer_date: datetime.date | None = None,
    destination_sector: str = "",
    joint_arrangement: JointArrangement | None = None,
) -> SectorMove:
    """The sending organisation records a move. Leavers take effect at once; others wait for the receiver."""
    person = lock_person(person)
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    current = {
        a.post_id: a for a in person_current_assignments(person=person, on_date=_day_before(effective_date))
    }
    from_assignment = current.get(from_post.pk)
    if from_assignment is None:
        posts = ", ".join(sorted(a.post.title for a in current.values())) or "none"
        add(
            "from_post",
            f"{from_post.title} is not {person.full_name}'s current post. Their current posts: {posts}",
        )
    from_organisation = from_assignment.work_organisation if from_assignment else from_post.organisation
    if from_assignment is not None and not (
        is_hr_admin(user=actor, organisation=from_organisation)
        or is_hr_admin(user=actor, organisation=from_assignment.employment.employer)
    ):
        add("from_post", not_member_message(from_organisation))
    if not reason.strip():
        add("reason", "Enter the reason for the move")
    if offer_date is not None and offer_date > effective_date:
        add("offer_date", "The offer date must be on or before the start date")
    if end_date is not None and end_date <= effective_date:
        add("end_date", "The end date must be after the start date")
    if move_type in MOVES_NEEDING_END_DATE and end_date is None:
        add("end_date", "Enter the planned end date")
    if move_type == MoveType.JOINT_ROLE_START and joint_arrangement is None:
        add("joint_arrangement", "Choose the joint arrangement the person is joining")

    if move_type == MoveType.LEAVER:
        to_organisation, to_post = None, None
        if not destination_sector:
            add("destination_sector", "Select where the person is going, or 'Not known'")
        to_sector = destination_sector
    else:
        if move_type in MOVES_FROM_SECONDMENT and from_assignment is not None:
            home = from_assignment.home_assignment
            if home is None:
                add("from_post", f"{from_post.title} is not a secondment or rotation")
            elif move_type == MoveType.SECONDMENT_RETURN:
                to_organisation, to_post = home.work_organisation, home.post
            else:
                to_organisation, to_post = from_organisation, from_post
                if (
                    from_assignment.planned_end_date
                    and end_date
                    and end_date <= from_assignment.planned_end_date
                ):
                    add("end_date", "The new end date must be after the current planned end date")
        if joint_arrangement is not None and to_post is None:
            to_post = joint_arrangement.post
            to_organisation = to_organisation or joint_arrangement.employer
        if to_organisation is None:
            add("to_organisation", "Select the organisation the person is moving to")
        if to_post is None:
            add("to_post", "Select the post the person is moving to")
        elif (
            to_organisation is not None
            and to_post.organisation_id != to_organisation.pk
            and not (joint_arrangement is not None and to_post.pk == joint_arrangement.post_id)
        ):
            add("to_post", f"{to_post.title} is not a post at {to_organisation.display_name}")
        to_sector = to_organisation.sector if to_organisation else ""

    if not errors:
        pending = SectorMove.objects.filter(person=person, status=MoveStatus.RECORDED).first()
        if pending is not None:
            add(
                "effective_date", f"{person.full_name} already has a move waiting for confirmation: {pending}"
            )
        later = (
            Assignment.objects.filter(person=person, is_primary=True, start_date__gte=effective_date)
            .exclude(pk=from_assignment.pk)
            .first()
        )
        if later is not None:
            add(
                "effective_date",
                f"This overlaps {person.full_name}'s assignment to {later.post.title} from "
                f"{later.start_date:%d %B %Y}",
            )
    if errors:
        raise ValidationError(errors)

    move = SectorMove(
        person=person,
        move_type=move_type,
        from_organisation=from_organisation,
        from_sector=from_organisation.sector,
        from_post=from_post,
        from_assignment=from_assignment,
        to_organisation=to_organisation,
        to_sector=to_sector,
        to_post=to_post,
        staff_group=from_post.staff_group,
        joint_arrangement=joint_arrangement,
        offer_date=offer_date,
        effective_date=effective_date,
        end_date=end_date,
        days_offer_to_start=(effective_date - offer_date).days if offer_date else None,
        reason=reason.strip(),
        recorded_by=actor,
    )
    move._history_user = actor
    move.save()
    audit(
        action="workforce.move.recorded",
        actor=actor,
        obj=move,
        summary=f"{move.get_move_type_display()} of person {person.pk} recorded by {from_organisation.name}",
    )
    if move_type == MoveType.LEAVER:
        assignment_close(from_assignment, last_day=_day_before(effective_date))
        employment = from_assignment.employment
        if not employment.assignments.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=effective_date)
        ).exists():
            employment.end_date = _day_before(effective_date)
            employment.save(update_fields=["end_date"])
        move.status = MoveStatus.CONFIRMED
        move.save(update_fields=["status"])
    return move


def _employment_at(person: Person, employer: Organisation, start: datetime.date, **fields) -> Employment:
    existing = (
        Employment.objects.filter(person=person, employer=employer, start_date__lte=start)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .first()
    )
    return existing or Employment.objects.create(person=person, employer=employer, start_date=start, **fields)


@transaction.atomic
def sector_move_confirm(*, move: SectorMove, actor) -> SectorMove:
    """The receiving organisation confirms the arrival: the assignments change and the passport is applied."""
    move = (
        SectorMove.objects.select_for_update(of=("self",))
        .select_related("from_assignment__employment")
        .get(pk=move.pk)
    )
    if move.status != MoveStatus.RECORDED:
        raise ValidationError("This move has already been confirmed")
    if not is_hr_admin(user=actor, organisation=move.to_organisation):
        raise PermissionDenied(not_member_message(move.to_organisation))
    person = lock_person(move.person)
    start, last_day = move.effective_date, _day_before(move.effective_date)
    source = move.from_assignment
    if source.end_date is not None and source.end_date < last_day:
        raise ValidationError(f"{person.full_name} left {source.post.title} on {source.end_date:%d %B %Y}")

    checks = passport_evaluate(
        person=person, organisation=move.to_organisation, job_role=move.to_post.job_role, on_date=start
    )
    new_assignment = None
    if move.move_type == MoveType.SECONDMENT_EXTEND:
        source.planned_end_date = move.end_date
        source.save(update_fields=["planned_end_date"])
        new_assignment = source
    elif move.move_type == MoveType.SECONDMENT_RETURN:
        home = source.home_assignment
        assignment_close(source, last_day=last_day)
        new_assignment = assignment_create(
            employment=home.employment,
            post=home.post,
            work_organisation=home.work_organisation,
            kind=home.kind,
            is_primary=home.is_primary,
            fte=home.fte,
            start_date=start,
            actor=actor,
        )
    elif move.move_type in (MoveType.SECONDMENT_START, MoveType.ROTATION):
        # The employer does not change: the person is placed with the host and keeps a right to return.
        assignment_close(source, last_day=last_day)
        new_assignment = assignment_create(
            employment=source.employment,
            post=move.to_post,
            work_organisation=move.to_organisation,
            kind=AssignmentKind.SECONDED_IN
            if move.move_type == MoveType.SECONDMENT_START
            else AssignmentKind.ROTATION,
            fte=source.fte,
            start_date=start,
            planned_end_date=move.end_date,
            home_assignment=source,
            actor=actor,
        )
    else:
        arrangement = move.joint_arrangement
        employer = arrangement.employer if arrangement else move.to_organisation
        assignment_close(source, last_day=last_day)
        old_employment = source.employment
        if (
            old_employment.employer_id != employer.pk
            and not old_employment.assignments.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=start)
            ).exists()
        ):
            old_employment.end_date = last_day
            old_employment.save(update_fields=["end_date"])
        employment = _employment_at(person, employer, start, tupe_protected=move.move_type == MoveType.TUPE)
        new_assignment = assignment_create(
            employment=employment,
            post=move.to_post,
            work_organisation=arrangement.place_of_work if arrangement else move.to_organisation,
            kind=AssignmentKind.JOINT_SHARE
            if move.move_type == MoveType.JOINT_ROLE_START
            else AssignmentKind.SUBSTANTIVE,
            fte=source.fte,
            start_date=start,
            actor=actor,
        )

    reused = [c.credential for c in checks if c.reused]
    move.credentials_reused.set(reused)
    for credential in reused:
        if credential.status == CredentialStatus.ISSUED:
            credential.status = CredentialStatus.ACCEPTED
            credential.save(update_fields=["status"])
    credential_reliances_record(credentials=reused, organisation=move.to_organisation)
    move.checks_repeated = [{"check": c.label, "reason": c.reason} for c in checks if not c.reused]
    move.to_assignment = new_assignment
    move.status = MoveStatus.CONFIRMED
    move.confirmed_by = actor
    move.confirmed_at = timezone.now()
    move._history_user = actor
    move.save()
    audit(
        action="workforce.move.confirmed",
        actor=actor,
        obj=move,
        summary=f"{move.get_move_type_display()} of person {person.pk} confirmed by {move.to_organisation.name}",
        detail={"reused": len(reused), "repeated": len(move.checks_repeated)},
    )
    return move
