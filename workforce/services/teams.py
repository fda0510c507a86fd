"""Integrated multi-disciplinary teams: set one up inside a joint arrangement, add members employed by its
partners, end a membership, and name the lead."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cms.audit import audit

from ..models import Assignment, IntegratedTeam, IntegratedTeamMember, JointArrangement, Person
from ..selectors.access import is_hr_admin
from .organisations import not_member_message


@transaction.atomic
def integrated_team_create(
    *, actor, arrangement: JointArrangement, name: str, purpose: str = ""
) -> IntegratedTeam:
    """HR administrators of the arrangement's legal employer set up its teams."""
    if not is_hr_admin(user=actor, organisation=arrangement.employer):
        raise PermissionDenied(not_member_message(arrangement.employer))
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the team's name"})
    if arrangement.teams.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"{arrangement.title} already has a team called {name}"})
    team = IntegratedTeam(arrangement=arrangement, name=name, purpose=purpose.strip(), created_by=actor)
    team._history_user = actor
    team.save()
    audit(
        action="workforce.team.created",
        actor=actor,
        obj=team,
        summary=f"Integrated team {team.pk} set up in joint arrangement {arrangement.pk}",
    )
    return team


@transaction.atomic
def integrated_team_member_add(
    *, actor, team: IntegratedTeam, assignment: Assignment, start_date: datetime.date
) -> IntegratedTeamMember:
    """A partner's HR administrator adds one of their staff, through the assignment open on the start date."""
    employer = assignment.employment.employer
    errors: dict[str, str] = {}
    partners = set(team.arrangement.partners.values_list("organisation_id", flat=True))
    if employer.pk not in partners:
        errors["employer"] = f"{employer.display_name} is not a partner in {team.arrangement.title}"
    elif not is_hr_admin(user=actor, organisation=employer):
        errors["employer"] = not_member_message(employer)
    if not assignment.is_open_on(start_date):
        errors["start_date"] = f"{assignment.person.full_name} is not in {assignment.post.title} on that date"
    already = team.members.filter(person=assignment.person, end_date__isnull=True).exists()
    if already:
        errors["staff_number"] = f"{assignment.person.full_name} is already in the team"
    if errors:
        raise ValidationError(errors)
    member = IntegratedTeamMember(
        team=team, person=assignment.person, assignment=assignment, start_date=start_date
    )
    member._history_user = actor
    member.save()
    audit(
        action="workforce.team.member_added",
        actor=actor,
        obj=member,
        summary=f"Person {assignment.person_id} joined integrated team {team.pk} from {start_date:%-d %B %Y}",
    )
    return member


@transaction.atomic
def integrated_team_member_end(*, actor, member: IntegratedTeamMember, end_date: datetime.date) -> None:
    """The member's employer or the arrangement's employer ends a membership. The team loses its lead with it."""
    member = (
        IntegratedTeamMember.objects.select_for_update(of=("self",))
        .select_related("team__arrangement")
        .get(pk=member.pk)
    )
    employer = member.assignment.employment.employer
    if not (
        is_hr_admin(user=actor, organisation=employer)
        or is_hr_admin(user=actor, organisation=member.team.arrangement.employer)
    ):
        raise PermissionDenied(not_member_message(employer))
    if member.end_date is not None:
        raise ValidationError({"end_date": f"{member.person.full_name} already left the team"})
    if end_date < member.start_date:
        raise ValidationError(
            {"end_date": f"The end date must be on or after they joined, {member.start_date:%-d %B %Y}"}
        )
    member.end_date = end_date
    member._history_user = actor
    member.save(update_fields=["end_date"])
    team = member.team
    if team.lead_id == member.person_id:
        team.lead = None
        team._history_user = actor
        team.save(update_fields=["lead"])
    audit(
        action="workforce.team.member_ended",
        actor=actor,
        obj=member,
        summary=f"Person {member.person_id} left integrated team {team.pk} on {end_date:%-d %B %Y}",
    )


@transaction.atomic
def integrated_team_lead_set(*, actor, team: IntegratedTeam, lead: Person | None) -> None:
    """The arrangement's employer names the lead, who must be a current member (of any partner)."""
    if not is_hr_admin(user=actor, organisation=team.arrangement.employer):
        raise PermissionDenied(not_member_message(team.arrangement.employer))
    if lead is not None and not team.members.filter(person=lead, end_date__isnull=True).exists():
        raise ValidationError({"lead": f"{lead.full_name} is not a member of the team"})
    team.lead = lead
    team._history_user = actor
    team.save(update_fields=["lead"])
    audit(
        action="workforce.team.lead_set",
        actor=actor,
        obj=team,
        summary=f"Lead of integrated team {team.pk}: person {lead.pk if lead else 'none'}",
    )
