"""The workforce part of the demo world: people, posts, joint roles, moves and passports. All synthetic.

`seed` builds it in order: the HR logins (employers.py), what each employer accepts from the passport
(passports.py), Jo Pennant's journey, the team with its reporting lines and everyone else (people.py), their
credentials (passports.py), joint arrangements (joint_roles.py), moves (moves.py) and an integrated team
(teams.py).

NI numbers use the QQ prefix, which HMRC never issues. Idempotent: if the first demo person's match key is
already present the people are not built again; memberships, rules and the journey's fixtures are found by
natural key.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from demo.factories.workforce import synthetic_ni_number
from demo.workforce.employers import TRUST_HR, hr_users
from demo.workforce.joint_roles import seed_joint_arrangements
from demo.workforce.moves import seed_moves
from demo.workforce.passports import seed_acceptance_rules, seed_credentials, seed_journey_credentials
from demo.workforce.people import seed_journey, seed_people, seed_reporting_lines
from demo.workforce.teams import seed_integrated_team
from workforce.matching import person_match_key
from workforce.models import Person


@transaction.atomic
def seed(*, world, sizes: dict, stdout=None) -> None:
    rng = random.Random(sizes["seed"])  # nosec B311  # demo data, not security
    today = timezone.localdate()
    orgs = world.organisations
    users = hr_users(world)
    seed_acceptance_rules(orgs)
    first_key = person_match_key(
        ni_number=synthetic_ni_number(0), date_of_birth=datetime.date(1990, 1, 1), surname="Pennant"
    )
    if Person.objects.filter(match_key=first_key).exists():
        if stdout:
            stdout.write("Workforce demo already present.")
        return
    jo = seed_journey(orgs, first_key, today)
    seed_journey_credentials(jo, orgs, users, today)
    team = seed_reporting_lines(orgs, jo, today)
    people = seed_people(orgs, rng, sizes["people"] - len(team), today)
    seed_credentials(people + [jo], rng, today)
    arrangements = seed_joint_arrangements(orgs, users, today)
    count = seed_moves(orgs, users, people, arrangements, rng, today)
    seed_integrated_team(orgs, users, arrangements, today)
    if stdout:
        stdout.write(
            f"Workforce: {len(people) + 1} people, {len(arrangements)} joint arrangements, {count} moves. "
            f"Journey: {TRUST_HR} can move Jo Pennant (Harbourside Care) into post RV9-HCA-DEMO."
        )
