"""The annual Covenant report: figures from the workforce and incident records, suppression, HTML and PDF."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cms.disclosure import NOT_SHOWN, NOT_SHOWN_TEXT, SUPPRESSED
from covenant.incidents.models import Category, Sanction, SupportOffer
from covenant.signatories import annual
from covenant.signatories.models import FinancialYear
from demo.factories.cms import UserFactory
from demo.factories.incidents import IncidentReportFactory
from demo.factories.signatories import CovenantSignatureFactory, PledgeProgressFactory, SignaturePledgeFactory
from demo.factories.workforce import (
    AssignmentFactory,
    EmploymentFactory,
    OrganisationFactory,
    PassportCredentialFactory,
    PostFactory,
)
from workforce.models import JointArrangement, SectorMove
from workforce.vocabulary import ArrangementStatus, LegalModel, MoveStatus, MoveType

pytestmark = pytest.mark.django_db

YEAR = FinancialYear(2025)  # April 2025 to March 2026: a complete year
URL = "/covenant/report/2025-26/"


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _move(*, sender, receiver, effective, days, reused=1, repeated=1, user):
    employment = EmploymentFactory(employer=sender, start_date=datetime.date(2020, 1, 1))
    assignment = AssignmentFactory(employment=employment)
    move = SectorMove.objects.create(
        person=employment.person,
        move_type=MoveType.PERMANENT,
        status=MoveStatus.CONFIRMED,
        from_organisation=sender,
        from_sector=sender.sector,
        from_post=assignment.post,
        from_assignment=assignment,
        to_organisation=receiver,
        to_sector=receiver.sector,
        staff_group="nursing",
        offer_date=effective - datetime.timedelta(days=days),
        effective_date=effective,
        days_offer_to_start=days,
        reason="Career move",
        recorded_by=user,
        checks_repeated=[{"check": "DBS", "reason": "old"}] * repeated,
    )
    move.credentials_reused.set(PassportCredentialFactory(person=employment.person) for _ in range(reused))
    return move


def _incident(organisation, day, *, category=Category.VERBAL_ABUSE, on_time=True):
    reported = _at(day)
    report = IncidentReportFactory(
        organisation=organisation,
        category=category,
        reported_at=reported,
        occurred_at=reported - datetime.timedelta(hours=2),
        acknowledged_at=reported + datetime.timedelta(hours=1 if on_time else 200),
    )
    return report


@pytest.fixture
def world(care_provider):
    user = UserFactory()
    trust = OrganisationFactory(name="Riverside Hospitals", organisation_type="nhs_foundation_trust")
    # 10 staff at the care provider at the end of the year.
    for _ in range(10):
        AssignmentFactory(
            employment=EmploymentFactory(employer=care_provider, start_date=datetime.date(2024, 1, 1))
        )
    # Nine moves from the NHS into the care provider, two the other way (a small number, suppressed).
    for index, days in enumerate((10, 20, 30, 40, 50, 60, 70, 80, 90)):
        _move(
            sender=trust,
            receiver=care_provider,
            effective=datetime.date(2025, 6, 1 + index),
            days=days,
            user=user,
        )
    for index in range(2):
        _move(
            sender=care_provider,
            receiver=trust,
            effective=datetime.date(2025, 9, 1 + index),
            days=5,
            user=user,
        )
    # Five joint roles in force during the year, one ended before it.
    for index in range(6):
        JointArrangement.objects.create(
            title=f"Joint role {index}",
            post=PostFactory(organisation=care_provider),
            legal_model=LegalModel.SECONDMENT,
            status=ArrangementStatus.ACTIVE if index < 5 else ArrangementStatus.ENDED,
            employer=care_provider,
            place_of_work=trust,
            funder=care_provider,
            start_date=datetime.date(2024, 1, 1),
            end_date=None if index < 5 else datetime.date(2025, 1, 1),
            review_date=datetime.date(2027, 1, 1),
        )
    # Six verbal abuse reports this year (five acknowledged on time), two physical assaults; seven last year.
    reports = [_incident(care_provider, datetime.date(2025, 7, 1 + i), on_time=i < 5) for i in range(6)]
    for i in range(2):
        _incident(care_provider, datetime.date(2025, 8, 1 + i), category=Category.PHYSICAL_ASSAULT)
    for i in range(7):
        _incident(care_provider, datetime.date(2024, 7, 1 + i))
    for report in reports[:5]:
        SupportOffer.objects.create(
            report=report, staff_member="Reporter", route=SupportOffer.Route.LINE_MANAGER
        )
    signature = CovenantSignatureFactory(organisation=care_provider, signed_on=datetime.date(2025, 5, 1))
    pledge = SignaturePledgeFactory(
        signature=signature, own_text="We will mentor every new care worker.", target=Decimal("100")
    )
    PledgeProgressFactory(pledge=pledge, financial_year=2025, value=Decimal("85"))
    PledgeProgressFactory(pledge=pledge, financial_year=2024, value=Decimal("60"))
    return {"trust": trust, "signature": signature}


def test_figures_come_from_the_records_and_small_numbers_are_suppressed(world, care_provider):
    figures = annual.annual_report(year=YEAR)
    system = {row.label: row for row in figures["system_rows"]}
    assert system["Moves from the NHS to social care"].current == 9
    assert system["Moves from social care to the NHS"].current == SUPPRESSED
    # 11 moves (median 40), but the 2 moves to the NHS are hidden: the median is shown only beside its counts.
    assert system["Median days from offer to start (moves between sectors)"].current == NOT_SHOWN
    assert system["Share of checks reused from the staff passport"].current == "50%"
    assert system["Joint roles in post"].current == SUPPRESSED  # 5
    assert system["Incidents of violence or abuse reported"].current == 8
    # 21 staff: the 10 care workers and the 11 movers' assignments at their first employer.
    assert system["Staff (headcount at the end of the period)"].current == 21
    assert system["Incidents reported per 1,000 staff a year"].current == round(8 * 1000 / 21, 1)
    assert system["Share acknowledged on time"].current == NOT_SHOWN  # 7 of 8: 1 late
    assert system["Support offered to staff"].current == SUPPRESSED  # 5
    assert system["Sanctions issued"].current == 0

    categories = {row.label: row for row in figures["category_rows"]}
    # 6 verbal abuse and 2 physical assaults: both hidden, so no rate on them either.
    assert categories["Verbal abuse or threats"].current == NOT_SHOWN
    assert categories["Physical assault"].current == NOT_SHOWN

    section = figures["sections"][0]
    assert section.organisation == care_provider
    rows = {row.label: row for row in section.rows}
    assert rows["Moves from the NHS to social care"].current == 9
    assert rows["Share of checks reused from the staff passport"].current == "50%"  # 9 of 18
    assert rows["Staff (headcount at the end of the period)"].current == 12
    assert rows["Incidents reported per 1,000 staff a year"].current == round(8 * 1000 / 12, 1)
    assert section.pledges[0].current == "85 %" and section.pledges[0].previous == "60 %"
    assert figures["signatories"].current == 1 and figures["signatories"].previous == 0


def test_a_year_before_any_signatory_shows_no_data(client, world):
    """Nobody had signed by March 2025: 2024/25 has no Covenant figures, not zeros."""
    figures = annual.annual_report(year=YEAR)
    assert figures["no_previous_data"]
    assert {row.previous for row in figures["system_rows"]} == {"no data"}
    assert {row.previous for row in figures["category_rows"]} == {"no data"}
    html = client.get(URL).content.decode()
    assert "there are no figures for that year" in html
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">0.0</td>' not in html
    later = annual.annual_report(year=FinancialYear(2026))
    assert not later["no_previous_data"]
    previous = {row.label: row.previous for row in later["system_rows"]}
    assert previous["Incidents of violence or abuse reported"] == 8


def test_sanctions_revoked_before_they_were_issued_are_not_counted(world, care_provider):
    report = IncidentReportFactory(organisation=care_provider, reported_at=_at(datetime.date(2025, 5, 1)))
    for day in range(8):
        Sanction.objects.create(
            report=report,
            subject_description="P",
            kind=Sanction.Kind.WRITTEN_WARNING,
            state=Sanction.State.ISSUED,
            issued_on=datetime.date(2025, 6, 1 + day),
        )
    for _ in range(3):  # proposed, then revoked before issue
        Sanction.objects.create(
            report=report, subject_description="P", kind=Sanction.Kind.ABA, state=Sanction.State.REVOKED
        )
    # Issued, later revoked: it was issued.
    Sanction.objects.create(
        report=report,
        subject_description="P",
        kind=Sanction.Kind.ABA,
        state=Sanction.State.REVOKED,
        issued_on=datetime.date(2025, 7, 1),
    )
    # Issued the year before: not this year's.
    Sanction.objects.create(
        report=report,
        subject_description="P",
        kind=Sanction.Kind.ABA,
        state=Sanction.State.EXPIRED,
        issued_on=datetime.date(2025, 3, 1),
    )
    assert annual.scope_figures(year=YEAR, organisation_ids=None).sanctions_issued == 9
    assert annual.scope_figures(year=YEAR, organisation_ids=[care_provider.pk]).sanctions_issued == 9
    system = {row.label: row for row in annual.annual_report(year=YEAR)["system_rows"]}
    assert system["Sanctions issued"].current == 9


def test_an_organisation_sees_only_its_own_records(world):
    figures = annual.scope_figures(year=YEAR, organisation_ids=[world["trust"].pk])
    assert figures.incidents == 0
    assert figures.checks_reused == 2  # the two moves into the trust


def test_report_page_compares_with_the_previous_year(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "NHS Covenant annual report 2025/26" in html
    assert "2024/25" in html
    assert "Harbourside Care Homes Ltd" in html
    assert "We will mentor every new care worker." in html
    assert "[c]" in html and "not shown: too few to publish safely" in html and "fewer than 5" not in html
    assert "[c] means the number is not shown" in html
    assert (
        "<title id=" in html and "Moves between the NHS and social care, this year and last</title>" in html
    )
    moves_chart = html[html.index("Moves between the NHS and social care, this year and last</title>") :]
    assert "Social care to NHS" not in moves_chart.split("</svg>")[0], "suppressed figures stay out of charts"
    assert "Incidents reported per 1,000 staff a year by category" not in html, "no published category rate"
    assert 'href="/covenant/report/2025-26/pdf/"' in html


def test_report_pdf(client, world):
    response = client.get(f"{URL}pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="covenant-annual-report-2025-26.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "NHS Covenant annual report 2025/26" in text
    assert "Harbourside Care Homes Ltd" in text
    assert "[c]" in text and "fewer than 5" not in text
    assert len(reader.pages) >= 2


@pytest.mark.parametrize("key", ["1999-00", "abc", "2025-27", "3000", "2099-00"])
def test_unknown_years_are_not_found(client, key):
    assert client.get(f"/covenant/report/{key}/").status_code == 404
    assert client.get(f"/covenant/report/{key}/pdf/").status_code == 404


def test_report_index_lists_the_years(client):
    html = client.get("/covenant/report/").content.decode()
    current = FinancialYear.containing(timezone.localdate())
    assert f"Annual report {current.label}" in html and "(year to date)" in html
    assert "Annual report 2024/25" in html


def test_financial_year_parsing():
    assert FinancialYear.parse("2025-26") == FinancialYear(2025)
    assert FinancialYear.parse("2025") == FinancialYear(2025)
    assert FinancialYear.parse("2025-27") is None
    assert FinancialYear.containing(datetime.date(2026, 3, 31)) == FinancialYear(2025)
    assert FinancialYear.containing(datetime.date(2026, 4, 1)) == FinancialYear(2026)
    assert FinancialYear(2025).label == "2025/26"


def _first_cell_after(html: str, label: str) -> str:
    import re

    match = re.search(rf"{re.escape(label)}</t[hd]>\s*<td[^>]*>(.*?)</td>", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_a_half_years_hidden_count_cannot_be_found_from_the_year_or_its_rate(client, care_provider):
    """Review A3: 3 reports in the first half of 2025/26 and 20 in the second. The analysts' figures show the second
    half (20) and hide the first; the year's 23 would give the 3 away by subtraction, and so would its rate per
    1,000 staff with the headcount. The year is hidden with its half, and no rate is published on it."""
    from cms.disclosure import Audience
    from covenant.incidents import selectors
    from workforce.models import Organisation

    for _ in range(9):
        AssignmentFactory(
            employment=EmploymentFactory(employer=care_provider, start_date=datetime.date(2024, 1, 1))
        )
    for i in range(3):
        _incident(care_provider, datetime.date(2025, 7, 1 + i))
    for i in range(20):
        _incident(care_provider, datetime.date(2025, 11, 1 + i))
    CovenantSignatureFactory(organisation=care_provider, signed_on=datetime.date(2025, 5, 1))
    organisations = Organisation.objects.filter(pk=care_provider.pk)
    halves = [
        selectors.incident_statistics(
            organisations=organisations, start=start, end=end, audience=Audience.ANALYST
        ).total
        for start, end in (selectors.half_year_bounds("2025-H1"), selectors.half_year_bounds("2025-H2"))
    ]
    assert halves == [SUPPRESSED, 20]
    html = client.get(URL).content.decode()
    section = html[html.index("Harbourside Care Homes Ltd", html.index("<h2")) :]
    assert _first_cell_after(section, "Incidents of violence or abuse reported") == "[c]"
    assert _first_cell_after(section, "Incidents reported per 1,000 staff a year") == NOT_SHOWN_TEXT
    figures = annual.annual_report(year=YEAR)
    system = {row.label: row for row in figures["system_rows"]}
    assert system["Incidents of violence or abuse reported"].current == SUPPRESSED
    assert system["Incidents reported per 1,000 staff a year"].current == NOT_SHOWN
    rows = {row.label: row for row in figures["sections"][0].rows}
    assert rows["Incidents of violence or abuse reported"].current == SUPPRESSED
    assert rows["Incidents reported per 1,000 staff a year"].current == NOT_SHOWN
    categories = {row.label: row.current for row in figures["category_rows"]}
    assert categories.get("Verbal abuse or threats", NOT_SHOWN) == NOT_SHOWN
