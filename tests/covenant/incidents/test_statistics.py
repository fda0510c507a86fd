import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.disclosure import Audience
from covenant.incidents import selectors
from covenant.incidents.models import Sanction
from demo.factories.incidents import IncidentReportFactory

pytestmark = pytest.mark.django_db


def _in_current_half(**fields):
    period = selectors.recent_half_years()[0][0]
    start, _ = selectors.half_year_bounds(period)
    when = max(
        timezone.now() - datetime.timedelta(days=1),
        timezone.make_aware(datetime.datetime.combine(start, datetime.time(9))),
    )
    return IncidentReportFactory(reported_at=when, acknowledge_by=when + datetime.timedelta(days=1), **fields)


def test_half_year_bounds():
    assert selectors.half_year_bounds("2026-H1") == (datetime.date(2026, 4, 1), datetime.date(2026, 9, 30))
    assert selectors.half_year_bounds("2026-H2") == (datetime.date(2026, 10, 1), datetime.date(2027, 3, 31))
    for bad in ("2026", "2026-H3", "abc-H1"):
        with pytest.raises(ValueError):
            selectors.half_year_bounds(bad)


def test_analyst_sees_small_numbers_suppressed_and_no_narratives(client, login, analyst, organisation):
    for _ in range(3):
        _in_current_half(organisation=organisation, category="verbal_abuse", narrative="SECRET words")
    for _ in range(6):
        _in_current_half(organisation=organisation, category="physical_assault", narrative="SECRET words")
    login(analyst)
    body = client.get(reverse("incidents:statistics")).content.decode()
    assert "[c]" in body and "fewer than 5" not in body
    assert "SECRET" not in body
    assert ">9<" in body  # the total, above the threshold


def test_handler_sees_exact_numbers_for_their_organisation_only(
    client, login, handler, organisation, other_organisation
):
    for _ in range(3):
        _in_current_half(organisation=organisation, category="verbal_abuse")
    _in_current_half(organisation=other_organisation, category="verbal_abuse")
    login(handler)
    response = client.get(reverse("incidents:statistics"))
    stats = response.context["stats"]
    assert stats.total == 3 and not stats.suppressed
    response = client.get(reverse("incidents:statistics"), {"organisation": other_organisation.pk})
    assert response.status_code == 400


def test_statistics_bad_period_is_a_field_error(client, login, analyst):
    login(analyst)
    response = client.get(reverse("incidents:statistics"), {"period": "1999-H7"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_statistics_counts(organisation, handler):
    report = _in_current_half(organisation=organisation, medical_factors="dementia", source="relative")
    report.acknowledged_at = report.reported_at + datetime.timedelta(hours=2)
    report.save()
    _in_current_half(organisation=organisation, medical_factors="none", source="manager", category="bullying")
    Sanction.objects.create(
        report=report,
        subject_description="P",
        kind="written_warning",
        state="issued",
        issued_on=timezone.localdate(),
    )
    # Revoked before it was issued: never issued, not counted.
    Sanction.objects.create(report=report, subject_description="P", kind="written_warning", state="revoked")
    start, end = selectors.half_year_bounds(selectors.recent_half_years()[0][0])
    stats = selectors.incident_statistics(
        organisations=selectors.handler_organisations(user=handler),
        start=start,
        end=end,
        audience=Audience.HANDLER,
    )
    assert stats.total == 2
    assert stats.medical_factors_share == "50%"
    assert stats.acknowledged == 1 and stats.acknowledged_on_time == 1
    assert stats.median_hours_to_acknowledge == 2.0
    assert dict(stats.by_survey_source.rows)["Managers"] == 1
    assert dict(stats.sanctions.rows)["Written warning"] == 1


def test_board_report_html_and_pdf(client, login, analyst, organisation):
    from pypdf import PdfReader

    for _ in range(6):
        _in_current_half(
            organisation=organisation, category="discriminatory", protected_characteristic="race"
        )
    login(analyst)
    html = client.get(reverse("incidents:board_report"))
    assert html.status_code == 200
    body = html.content.decode()
    assert "board assurance report" in body and "Discriminatory or hate abuse" in body
    response = client.get(reverse("incidents:board_report"), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Discriminatory or hate abuse" in text
    assert "emergency treatment" in text


def test_the_staff_group_is_asked_after_sending_and_speaks_to_who_it_happened_to(client, organisation):
    from covenant.incidents.models import IncidentReport

    from .conftest import answer, report_pages, step_of

    sent = report_pages(client, organisation, answers={"who": {"relationship": "witnessed"}})
    page = answer(client, sent, reverse("incidents:report_more", args=["anonymous"]))
    while step_of(page) != "staff_group":
        page = answer(client, page, reverse("incidents:report_more", args=["anonymous"]))
    assert "What is the job of the person it happened to?" in page.content.decode()
    page = answer(client, page, reverse("incidents:report_more", args=["anonymous"]), staff_group="nursing")
    while step_of(page) != "check":
        page = answer(client, page, reverse("incidents:report_more", args=["anonymous"]))
    answer(client, page, reverse("incidents:report_more", args=["anonymous"]), action="send")
    assert IncidentReport.objects.get().staff_group == "nursing"


def test_survey_figures_and_under_reporting_index(client, login, handler, organisation, other_organisation):
    login(handler)
    url = reverse("incidents:survey_figures")
    response = client.post(url, {"organisation": organisation.pk, "survey_year": "2025", "headcount": "abc"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the headcount as a whole number" in body and "Enter the percentage" in body
    response = client.post(
        url,
        {
            "organisation": other_organisation.pk,
            "survey_year": "2025",
            "headcount": "1000",
            "physical_violence_percent": "10",
            "harassment_percent": "20",
        },
    )
    assert response.status_code == 400  # not their organisation
    period = selectors.recent_half_years()[0][0]
    start, _ = selectors.half_year_bounds(period)
    client.post(
        url,
        {
            "organisation": organisation.pk,
            "survey_year": str(start.year - 1),
            "headcount": "1000",
            "physical_violence_percent": "14.4",
            "harassment_percent": "25.1",
        },
    )
    for _ in range(6):
        _in_current_half(organisation=organisation, category="physical_assault", staff_group="nursing")
    response = client.get(
        reverse("incidents:statistics"), {"organisation": organisation.pk, "period": period}
    )
    stats = response.context["stats"]
    physical = stats.under_reporting[0]
    assert physical.reports == 6 and physical.survey_per_1000 == 144.0
    assert physical.reports_per_1000 == round(6 * 365 / ((stats.end - stats.start).days + 1), 1)
    assert "Under-reporting index" in response.content.decode()
    assert dict(stats.by_staff_group.rows)["Registered nurse or midwife"] == 6


@pytest.mark.parametrize("role", ["reporter", "analyst", "auditor", "custodian", "hr_admin"])
def test_survey_figures_are_for_handlers_only(client, login, request, role):
    login(request.getfixturevalue(role))
    assert client.get(reverse("incidents:survey_figures")).status_code == 403


def test_survey_figures_need_sign_in(client):
    assert client.get(reverse("incidents:survey_figures")).status_code == 302
