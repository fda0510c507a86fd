"""The workforce part of the demo world: people, posts, joint roles, moves and passports. All synthetic.

NI numbers use the QQ prefix, which HMRC never issues. Idempotent: if the first demo person's match key is
already present the people are not built again; memberships, rules and the journey's fixtures are found by
natural key.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cms.accounts.models import User
from demo.factories.cms import UserFactory
from demo.factories.workforce import PersonFactory, synthetic_ni_number
from workforce import services
from workforce.matching import person_match_key
from workforce.models import (
    AcceptanceRule,
    Assignment,
    Employment,
    JointArrangement,
    Organisation,
    OrganisationType,
    PassportCredential,
    Person,
    Post,
    SectorMove,
)
from workforce.vocabulary import (
    JOB_ROLE_STAFF_GROUP,
    ContractType,
    CredentialKind,
    CredentialStatus,
    DBSLevel,
    JobRole,
    LegalModel,
    MoveStatus,
    MoveType,
    PartnerRole,
    PayFramework,
    PostStatus,
)

TRUST, COUNCIL, CARE = "Riverside Hospitals", "Riverside Council", "Harbourside Care"
TRUST_HR = "hr.admin@riverside-hospitals.example"
COUNCIL_HR = "hr.admin@riverside-council.example"
CARE_HR = "hr.admin@harbourside-care.example"
# HR administrators for two more organisations, so the demo has moves beyond the three main ones.
EXTRA_HR = (
    ("hr.admin@wolds-community.example", "Wolds Community"),
    ("hr.admin@brightwater.example", "Brightwater Home Care"),
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
AFC_BAND = {
    JobRole.STAFF_NURSE: "5",
    JobRole.SISTER_CHARGE_NURSE: "6",
    JobRole.HEALTHCARE_ASSISTANT: "3",
    JobRole.NURSING_ASSOCIATE: "4",
    JobRole.PHYSIOTHERAPIST: "6",
    JobRole.OCCUPATIONAL_THERAPIST: "6",
    JobRole.PARAMEDIC: "6",
    JobRole.PHARMACIST: "7",
    JobRole.ADMINISTRATOR: "3",
    JobRole.MANAGER: "8a",
    JobRole.DISCHARGE_COORDINATOR: "5",
    JobRole.JOINT_COMMISSIONER: "8b",
    JobRole.INTEGRATED_CARE_MANAGER: "8a",
}
TRAINING = ("Safeguarding adults level 2", "Moving and handling", "Infection prevention and control")
CLINICAL_OR_CARE = {
    "nursing",
    "ahp",
    "clinical_support",
    "ambulance",
    "medical",
    "asc_direct_care",
    "asc_regulated",
    "asc_managerial",
}


def _pay(organisation: Organisation, role: str) -> tuple[str, str]:
    if organisation.sector == "health" and organisation.organisation_type != OrganisationType.GP_PRACTICE:
        if role in (JobRole.CONSULTANT, JobRole.RESIDENT_DOCTOR):
            return PayFramework.MEDICAL, ""
        return PayFramework.AFC, AFC_BAND.get(role, "4")
    if organisation.organisation_type == OrganisationType.LOCAL_AUTHORITY:
        return PayFramework.NJC, "SCP 20-25"
    return PayFramework.LOCAL, ""


def _code(organisation: Organisation) -> str:
    return organisation.ods_code or organisation.cqc_provider_id.replace("1-", "C") or f"ORG{organisation.pk}"


@transaction.atomic
def seed(*, world, sizes: dict, stdout=None) -> None:
    rng = random.Random(sizes["seed"])  # nosec B311  # demo data, not security
    today = timezone.localdate()
    orgs = world.organisations
    users = _hr_users(world)
    _acceptance_rules(orgs)
    first_key = person_match_key(
        ni_number=synthetic_ni_number(0), date_of_birth=datetime.date(1990, 1, 1), surname="Pennant"
    )
    if Person.objects.filter(match_key=first_key).exists():
        if stdout:
            stdout.write("Workforce demo already present.")
        return
    jo = _journey_fixtures(orgs, first_key, today)
    team = _reporting_lines(orgs, jo, today)
    people = _people(orgs, rng, sizes["people"] - len(team), today)
    _credentials(people + [jo], rng, today)
    arrangements = _joint_arrangements(orgs, users, today)
    count = _moves(orgs, users, people, arrangements, rng, today)
    if stdout:
        stdout.write(
            f"Workforce: {len(people) + 1} people, {len(arrangements)} joint arrangements, {count} moves. "
            f"Journey: {TRUST_HR} can move Jo Pennant (Harbourside Care) into post RV9-HCA-DEMO."
        )


def _hr_users(world) -> dict[str, User]:
    users = {email: world.users[email] for email in (TRUST_HR, COUNCIL_HR, CARE_HR)}
    orgs = world.organisations
    # The trust's HR admin also acts for Harbourside Care in the demo, so one login can walk the whole journey:
    # record the move as the sending side, confirm it as the receiving side.
    services.membership_grant(user=users[TRUST_HR], organisation=orgs[CARE], role="hr_admin")
    for email, short_name in EXTRA_HR:
        user = User.objects.filter(email=email).first() or UserFactory(
            email=email, first_name="Demo", last_name="HR", job_title="HR adviser"
        )
        services.membership_grant(user=user, organisation=orgs[short_name], role="hr_admin")
        users[email] = user
    return users


def _acceptance_rules(orgs) -> None:
    rules = [
        (
            TRUST,
            CredentialKind.DBS,
            "",
            {"minimum_dbs_level": DBSLevel.ENHANCED, "requires_update_service": True},
        ),
        (TRUST, CredentialKind.TRAINING, "Safeguarding adults", {"max_age_days": 3 * 365}),
        (TRUST, CredentialKind.TRAINING, "Moving and handling", {"max_age_days": 3 * 365}),
        (TRUST, CredentialKind.IDENTITY, "", {}),
        (TRUST, CredentialKind.OCCUPATIONAL_HEALTH, "", {"accepted_issuer_sectors": ["health"]}),
        (COUNCIL, CredentialKind.DBS, "", {"minimum_dbs_level": DBSLevel.ENHANCED}),
        (COUNCIL, CredentialKind.TRAINING, "Safeguarding adults", {}),
        (COUNCIL, CredentialKind.IDENTITY, "", {}),
        (CARE, CredentialKind.DBS, "", {"minimum_dbs_level": DBSLevel.ENHANCED_BARRED}),
        (CARE, CredentialKind.TRAINING, "Moving and handling", {"max_age_days": 365}),
        (CARE, CredentialKind.RIGHT_TO_WORK, "", {}),
        ("Wolds Community", CredentialKind.DBS, "", {"minimum_dbs_level": DBSLevel.ENHANCED}),
        ("Brightwater Home Care", CredentialKind.DBS, "", {"minimum_dbs_level": DBSLevel.ENHANCED}),
    ]
    for short_name, kind, subject, options in rules:
        AcceptanceRule.objects.get_or_create(
            organisation=orgs[short_name], kind=kind, subject=subject, job_role="", defaults=options
        )


def _journey_fixtures(orgs, first_key, today) -> Person:
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
    PassportCredential.objects.bulk_create(
        [
            PassportCredential(
                person=jo, kind=CredentialKind.IDENTITY, issued_by=care, issued_on=datetime.date(2019, 8, 1)
            ),
            PassportCredential(
                person=jo,
                kind=CredentialKind.RIGHT_TO_WORK,
                issued_by=care,
                issued_on=datetime.date(2019, 8, 1),
            ),
            PassportCredential(
                person=jo,
                kind=CredentialKind.DBS,
                dbs_level=DBSLevel.ENHANCED_BARRED,
                dbs_update_service=True,
                dbs_update_checked_on=today - datetime.timedelta(days=20),
                reference="001234567890",
                issued_by=care,
                issued_on=today - datetime.timedelta(days=400),
            ),
            PassportCredential(
                person=jo,
                kind=CredentialKind.TRAINING,
                subject="Safeguarding adults level 2",
                issued_by=care,
                issued_on=today - datetime.timedelta(days=200),
                expires_on=today + datetime.timedelta(days=900),
            ),
            PassportCredential(
                person=jo,
                kind=CredentialKind.TRAINING,
                subject="Moving and handling",
                issued_by=care,
                issued_on=today - datetime.timedelta(days=100),
                expires_on=today + datetime.timedelta(days=265),
            ),
        ]
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
TEAM_NI_START = 900_000  # clear of the numbers _people uses


def _reporting_lines(orgs, jo: Person, today) -> list[Person]:
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
            staff_number=f"{_code(organisation)}-T{offset + 1:03d}",
            line_manager=team.get(manager),
        )
        framework, band = _pay(organisation, role)
        post = Post.objects.create(
            organisation=organisation,
            reference=f"{_code(organisation)}-T{offset + 1:03d}",
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


def _people(orgs, rng, total, today) -> list[Person]:
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
        framework, band = _pay(organisation, role)
        start = today - datetime.timedelta(days=rng.randint(400, 9 * 365))
        employments.append(
            Employment(
                person=person,
                employer=organisation,
                start_date=start,
                staff_number=f"{_code(organisation)}-{index:05d}",
                contract_type=rng.choices(
                    [ContractType.PERMANENT, ContractType.FIXED_TERM, ContractType.BANK], weights=[85, 10, 5]
                )[0],
            )
        )
        posts.append(
            Post(
                organisation=organisation,
                reference=f"{_code(organisation)}-{index:05d}",
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


def _credentials(people, rng, today) -> None:
    people_ids = [p.pk for p in people if p.last_name != "Pennant" or p.first_name != "Jo"]
    current = {
        a.person_id: a
        for a in Assignment.objects.filter(person_id__in=people_ids).select_related(
            "post", "employment__employer"
        )
    }
    credentials = []
    for person_id, assignment in current.items():
        issuer = assignment.employment.employer
        started = assignment.start_date
        credentials.append(
            PassportCredential(
                person_id=person_id, kind=CredentialKind.IDENTITY, issued_by=issuer, issued_on=started
            )
        )
        credentials.append(
            PassportCredential(
                person_id=person_id, kind=CredentialKind.RIGHT_TO_WORK, issued_by=issuer, issued_on=started
            )
        )
        if assignment.post.staff_group in CLINICAL_OR_CARE:
            issued = today - datetime.timedelta(days=rng.randint(30, 5 * 365))
            credentials.append(
                PassportCredential(
                    person_id=person_id,
                    kind=CredentialKind.DBS,
                    issued_by=issuer,
                    issued_on=issued,
                    dbs_level=DBSLevel.ENHANCED_BARRED if rng.random() < 0.8 else DBSLevel.ENHANCED,
                    dbs_update_service=rng.random() < 0.7,
                    reference=f"00{rng.randint(10**9, 10**10 - 1)}",
                    status=CredentialStatus.REVOKED if rng.random() < 0.01 else CredentialStatus.ISSUED,
                    status_reason="Barring information received" if rng.random() < 0.01 else "",
                )
            )
            for subject in TRAINING:
                done = today - datetime.timedelta(days=rng.randint(10, 4 * 365))
                credentials.append(
                    PassportCredential(
                        person_id=person_id,
                        kind=CredentialKind.TRAINING,
                        subject=subject,
                        issued_by=issuer,
                        issued_on=done,
                        expires_on=done + datetime.timedelta(days=3 * 365),
                    )
                )
            if issuer.sector == "health":
                credentials.append(
                    PassportCredential(
                        person_id=person_id,
                        kind=CredentialKind.OCCUPATIONAL_HEALTH,
                        issued_by=issuer,
                        issued_on=started,
                    )
                )
    PassportCredential.objects.bulk_create(credentials, batch_size=1000)


def _joint_arrangements(orgs, users, today) -> list[JointArrangement]:
    trust, council, community, wolds_council = (
        orgs[TRUST],
        orgs[COUNCIL],
        orgs["Wolds Community"],
        orgs["Wolds Council"],
    )
    specs = [
        (
            "Hospital discharge and reablement lead",
            trust,
            council,
            "RV9-JOINT-01",
            JobRole.INTEGRATED_CARE_MANAGER,
            LegalModel.JOINT_EMPLOYMENT,
            ("60", "40"),
            ("50", "50"),
            "S75 Riverside BCF, schedule 3",
        ),
        (
            "Trusted assessor, care home discharges",
            trust,
            council,
            "RV9-JOINT-03",
            JobRole.TRUSTED_ASSESSOR,
            LegalModel.SECONDMENT,
            ("50", "50"),
            ("20", "80"),
            "",
        ),
        (
            "Integrated community mental health lead",
            community,
            wolds_council,
            "RW8-JOINT-01",
            JobRole.INTEGRATED_CARE_MANAGER,
            LegalModel.S75_INTEGRATED,
            ("70", "30"),
            ("60", "40"),
            "S75 Wolds integrated mental health, schedule 1",
        ),
    ]
    arrangements = []
    for title, employer, partner, reference, role, model, funding, time, s75 in specs:
        existing = JointArrangement.objects.filter(title=title).first()
        if existing:
            arrangements.append(existing)
            continue
        post, _ = Post.objects.get_or_create(
            organisation=employer,
            reference=reference,
            defaults={
                "title": title,
                "job_role": role,
                "staff_group": JOB_ROLE_STAFF_GROUP[role],
                "pay_framework": PayFramework.AFC,
                "pay_band": "8a",
                "status": PostStatus.VACANT,
            },
        )
        actor = users[TRUST_HR] if employer == trust else users["hr.admin@wolds-community.example"]
        arrangements.append(
            services.joint_arrangement_create(
                actor=actor,
                data={
                    "title": title,
                    "post": post,
                    "legal_model": model,
                    "status": "active",
                    "employer": employer,
                    "place_of_work": partner,
                    "funder": employer,
                    "line_manager": "Head of integrated discharge",
                    "line_manager_organisation": employer,
                    "professional_supervisor": "Principal social worker",
                    "professional_supervisor_organisation": partner,
                    "purpose": "Joined-up care across health and "
                    "social care, so people leave hospital to the right support without delay.",
                    "s75_reference": s75,
                    "start_date": today - datetime.timedelta(days=300),
                    "end_date": None,
                    "review_date": today + datetime.timedelta(days=65),
                },
                partners=[
                    {
                        "organisation": employer,
                        "roles": [PartnerRole.EMPLOYER, PartnerRole.FUNDER, PartnerRole.LINE_MANAGEMENT],
                        "funding_share": Decimal(funding[0]),
                        "time_share": Decimal(time[0]),
                    },
                    {
                        "organisation": partner,
                        "roles": [PartnerRole.HOST, PartnerRole.FUNDER, PartnerRole.PROFESSIONAL_SUPERVISION],
                        "funding_share": Decimal(funding[1]),
                        "time_share": Decimal(time[1]),
                    },
                ],
            )
        )
    return arrangements


def _moves(orgs, users, people, arrangements, rng, today) -> int:
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
            reference=f"{_code(orgs[short_name])}-V{len(vacancies[short_name]) + 1:04d}",
            title=JobRole(role).label,
            job_role=role,
            staff_group=JOB_ROLE_STAFF_GROUP[role],
            pay_framework=_pay(orgs[short_name], role)[0],
            pay_band=_pay(orgs[short_name], role)[1],
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
