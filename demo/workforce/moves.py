"""Sector moves in the demo: every move type, spread over the last year, recorded and confirmed through the
workforce services by each side's HR administrator.
"""

from __future__ import annotations

import datetime

from demo.workforce.employers import (
    CARE,
    CARE_HR,
    COUNCIL,
    COUNCIL_HR,
    EXTRA_HR,
    TRUST,
    TRUST_HR,
    pay_for,
    reference_prefix,
)
from workforce import services
from workforce.models import Assignment, Person, Post, SectorMove
from workforce.vocabulary import JOB_ROLE_STAFF_GROUP, JobRole, MoveStatus, MoveType, PostStatus


def seed_moves(orgs, users, people, arrangements, rng, today) -> int:
    """Moves of every type, spread over the last year, recorded and confirmed through the services."""
    hr_for = {
        TRUST: TRUST_HR,
        COUNCIL: COUNCIL_HR,
        CARE: CARE_HR,
        "Wolds Community": EXTRA_HR[0][0],
        "Brightwater Home Care": EXTRA_HR[1][0],
    }
    by_org: dict[str, list[Person]] = {name: [] for name in hr_for}
    current = {a.person_id: a for a in Assignment.objects.filter(person__in=people).select_related("post")}
    short_names = {org.pk: name for name, org in orgs.items()}
    for person in people:
        name = short_names.get(current[person.pk].work_organisation_id)
        if name in by_org:
            by_org[name].append(person)
    for group in by_org.values():
        rng.shuffle(group)

    vacancies = {name: [] for name in hr_for}

    def vacancy(short_name, role):
        post = Post.objects.create(
            organisation=orgs[short_name],
            reference=f"{reference_prefix(orgs[short_name])}-V{len(vacancies[short_name]) + 1:04d}",
            title=JobRole(role).label,
            job_role=role,
            staff_group=JOB_ROLE_STAFF_GROUP[role],
            pay_framework=pay_for(orgs[short_name], role)[0],
            pay_band=pay_for(orgs[short_name], role)[1],
            status=PostStatus.VACANT,
        )
        vacancies[short_name].append(post)
        return post

    count = 0

    def move(person, move_type, from_name, to_name=None, *, days_ago, to_role=None, confirm=True, **extra):
        nonlocal count
        effective = today - datetime.timedelta(days=days_ago)
        assignment = (
            Assignment.objects.filter(person=person, end_date__isnull=True).select_related("post").first()
        )
        kwargs = {}
        if to_name and move_type not in (MoveType.SECONDMENT_RETURN, MoveType.SECONDMENT_EXTEND):
            kwargs = {"to_organisation": orgs[to_name], "to_post": vacancy(to_name, to_role)}
        recorded = services.sector_move_record(
            actor=users[hr_for[from_name]],
            person=person,
            move_type=move_type,
            from_post=assignment.post,
            effective_date=effective,
            offer_date=effective - datetime.timedelta(days=rng.randint(14, 70)),
            reason=extra.pop("reason", "Career development"),
            **kwargs,
            **extra,
        )
        count += 1
        if confirm and recorded.status == MoveStatus.RECORDED:
            services.sector_move_confirm(
                move=recorded, actor=users[hr_for[short_names[recorded.to_organisation_id]]]
            )
        return recorded

    def take(name, n):
        return [by_org[name].pop() for _ in range(min(n, len(by_org[name])))]

    # Social care into the NHS, mostly care workers becoming healthcare assistants.
    for person in take(CARE, 6) + take("Brightwater Home Care", 4):
        source = short_names[current[person.pk].work_organisation_id]
        move(
            person,
            MoveType.PERMANENT,
            source,
            rng.choice([TRUST, "Wolds Community"]),
            days_ago=rng.randint(5, 360),
            to_role=JobRole.HEALTHCARE_ASSISTANT,
            reason="Moving into an NHS healthcare assistant role",
        )
    # The NHS into social care.
    for person in take(TRUST, 4) + take("Wolds Community", 2):
        source = short_names[current[person.pk].work_organisation_id]
        move(
            person,
            MoveType.PERMANENT,
            source,
            rng.choice([COUNCIL, CARE]),
            days_ago=rng.randint(5, 360),
            to_role=rng.choice(
                [JobRole.ASC_REGISTERED_NURSE, JobRole.SOCIAL_WORKER, JobRole.REGISTERED_MANAGER]
            ),
            reason="Moving into social care",
        )
    # Secondments: start, extend, return (which restores the home post).
    for person in take(TRUST, 3):
        move(
            person,
            MoveType.SECONDMENT_START,
            TRUST,
            COUNCIL,
            days_ago=330,
            to_role=JobRole.TRUSTED_ASSESSOR,
            end_date=today + datetime.timedelta(days=30),
            reason="Secondment to the council's discharge team",
        )
    seconded = list(SectorMove.objects.filter(move_type=MoveType.SECONDMENT_START).select_related("person"))
    if seconded:
        move(
            seconded[0].person,
            MoveType.SECONDMENT_EXTEND,
            COUNCIL,
            days_ago=20,
            end_date=today + datetime.timedelta(days=120),
            reason="Extended for winter",
        )
    if len(seconded) > 1:
        move(seconded[1].person, MoveType.SECONDMENT_RETURN, COUNCIL, days_ago=40, reason="Secondment ended")
    # Rotation, TUPE and joint roles.
    for person in take(TRUST, 2):
        move(
            person,
            MoveType.ROTATION,
            TRUST,
            "Wolds Community",
            days_ago=rng.randint(30, 200),
            to_role=JobRole.STAFF_NURSE,
            end_date=today + datetime.timedelta(days=90),
            reason="Rotational nursing programme",
        )
    for person in take(COUNCIL, 2):
        move(
            person,
            MoveType.TUPE,
            COUNCIL,
            CARE,
            days_ago=250,
            to_role=JobRole.SUPPORT_WORKER,
            reason="Council supported-living service transferred to Harbourside Care",
        )
    if len(arrangements) > 1:
        for person in take(COUNCIL, 1):
            move(
                person,
                MoveType.JOINT_ROLE_START,
                COUNCIL,
                days_ago=200,
                joint_arrangement=arrangements[0],
                reason="Appointed to the joint discharge lead role",
            )
        for person in take(COUNCIL, 1):
            move(
                person,
                MoveType.JOINT_ROLE_START,
                COUNCIL,
                days_ago=280,
                joint_arrangement=arrangements[1],
                reason="Appointed as trusted assessor",
            )
            move(
                person,
                MoveType.JOINT_ROLE_END,
                COUNCIL,
                COUNCIL,
                days_ago=60,
                to_role=JobRole.SOCIAL_WORKER,
                reason="Trusted assessor pilot ended; back to the council's social work team",
            )
    # Leavers, with the destination sector recorded at the sending end.
    for person, destination in zip(
        take(CARE, 3) + take(TRUST, 3),
        ["health", "retired", "not_known", "social_care", "education", "health"],
        strict=False,
    ):
        source = short_names[current[person.pk].work_organisation_id]
        move(
            person,
            MoveType.LEAVER,
            source,
            days_ago=rng.randint(5, 300),
            destination_sector=destination,
            reason="Resigned",
        )
    # One move waiting for the trust to confirm, so the confirmation screen has something to show.
    for person in take(CARE, 1):
        move(
            person,
            MoveType.PERMANENT,
            CARE,
            TRUST,
            days_ago=-14,
            to_role=JobRole.HEALTHCARE_ASSISTANT,
            confirm=False,
            reason="Offered a healthcare assistant post",
        )
    return count
