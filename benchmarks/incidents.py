"""Incidents benchmark: the anonymous report journey under 20 concurrent clients, the handler case list with
filters, the organisation dashboard for a year and the board report PDF.

full: 1,000,000 incidents across 200 organisations (the issue's size); small: 20,000 across 20.

The report (issue 15): every GET and POST of the anonymous journey (one question a page, "Check your answers",
send), each client with its own cookies and CSRF token, carrying the sealed payload from page to page, against the
site under gunicorn on PostgreSQL (that part is skipped on SQLite), 20 clients at once. The handler
e-mail is a task row written in the report's transaction (the database task backend, as in production), in the
server and in process. Statements and CPU are counted in process with Django's test client (CSRF enforced).
The case list is fetched as a signed-in, two-factor-verified handler of the busiest organisation.
"""

from __future__ import annotations

import datetime
import random
import time

from benchmarks.common import emit, percentile, time_calls, timed
from benchmarks.report_journey import report_journey_figures

SIZES = {
    "small": {
        "incidents": 20_000,
        "organisations": 20,
        "clients": 20,
        "journeys_per_client": 3,
        "repeat": 15,
    },
    "full": {
        "incidents": 1_000_000,
        "organisations": 200,
        "clients": 20,
        "journeys_per_client": 10,
        "repeat": 30,
    },
}
BATCH = 5000


def _build_world(*, incidents: int, organisations: int, rng: random.Random):
    from covenant.incidents.models import IncidentReport, Sanction, SupportOffer
    from demo.factories.cms import UserFactory
    from workforce.models import Organisation, OrganisationType, Sector
    from workforce.services import membership_grant

    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Benchmark Trust {i:03d}",
            organisation_type=OrganisationType.NHS_TRUST,
            sector=Sector.HEALTH,
        )
        for i in range(organisations)
    )
    handler = UserFactory(email="bench.handler@example.org")
    membership_grant(user=handler, organisation=orgs[0], role="incident_handler")
    reporter = UserFactory(email="bench.reporter@example.org")
    membership_grant(user=reporter, organisation=orgs[0], role="incident_reporter")

    add_incidents(count=incidents, org_ids=[o.pk for o in orgs], rng=rng)
    # Child records for the busiest organisation's reports, so the dashboard's joins have rows to find.
    sample = list(IncidentReport.objects.filter(organisation=orgs[0]).values_list("pk", flat=True)[:20000])
    SupportOffer.objects.bulk_create(
        (
            SupportOffer(report_id=pk, staff_member="Reporter", route="eap", state="accepted")
            for pk in sample[::3]
        ),
        batch_size=BATCH,
    )
    Sanction.objects.bulk_create(
        (
            Sanction(report_id=pk, subject_description="P", kind="written_warning", state="issued")
            for pk in sample[::11]
        ),
        batch_size=BATCH,
    )
    return orgs, handler


def add_incidents(*, count: int, org_ids: list[int], rng: random.Random) -> None:
    """Add `count` incidents spread over two years and the organisations (the first has twice the average)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from covenant.incidents.models import (
        Category,
        IncidentReport,
        Injury,
        MedicalFactor,
        ReportingMode,
        Setting,
        Source,
        StaffGroup,
        Status,
        acknowledge_deadline,
    )

    now = timezone.now()
    statuses = list(Status.values)
    categories = list(Category.values)
    sources = list(Source.values)
    settings_ = list(Setting.values)
    staff_groups = list(StaffGroup.values)
    unusable = make_password(None)
    # The first organisation is the busiest (a large acute trust) with twice the average; the rest even.
    weights = [2] + [1] * (len(org_ids) - 1)
    created = 0
    if connection.vendor == "postgresql":
        _bulk_insert_postgres(incidents=count, org_ids=org_ids, unusable=unusable)
        return
    while created < count:
        batch = []
        for _ in range(min(BATCH, count - created)):
            reported_at = now - datetime.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
            acknowledged = rng.random() < 0.85
            batch.append(
                IncidentReport(
                    mode=ReportingMode.NAMED if rng.random() < 0.6 else ReportingMode.ANONYMOUS,
                    relationship="targeted",
                    receipt_hash=unusable,
                    occurred_at=reported_at - datetime.timedelta(hours=rng.randint(1, 24)),
                    organisation_id=rng.choices(org_ids, weights=weights)[0],
                    setting=rng.choice(settings_),
                    staff_group=rng.choice(staff_groups),
                    category=rng.choice(categories),
                    source=rng.choice(sources),
                    medical_factors=rng.choice(list(MedicalFactor.values)),
                    narrative="Benchmark narrative.",
                    injury=rng.choice(list(Injury.values)),
                    status=rng.choice(statuses),
                    reported_at=reported_at,
                    acknowledge_by=acknowledge_deadline(reported_at),
                    acknowledged_at=reported_at + datetime.timedelta(hours=rng.randint(1, 48))
                    if acknowledged
                    else None,
                )
            )
        IncidentReport.objects.bulk_create(batch, batch_size=BATCH)
        created += len(batch)


def _bulk_insert_postgres(*, incidents: int, org_ids: list[int], unusable: str) -> None:
    """One INSERT ... SELECT per 100,000 rows: minutes of bulk_create become seconds. Same distributions."""
    from django.db import connection

    from covenant.incidents import encryption
    from covenant.incidents.models import Category, Injury, MedicalFactor, Setting, Source, StaffGroup, Status

    def array(values) -> str:
        return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"

    def pick(values, column: str) -> str:
        return f"({array(values)})[1 + floor({column} * {len(values)})::int]"

    narrative = encryption.encrypt("Benchmark narrative.")
    orgs = "ARRAY[" + ",".join(str(pk) for pk in org_ids) + "]"
    busiest_share = 2 / (len(org_ids) + 1)
    chunk = 100_000
    with connection.cursor() as cursor:
        for start in range(0, incidents, chunk):
            rows = min(chunk, incidents - start)
            cursor.execute(
                f"""
                INSERT INTO incidents_incidentreport (
                    mode, relationship, receipt_hash, receipt_index, occurred_at, occurred_approximate,
                    organisation_id, site, setting, lone_working, staff_group, category, sub_types,
                    protected_characteristic, source, medical_factors, narrative, injury, treatment,
                    police_contacted, crime_reference, cctv_available, wants_police_action, wants_support,
                    wants_feedback, may_tell_line_manager, status, reported_at, acknowledge_by, acknowledged_at,
                    status_reason_for_reporter, outcome_for_reporter, closure_rationale, legal_hold,
                    perpetrator_nhs_number, perpetrator_nhs_number_index, submission_key
                )
                SELECT
                    CASE WHEN r1 < 0.6 THEN 'named' ELSE 'anonymous' END, 'targeted', %s, '',
                    reported - interval '1 hour' * (1 + floor(r2 * 24)), false,
                    CASE WHEN r3 < {busiest_share} THEN {org_ids[0]} ELSE {pick(org_ids, "r4").replace(array(org_ids), orgs)} END,
                    '', {pick(Setting.values, "r5")}, false, {pick(StaffGroup.values, "r6")},
                    {pick(Category.values, "r7")}, '[]'::jsonb, '', {pick(Source.values, "r8")},
                    {pick(MedicalFactor.values, "r9")}, %s, {pick(Injury.values, "r10")}, 'none', 'no', '',
                    'unknown', 'undecided', false, true, false, {pick(Status.values, "r11")}, reported,
                    reported + interval '1 day',
                    CASE WHEN r12 < 0.85 THEN reported + interval '1 hour' * (1 + floor(r2 * 48)) END,
                    '', '', '', false,
                    '', '', ''
                FROM (
                    SELECT now() - random() * interval '730 days' AS reported,
                        random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
                        random() AS r6, random() AS r7, random() AS r8, random() AS r9, random() AS r10,
                        random() AS r11, random() AS r12
                    FROM generate_series(1, %s)
                ) AS draws
                """,  # noqa: S608  # nosec B608  # every interpolated value is a model choice or an integer
                [unusable, narrative, rows],
            )
    # What autovacuum would have done by the time anyone reads: statistics and the visibility map.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE incidents_incidentreport")


def _signed_in_client(user):
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def run(*, size: str) -> None:
    from django.urls import reverse
    from django.utils import timezone

    from cms.disclosure import Audience
    from covenant.incidents import selectors
    from covenant.incidents.reports import BoardReport
    from workforce.models import Organisation

    config = SIZES[size]
    rng = random.Random(2026)  # nosec B311  # reproducible test data, not security
    with timed() as build:
        orgs, handler = _build_world(
            incidents=config["incidents"], organisations=config["organisations"], rng=rng
        )
    emit(
        "build world",
        build["ms"] / 1000,
        "s",
        incidents=config["incidents"],
        organisations=config["organisations"],
    )
    busiest = orgs[0]
    from covenant.incidents.models import IncidentReport

    emit(
        "cases at the busiest organisation",
        IncidentReport.objects.filter(organisation=busiest).count(),
        "cases",
    )

    # 1. The anonymous report journey under concurrent clients, and its statements and CPU in process.
    report_journey_figures(clients=config["clients"], journeys_per_client=config["journeys_per_client"])

    # 2. The handler case list with filters.
    client = _signed_in_client(handler)
    url = reverse("incidents:case_list")
    queries = [
        "",
        "?status=under_review",
        "?category=physical_assault&source=patient",
        "?open_only=on&setting=emergency_department",
        "?mode=anonymous&sort=-acknowledge_by",
        "?status=closed&page=3",
        f"?reported_from={timezone.localdate() - datetime.timedelta(days=90):%Y-%m-%d}",
    ]
    for query in queries:  # warm up
        assert client.get(url + query).status_code == 200  # nosec B101  # benchmark sanity check
    durations = []
    for _ in range(config["repeat"]):
        for query in queries:
            start = time.perf_counter()
            response = client.get(url + query)
            durations.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200  # nosec B101  # benchmark sanity check
    emit("handler case list with filters p95", percentile(durations, 95), "ms", max=200)

    # 3. The organisation dashboard for a year.
    end = timezone.localdate()
    start_day = end - datetime.timedelta(days=365)
    scope = Organisation.objects.filter(pk=busiest.pk)
    dashboard = time_calls(
        lambda: selectors.incident_statistics(
            organisations=scope, start=start_day, end=end, audience=Audience.HANDLER
        ),
        max(3, config["repeat"] // 3),
    )
    emit("organisation dashboard for a year", percentile(dashboard, 95), "ms", max=1000)

    # 4. The board report PDF for a half-year.
    period = selectors.recent_half_years()[1][0]
    report = BoardReport(organisations=scope, organisation=busiest, period=period)
    pdf_ms = time_calls(report.render_pdf, 3)
    emit("board report PDF", max(pdf_ms) / 1000, "s", max=5)

    # 5. The clocks: the hourly job's first run of a day (reminders and escalations of every due step, e-mailed
    # once) and a second run the same day (everything already sent: only the look-ups).
    from covenant.incidents.chasing import clocks_chase
    from covenant.incidents.clocks import due_steps

    steps = len(due_steps())
    with timed() as first:
        chased = clocks_chase()
    emit(
        "clocks chase, first run of the day",
        first["ms"] / 1000,
        "s",
        steps=steps,
        emails=len(chased.reminders) + len(chased.escalations),
    )
    with timed() as again:
        repeated = clocks_chase()
    if repeated.reminders or repeated.escalations:
        raise SystemExit("The clocks sent an e-mail twice in a day")
    emit("clocks chase, again the same day (nothing to send)", again["ms"] / 1000, "s", steps=steps)
