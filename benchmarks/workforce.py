"""Workforce benchmark: list pages with a filter, the sector-flow report, a full CSV export of moves and a
10,000-row CSV import.

full: 200,000 people, 20,000 joint arrangements and 300,000 moves across 60 organisations (the issue's size);
small: 10,000 people, 1,000 arrangements and 15,000 moves, and a 2,000-row import.
Pages are fetched through Django's test client as a signed-in HR administrator of the largest trust; the export
is fetched as an HR administrator of every organisation, so it streams all the moves.
"""

from __future__ import annotations

import datetime
import io
import itertools
import random
from decimal import Decimal

from benchmarks.common import consume, emit, memory_growth_mb, percentile, time_calls, timed

SIZES = {
    "small": {"people": 10_000, "arrangements": 1_000, "moves": 15_000, "import_rows": 2_000, "repeat": 15},
    "full": {
        "people": 200_000,
        "arrangements": 20_000,
        "moves": 300_000,
        "import_rows": 10_000,
        "repeat": 30,
    },
}
ORGANISATIONS = 60
BATCH = 5000


def _chunks(n: int):
    for start in range(0, n, BATCH):
        yield start, min(n, start + BATCH)


def _build_world(config: dict, rng: random.Random):
    from workforce.matching import person_match_key
    from workforce.models import (
        Assignment,
        Employment,
        JointArrangement,
        JointArrangementPartner,
        Organisation,
        OrganisationType,
        Person,
        Post,
        SectorMove,
    )
    from workforce.vocabulary import (
        JOB_ROLE_STAFF_GROUP,
        JobRole,
        LegalModel,
        MoveStatus,
        MoveType,
        PayFramework,
    )

    types = [OrganisationType.NHS_TRUST] * 3 + [
        OrganisationType.LOCAL_AUTHORITY,
        OrganisationType.CARE_PROVIDER,
    ] * 2
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Benchmark organisation {i:03d}",
            organisation_type=types[i % len(types)],
            sector=OrganisationType.sector_for(types[i % len(types)]),
            ods_code=f"B{i:03d}",
        )
        for i in range(ORGANISATIONS)
    )
    # The first organisation is a large acute trust: 10% of the people; the rest are spread evenly.
    weights = [ORGANISATIONS // 6] + [1] * (ORGANISATIONS - 1)
    cumulative = list(itertools.accumulate(weights))
    roles = list(JobRole.values)
    surnames = [
        "Smith",
        "Jones",
        "Taylor",
        "Brown",
        "Williams",
        "Wilson",
        "Johnson",
        "Davies",
        "Patel",
        "Khan",
    ]
    first_names = ["Sam", "Alex", "Jo", "Chris", "Priya", "Tom", "Grace", "Imran", "Lucy", "Dev"]
    start = datetime.date(2015, 1, 1)
    person_ids, assignment_ids, post_org = [], [], []
    for lo, hi in _chunks(config["people"]):
        people, posts, employments = [], [], []
        for i in range(lo, hi):
            surname = f"{rng.choice(surnames)}{i % 997}"
            dob = datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
            people.append(
                Person(
                    first_name=rng.choice(first_names),
                    last_name=surname,
                    date_of_birth=dob,
                    match_key=person_match_key(ni_number=f"QQ{i:06d}A", date_of_birth=dob, surname=surname),
                )
            )
            org = rng.choices(orgs, cum_weights=cumulative)[0]
            role = rng.choice(roles)
            posts.append(
                Post(
                    organisation=org,
                    reference=f"P{i:07d}",
                    title=JobRole(role).label,
                    job_role=role,
                    staff_group=JOB_ROLE_STAFF_GROUP[role],
                    pay_framework=PayFramework.AFC,
                    pay_band="5",
                    status="filled",
                )
            )
        Person.objects.bulk_create(people, batch_size=BATCH)
        Post.objects.bulk_create(posts, batch_size=BATCH)
        for person, post in zip(people, posts, strict=True):
            employments.append(
                Employment(
                    person=person,
                    employer=post.organisation,
                    start_date=start + datetime.timedelta(days=rng.randint(0, 3000)),
                )
            )
        Employment.objects.bulk_create(employments, batch_size=BATCH)
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    employment=e,
                    person=e.person,
                    post=p,
                    work_organisation=p.organisation,
                    start_date=e.start_date,
                )
                for e, p in zip(employments, posts, strict=True)
            ],
            batch_size=BATCH,
        )
        person_ids.extend(p.pk for p in people)
        assignment_ids.extend((a.pk, a.post_id, a.work_organisation_id) for a in assignments)
        post_org.extend((p.pk, p.organisation_id, p.staff_group) for p in posts)

    org_by_id = {o.pk: o for o in orgs}
    models = list(LegalModel.values)
    for lo, hi in _chunks(config["arrangements"]):
        arrangements = []
        for i in range(lo, hi):
            post_id, org_id, _ = post_org[i * 7 % len(post_org)]
            partner = orgs[(i * 13 + 1) % ORGANISATIONS]
            if partner.pk == org_id:
                partner = orgs[(i * 13 + 2) % ORGANISATIONS]
            arrangements.append(
                JointArrangement(
                    title=f"Joint role {i}",
                    post_id=post_id,
                    legal_model=models[i % len(models)],
                    employer_id=org_id,
                    place_of_work=partner,
                    funder_id=org_id,
                    start_date=datetime.date(2024, 4, 1),
                    review_date=datetime.date(2026, 4, 1),
                )
            )
        JointArrangement.objects.bulk_create(arrangements, batch_size=BATCH)
        JointArrangementPartner.objects.bulk_create(
            [
                JointArrangementPartner(
                    arrangement=a,
                    organisation_id=org_id,
                    roles=["employer", "funder"],
                    funding_share=Decimal("60"),
                    time_share=Decimal("50"),
                )
                for a, org_id in ((a, a.employer_id) for a in arrangements)
            ]
            + [
                JointArrangementPartner(
                    arrangement=a,
                    organisation=a.place_of_work,
                    roles=["host", "funder"],
                    funding_share=Decimal("40"),
                    time_share=Decimal("50"),
                )
                for a in arrangements
            ],
            batch_size=BATCH,
        )

    move_types = list(MoveType.values)
    staff_by_post = {post_id: group for post_id, _, group in post_org}
    for lo, hi in _chunks(config["moves"]):
        moves = []
        for i in range(lo, hi):
            index = rng.randrange(len(person_ids))
            assignment_id, post_id, from_org_id = assignment_ids[index]
            to_org = orgs[rng.randrange(ORGANISATIONS)]
            effective = datetime.date(2023, 4, 1) + datetime.timedelta(days=rng.randint(0, 3 * 365))
            moves.append(
                SectorMove(
                    person_id=person_ids[index],
                    move_type=move_types[i % len(move_types)],
                    status=MoveStatus.CONFIRMED,
                    from_organisation_id=from_org_id,
                    from_sector=org_by_id[from_org_id].sector,
                    from_post_id=post_id,
                    from_assignment_id=assignment_id,
                    to_organisation=to_org,
                    to_sector=to_org.sector,
                    to_post_id=post_org[rng.randrange(len(post_org))][0],
                    staff_group=staff_by_post[post_id],
                    offer_date=effective - datetime.timedelta(days=rng.randint(7, 90)),
                    effective_date=effective,
                    days_offer_to_start=rng.randint(7, 90),
                    reason="Career move" if i % 50 else "=1+1",
                    recorded_by_id=_bench_user().pk,
                )
            )
        SectorMove.objects.bulk_create(moves, batch_size=BATCH)
    return orgs


_USER = {}


def _bench_user():
    if "user" not in _USER:
        from demo.factories.cms import UserFactory

        _USER["user"] = UserFactory(email="bench.recorder@example.org")
    return _USER["user"]


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _import_csv(rows: int, org_code: str) -> bytes:
    from workforce.imports import COLUMNS

    out = io.StringIO()
    out.write(",".join(COLUMNS) + "\n")
    for i in range(rows):
        values = {
            "ni_number": f"QQ{900000 + i:06d}B",
            "first_name": "Imported",
            "last_name": f"Person{i}",
            "date_of_birth": "1980-05-06",
            "employer_code": org_code,
            "staff_number": f"IMP{i}",
            "contract_type": "permanent",
            "employment_start": "2021-04-01",
            "post_number": f"IMP-{i // 2}",
            "post_title": "Staff nurse",
            "job_role": "staff_nurse",
            "pay_framework": "afc",
            "pay_band": "5",
            "post_fte": "1",
            "work_organisation_code": "",
            "assignment_start": "2021-04-01",
            "assignment_end": "",
            "assignment_fte": "0.5",
        }
        out.write(",".join(values[c] for c in COLUMNS) + "\n")
    return out.getvalue().encode()


def run(*, size: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from demo.factories.cms import UserFactory
    from workforce.models import Person
    from workforce.services import membership_grant

    config = SIZES[size]
    rng = random.Random(2026)  # nosec B311  # reproducible test data, not security
    with timed() as build:
        orgs = _build_world(config, rng)
    emit("build world", build["ms"] / 1000, "s", people=config["people"], moves=config["moves"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    hr = UserFactory(email="bench.hr@example.org")
    membership_grant(user=hr, organisation=orgs[0], role="hr_admin")
    client = _client(hr)
    pages = {
        "people list (name search)": "/workforce/people/?q=smith1",
        "posts list (staff group)": "/workforce/posts/?staff_group=nursing",
        "joint arrangements list (legal model)": "/workforce/joint-arrangements/?legal_model=joint_employment",
        "moves list (type and sector)": "/workforce/moves/?move_type=permanent&to_sector=social_care",
    }
    for label, url in pages.items():
        assert client.get(url).status_code == 200, url  # nosec B101  # benchmark sanity check
        durations = time_calls(lambda url=url: client.get(url), config["repeat"])
        emit(f"{label} p50", percentile(durations, 50), "ms")
        emit(f"{label} p95", percentile(durations, 95), "ms", max=300)

    analyst = UserFactory(email="bench.analyst@example.org")
    membership_grant(user=analyst, organisation=orgs[0], role="analyst")
    analyst_client = _client(analyst)
    url = "/workforce/reports/sector-flow/?quarter=2024-Q2"
    assert analyst_client.get(url).status_code == 200  # nosec B101  # benchmark sanity check
    durations = time_calls(lambda: analyst_client.get(url), max(5, config["repeat"] // 3))
    emit("sector-flow report p95", percentile(durations, 95), "ms", max=1000)

    everyone = UserFactory(email="bench.hr.all@example.org")
    for org in orgs:
        membership_grant(user=everyone, organisation=org, role="hr_admin")
    export_client = _client(everyone)
    # Timed without tracemalloc (which slows Python down), then run again under it for the memory figure.
    with timed() as export:
        size_bytes = consume(export_client.get("/workforce/moves/?_export=csv"))
    emit(
        "moves CSV export (all moves)",
        export["ms"] / 1000,
        "s",
        max=20,
        rows=config["moves"],
        bytes=size_bytes,
    )
    _, growth = memory_growth_mb(lambda: consume(export_client.get("/workforce/moves/?_export=csv")))
    emit("moves CSV export peak memory growth", growth, "MB", max=100)

    data = _import_csv(config["import_rows"], orgs[0].ods_code)
    before = Person.objects.count()
    with timed() as imported:
        response = client.post(
            "/workforce/import/",
            {"file": SimpleUploadedFile("bench.csv", data, content_type="text/csv"), "mode": "import"},
        )
    assert response.status_code == 302, response.content[:500]  # nosec B101  # benchmark sanity check
    assert Person.objects.count() == before + config["import_rows"]  # nosec B101  # benchmark sanity check
    emit(f"CSV import of {config['import_rows']:,} rows", imported["ms"] / 1000, "s", max=30)
