"""Integrated teams: which the user may see, who is in them on a day, and the figures the reports count."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Q, QuerySet

from ..models import Assignment, IntegratedTeam, IntegratedTeamMember, Organisation, SectorMove
from ..vocabulary import MoveStatus
from .access import get_or_refuse, hr_organisation_ids
from .arrangements import joint_arrangements_visible_to


def teams_visible_to(*, user) -> QuerySet[IntegratedTeam]:
    """Teams of the arrangements any of the user's organisations is a partner in."""
    return IntegratedTeam.objects.filter(
        arrangement__in=joint_arrangements_visible_to(user=user).values("pk")
    ).select_related("arrangement__employer", "lead")


def team_get_for_user(*, user, pk: int, request=None) -> IntegratedTeam:
    return get_or_refuse(teams_visible_to, user=user, pk=pk, request=request)


def _open_between(queryset, start: datetime.date, end: datetime.date):
    return queryset.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))


def team_members_on(*, team: IntegratedTeam, on_date: datetime.date) -> QuerySet[IntegratedTeamMember]:
    return _open_between(team.members.all(), on_date, on_date).select_related(
        "person", "assignment__post", "assignment__employment__employer"
    )


def team_member_assignment(
    *, user, employer: Organisation, staff_number: str, on_date: datetime.date
) -> Assignment | None:
    """The primary assignment, open on the day, of the person with this staff number at one of the user's
    organisations."""
    if employer.pk not in hr_organisation_ids(user=user):
        return None
    return (
        _open_between(Assignment.objects.all(), on_date, on_date)
        .filter(employment__employer=employer, employment__staff_number__iexact=staff_number.strip())
        .select_related("person", "post", "employment__employer")
        .order_by("-is_primary", "-start_date")
        .first()
    )


def team_can_manage(*, user, team: IntegratedTeam) -> bool:
    """HR administrators of the arrangement's legal employer set the team up and name its lead."""
    return team.arrangement.employer_id in hr_organisation_ids(user=user)


def team_figures(
    *, start: datetime.date, end: datetime.date, organisation_ids: list[int] | None
) -> list[dict]:
    """Each team's headcount at the end of the period (by the sector of the members' employers) and the
    confirmed moves its members made in the period (joining or leaving a partner counts; moves between sectors
    separately). Teams in scope are those of arrangements one of `organisation_ids` is a partner in."""
    teams = IntegratedTeam.objects.select_related("arrangement")
    if organisation_ids is not None:
        teams = teams.filter(arrangement__partners__organisation_id__in=organisation_ids).distinct()
    rows = []
    for team in teams.order_by("name", "pk"):
        members = list(
            _open_between(team.members.all(), end, end).values_list(
                "person_id", "assignment__employment__employer__sector"
            )
        )
        by_sector = Counter(sector for _, sector in set(members))
        people = _open_between(team.members.all(), start, end).values("person_id")
        moves = SectorMove.objects.filter(
            person_id__in=people, status=MoveStatus.CONFIRMED, effective_date__range=(start, end)
        )
        rows.append(
            {
                "team": team,
                "headcount": len({person for person, _ in members}),
                "health": by_sector.get("health", 0),
                "social_care": by_sector.get("social_care", 0),
                "moves": moves.count(),
                "cross_sector_moves": moves.filter(
                    Q(from_sector="health", to_sector="social_care")
                    | Q(from_sector="social_care", to_sector="health")
                ).count(),
            }
        )
    return rows


def integrated_team_headcount(*, on_date: datetime.date, organisation_ids: list[int] | None) -> int:
    """The people in any integrated team on the day (each counted once), in teams of arrangements one of
    `organisation_ids` is a partner in (every team for None)."""
    members = _open_between(IntegratedTeamMember.objects.all(), on_date, on_date)
    if organisation_ids is not None:
        members = members.filter(team__arrangement__partners__organisation_id__in=organisation_ids)
    return members.values("person_id").distinct().count()
