"""An integrated team in the demo world: the discharge to assess team inside the Riverside discharge arrangement,
with staff of the trust and of the council, and a council social worker as its lead. Built through the services,
as the HR administrators of each partner would."""

from __future__ import annotations

import datetime

from demo.workforce.employers import COUNCIL, COUNCIL_HR, TRUST, TRUST_HR
from workforce import services
from workforce.models import Assignment, IntegratedTeam, JointArrangement

TEAM_NAME = "Discharge to assess team"
PER_PARTNER = 4


def seed_integrated_team(orgs, users, arrangements: list[JointArrangement], today) -> IntegratedTeam | None:
    arrangement = next(
        (a for a in arrangements if a.employer == orgs[TRUST] and a.place_of_work == orgs[COUNCIL]), None
    )
    if arrangement is None or arrangement.teams.filter(name=TEAM_NAME).exists():
        return None
    team = services.integrated_team_create(
        actor=users[TRUST_HR],
        arrangement=arrangement,
        name=TEAM_NAME,
        purpose="Assesses people at home after a hospital stay and arranges reablement, nursing and care together.",
    )
    joined = today - datetime.timedelta(days=45)
    council_members = []
    for organisation, actor in ((orgs[TRUST], users[TRUST_HR]), (orgs[COUNCIL], users[COUNCIL_HR])):
        assignments = (
            Assignment.objects.filter(
                employment__employer=organisation,
                is_primary=True,
                start_date__lte=joined,
                end_date__isnull=True,
            )
            .select_related("person", "post", "employment__employer")
            .order_by("pk")
        )
        seen = set()
        for assignment in assignments:
            if assignment.person_id in seen:
                continue
            seen.add(assignment.person_id)
            member = services.integrated_team_member_add(
                actor=actor, team=team, assignment=assignment, start_date=joined
            )
            if organisation == orgs[COUNCIL]:
                council_members.append(member.person)
            if len(seen) == PER_PARTNER:
                break
    if council_members:
        services.integrated_team_lead_set(actor=users[TRUST_HR], team=team, lead=council_members[0])
    return team
