"""The demo's people: Jo Pennant and the posts the journey needs, the team with reporting lines, and everyone
else, built in bulk with one employment, post and assignment each. NI numbers use the QQ prefix, which HMRC
never issues.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from demo.factories.workforce import PersonFactory, synthetic_ni_number
from demo.workforce.employers import CARE, CARE_HR, COUNCIL, TRUST, pay_for, reference_prefix
from workforce.matching import person_match_key
from workforce.models import Assignment, Employment, OrganisationType, Person, Post
from workforce.vocabulary import (
    JOB_ROLE_STAFF_GROUP,
    ContractType,
    JobRole,
    PayFramework,
    PostStatus,
)

SHARE_OF_PEOPLE = {
    TRUST: 30,
    "Wolds Community": 15,
    "Northern Coast Ambulance": 7,
    "R&W ICB": 3,
    "Ashgrove Practice": 2,
    COUNCIL: 8,
    "Wolds Council": 7,
    CARE: 10,
    "Brightwater Home Care": 8,
    "Meadowbank": 5,
    "St Aidan's Hospice": 4,
    "Carers Network": 1,
}
ROLES_BY_TYPE = {
    OrganisationType.NHS_FOUNDATION_TRUST: [JobRole.STAFF_NURSE] * 4
    + [JobRole.HEALTHCARE_ASSISTANT] * 3
    + [
        JobRole.CONSULTANT,
        JobRole.RESIDENT_DOCTOR,
        JobRole.PHYSIOTHERAPIST,
        JobRole.OCCUPATIONAL_THERAPIST,
        JobRole.ADMINISTRATOR,
        JobRole.NURSING_ASSOCIATE,
        JobRole.DISCHARGE_COORDINATOR,
    ],
    OrganisationType.NHS_TRUST: [JobRole.STAFF_NURSE] * 3
    + [JobRole.HEALTHCARE_ASSISTANT] * 2
    + [
        JobRole.OCCUPATIONAL_THERAPIST,
        JobRole.PHYSIOTHERAPIST,
        JobRole.ADMINISTRATOR,
        JobRole.SISTER_CHARGE_NURSE,
    ],
    OrganisationType.AMBULANCE_TRUST: [JobRole.PARAMEDIC] * 3 + [JobRole.ADMINISTRATOR],
    OrganisationType.INTEGRATED_CARE_BOARD: [
        JobRole.MANAGER,
        JobRole.ADMINISTRATOR,
        JobRole.JOINT_COMMISSIONER,
    ],
    OrganisationType.GP_PRACTICE: [JobRole.STAFF_NURSE, JobRole.ADMINISTRATOR, JobRole.PHARMACIST],
    OrganisationType.LOCAL_AUTHORITY: [JobRole.SOCIAL_WORKER] * 3
    + [
        JobRole.ASC_OCCUPATIONAL_THERAPIST,
        JobRole.SUPPORT_WORKER,
        JobRole.TRUSTED_ASSESSOR,
        JobRole.ADMINISTRATOR,
    ],
    OrganisationType.CARE_PROVIDER: [JobRole.CARE_WORKER] * 5
    + [JobRole.SENIOR_CARE_WORKER] * 2
    + [JobRole.REGISTERED_MANAGER, JobRole.ASC_REGISTERED_NURSE],
    OrganisationType.HOSPICE: [JobRole.STAFF_NURSE, JobRole.HEALTHCARE_ASSISTANT, JobRole.SUPPORT_WORKER],
    OrganisationType.VOLUNTARY: [JobRole.SUPPORT_WORKER, JobRole.ADMINISTRATOR],
}


def seed_journey(orgs, first_key, today) -> Person:
    """Jo Pennant, senior care worker at Harbourside Care, and the trust posts the journey needs."""
    trust, care = orgs[TRUST], orgs[CARE]
    jo = Person.objects.create(
        first_name="Jo", last_name="Pennant", date_of_birth=datetime.date(1990, 1, 1), match_key=first_key
    )
    employment = Employment.objects.create(
        person=jo, employer=care, start_date=datetime.date(2019, 9, 2), staff_number="HC-0001"
    )
    care_post = Post.objects.create(
        organisation=care,
        reference="HC-SCW-001",
        title="Senior care worker, Harbour View",
        job_role=JobRole.SENIOR_CARE_WORKER,
        staff_group=JOB_ROLE_STAFF_GROUP[JobRole.SENIOR_CARE_WORKER],
        pay_framework=PayFramework.LOCAL,
        status=PostStatus.FILLED,
    )
    Assignment.objects.create(
        employment=employment,
        person=jo,
        post=care_post,
        work_organisation=care,
        start_date=employment.start_date,
    )
    for reference, title, role, band in (
        ("RV9-HCA-DEMO", "Healthcare assistant, discharge lounge", JobRole.HEALTHCARE_ASSISTANT, "3"),
        ("RV9-JOINT-02", "Integrated discharge coordinator", JobRole.INTEGRATED_CARE_MANAGER, "7"),
    ):
        Post.objects.get_or_create(
            organisation=trust,
            reference=reference,
            defaults={
                "title": title,
                "job_role": role,
                "staff_group": JOB_ROLE_STAFF_GROUP[role],
                "pay_framework": PayFramework.AFC,
                "pay_band": band,
                "status": PostStatus.VACANT,
            },
        )
    return jo


# Reporting lines, so that naming a colleague in an incident report also shuts out their line management.
# first name, last name, work e-mail, organisation, job role, post title, reports to (work e-mail).
# Sam Whitlock, Chris Doyle and Grace Okafor are demo logins; Chris is a case handler at Riverside, so a report
# naming Kit Arden (security officer) is handled by Morgan Hale alone.
TEAM = (
    ("Owen", "Castell", "owen.castell@riverside-hospitals.example", TRUST, JobRole.MANAGER,
     "Head of nursing, emergency care", ""),
    ("Nadia", "Brook", "nadia.brook@riverside-hospitals.example", TRUST, JobRole.SISTER_CHARGE_NURSE,
     "Sister, emergency department", "owen.castell@riverside-hospitals.example"),
    ("Sam", "Whitlock", "nurse@riverside-hospitals.example", TRUST, JobRole.STAFF_NURSE,
     "Staff nurse, emergency department", "nadia.brook@riverside-hospitals.example"),
    ("Rhys", "Tanner", "rhys.tanner@riverside-hospitals.example", TRUST, JobRole.HEALTHCARE_ASSISTANT,
     "Healthcare assistant, emergency department", "nurse@riverside-hospitals.example"),
    ("Chris", "Doyle", "security.lead@riverside-hospitals.example", TRUST, JobRole.MANAGER,
     "Local security management specialist", ""),
    ("Kit", "Arden", "kit.arden@riverside-hospitals.example", TRUST, JobRole.ADMINISTRATOR,
     "Security officer", "security.lead@riverside-hospitals.example"),
    ("Grace", "Okafor", CARE_HR, CARE, JobRole.REGISTERED_MANAGER, "Registered manager, Harbour View", ""),
)  # fmt: skip
JO_WORK_EMAIL = "care.worker@harbourside-care.example"
TEAM_NI_START = 900_000  # clear of the numbers seed_people uses


def seed_reporting_lines(orgs, jo: Person, today) -> list[Person]:
    """The demo team with work e-mails and who each reports to; Jo Pennant reports to Grace Okafor."""
    team = {}
    for offset, (first, last, email, *_rest) in enumerate(TEAM):
        date_of_birth = datetime.date(1970 + offset * 3, 1 + offset, 10 + offset)
        team[email] = Person.objects.create(
            first_name=first,
            last_name=last,
            date_of_birth=date_of_birth,
            work_email=email,
            match_key=person_match_key(
                ni_number=synthetic_ni_number(TEAM_NI_START + offset),
                date_of_birth=date_of_birth,
                surname=last,
            ),
        )
    for offset, (_first, _last, email, short_name, role, title, manager) in enumerate(TEAM):
        organisation = orgs[short_name]
        start = today - datetime.timedelta(days=600 + 200 * offset)
        employment = Employment.objects.create(
            person=team[email],
            employer=organisation,
            start_date=start,
            staff_number=f"{reference_prefix(organisation)}-T{offset + 1:03d}",
            line_manager=team.get(manager),
        )
        framework, band = pay_for(organisation, role)
        post = Post.objects.create(
            organisation=organisation,
            reference=f"{reference_prefix(organisation)}-T{offset + 1:03d}",
            title=title,
            job_role=role,
            staff_group=JOB_ROLE_STAFF_GROUP[role],
            pay_framework=framework,
            pay_band=band,
            status=PostStatus.FILLED,
        )
        Assignment.objects.create(
            employment=employment,
            person=team[email],
            post=post,
            work_organisation=organisation,
            start_date=start,
        )
    jo.work_email = JO_WORK_EMAIL
    jo.save(update_fields=["work_email"])
    Employment.objects.filter(person=jo, employer=orgs[CARE]).update(line_manager=team[CARE_HR])
    return list(team.values())


def seed_people(orgs, rng, total, today) -> list[Person]:
    """Everyone else, built in bulk: one employment, post and assignment each."""
    weights = {name: share for name, share in SHARE_OF_PEOPLE.items() if name in orgs}
    names = list(weights)
    plan = rng.choices(names, weights=[weights[n] for n in names], k=max(total - 1, 0))
    built = []
    for index, short_name in enumerate(plan, start=1):
        person = PersonFactory.build(ni_number=synthetic_ni_number(index))
        built.append((person, orgs[short_name]))
    Person.objects.bulk_create([p for p, _ in built], batch_size=500)
    employments, posts = [], []
    for index, (person, organisation) in enumerate(built, start=1):
        role = rng.choice(ROLES_BY_TYPE[organisation.organisation_type])
        framework, band = pay_for(organisation, role)
        start = today - datetime.timedelta(days=rng.randint(400, 9 * 365))
        employments.append(
            Employment(
                person=person,
                employer=organisation,
                start_date=start,
                staff_number=f"{reference_prefix(organisation)}-{index:05d}",
                contract_type=rng.choices(
                    [ContractType.PERMANENT, ContractType.FIXED_TERM, ContractType.BANK], weights=[85, 10, 5]
                )[0],
            )
        )
        posts.append(
            Post(
                organisation=organisation,
                reference=f"{reference_prefix(organisation)}-{index:05d}",
                title=JobRole(role).label,
                job_role=role,
                staff_group=JOB_ROLE_STAFF_GROUP[role],
                pay_framework=framework,
                pay_band=band,
                fte=Decimal(rng.choice(["1.00", "1.00", "1.00", "0.80", "0.60"])),
                status=PostStatus.FILLED,
            )
        )
    bulk_create_with_history(employments, Employment, batch_size=500)
    bulk_create_with_history(posts, Post, batch_size=500)
    assignments = [
        Assignment(
            employment=e,
            person=e.person,
            post=p,
            work_organisation=p.organisation,
            fte=p.fte,
            start_date=e.start_date,
        )
        for e, p in zip(employments, posts, strict=True)
    ]
    bulk_create_with_history(assignments, Assignment, batch_size=500)
    return [p for p, _ in built]
