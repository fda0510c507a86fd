"""Disclosure control through the views: who sees exact figures, and that the board report and exports never show
a small number or one that can be found by subtraction (cms/disclosure.py)."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from covenant.incidents import selectors
from covenant.incidents.models import SurveyPrevalence
from demo.factories.incidents import IncidentReportFactory

pytestmark = pytest.mark.django_db


def _last_half():
    """A complete half-year: its first three months and the query for it."""
    period = selectors.recent_half_years()[1][0]
    start, _ = selectors.half_year_bounds(period)
    months = []
    cursor = start
    for _ in range(3):
        months.append(cursor)
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    return period, months


def _reports(organisation, day, n, **fields):
    when = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=2), datetime.time(10)))
    for _ in range(n):
        IncidentReportFactory(organisation=organisation, reported_at=when, **fields)


@pytest.fixture
def october_november_december(organisation):
    """23 reports: 15 in the first month, 6 in the second, 2 in the third (the example of finding 8)."""
    period, months = _last_half()
    for month, n in zip(months, (15, 6, 2), strict=True):
        _reports(organisation, month, n)
    return period, [month.strftime("%b %Y") for month in months]


def _month_cells(html: str, labels) -> dict:
    cells = {}
    for label in labels:
        match = re.search(
            rf'<td class="nhsuk-table__cell">{re.escape(label)}</td><td[^>]*>(.*?)</td>', html, flags=re.S
        )
        cells[label] = re.sub(r"<[^>]+>", "", match.group(1)).strip()
    return cells


def test_handler_sees_exact_figures_on_screen_and_is_told_why(
    client, login, handler, organisation, october_november_december
):
    period, labels = october_november_december
    login(handler)
    response = client.get(
        reverse("incidents:statistics"), {"organisation": organisation.pk, "period": period}
    )
    html = response.content.decode()
    assert _month_cells(html, labels) == dict(zip(labels, ["15", "6", "2"], strict=True))
    assert f"Exact figures:</strong> shown to you as an incident handler of {organisation.name}" in html
    assert "The board report and exports are suppressed" in html


def test_handlers_board_report_page_and_pdf_show_no_exact_small_count(
    client, login, handler, organisation, october_november_december
):
    period, labels = october_november_december
    login(handler)
    query = {"organisation": organisation.pk, "period": period}
    html = client.get(reverse("incidents:board_report"), query).content.decode()
    # December alone hidden would be 23 - 15 - 6: November is hidden with it.
    assert _month_cells(html, labels) == dict(zip(labels, ["15", "[c]", "[c]"], strict=True))
    assert "Exact figures" not in html
    response = client.get(reverse("incidents:board_report"), {**query, "format": "pdf"})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for label in labels[1:]:
        assert re.search(rf"{re.escape(label)}\s+\[c\]", text), f"{label} is suppressed in the PDF"
        assert not re.search(rf"{re.escape(label)}\s+\d", text), f"{label} shows a number in the PDF"
    assert re.search(rf"{re.escape(labels[0])}\s+15", text)
    assert "[c] means the number is not shown" in text


def test_handlers_export_is_suppressed_and_writes_markers(
    client, login, handler, organisation, october_november_december
):
    period, labels = october_november_december
    login(handler)
    response = client.get(
        reverse("incidents:statistics"), {"organisation": organisation.pk, "period": period, "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="incident-figures-{period}.csv"' in response["Content-Disposition"]
    rows = {
        (row[0], row[1]): row[2]
        for row in csv.reader(io.StringIO(response.content.decode()))
        if len(row) == 3
    }
    assert rows[("Reports by month", labels[0])] == "15"
    assert rows[("Reports by month", labels[1])] == "[c]"
    assert rows[("Reports by month", labels[2])] == "[c]"
    assert rows[("Summary", "Reports")] == "23"


def test_analyst_sees_protected_figures_with_no_way_to_subtract(
    client, login, analyst, organisation, october_november_december
):
    period, labels = october_november_december
    login(analyst)
    response = client.get(
        reverse("incidents:statistics"), {"organisation": organisation.pk, "period": period}
    )
    html = response.content.decode()
    assert _month_cells(html, labels) == dict(zip(labels, ["15", "[c]", "[c]"], strict=True))
    assert "Exact figures" not in html
    stats = response.context["stats"]
    assert stats.total == 23 and stats.suppressed
    assert "[c]" not in str(stats.by_month.chart_rows) and len(stats.by_month.chart_rows) < 6


def test_rates_shares_and_medians_on_small_counts_are_not_shown(client, login, analyst, organisation):
    period, months = _last_half()
    _reports(organisation, months[0], 3, category="physical_assault")
    _reports(organisation, months[0], 12, category="verbal_abuse")
    start, _ = selectors.half_year_bounds(period)
    SurveyPrevalence.objects.create(
        organisation=organisation,
        survey_year=start.year - 1,
        headcount=1000,
        physical_violence_percent=10,
        harassment_percent=20,
    )
    login(analyst)
    response = client.get(
        reverse("incidents:statistics"), {"organisation": organisation.pk, "period": period}
    )
    stats = response.context["stats"]
    physical, harassment = stats.under_reporting
    assert str(physical.reports) == "[c]"
    assert str(physical.reports_per_1000) == "not shown: too few to publish safely"
    assert str(physical.reporting_ratio) == "not shown: too few to publish safely"
    # 12 harassment reports would give away the 3 physical ones (15 - 12): hidden too.
    assert str(harassment.reports) == "[c]"
    assert str(stats.median_hours_to_acknowledge) in ("–", "not shown: too few to publish safely")
    html = response.content.decode()
    assert "not shown: too few to publish safely" in html
    assert "fewer than 5" not in html


# --- differencing across scopes (review A1, A2) --------------------------------------------------------------------
@pytest.fixture
def two_organisations(organisation, other_organisation):
    """Org A: 3 physical assaults and 20 verbal; org B: 10 physical and 20 verbal, in one half-year."""
    period, months = _last_half()
    _reports(organisation, months[0], 3, category="physical_assault")
    _reports(organisation, months[0], 20, category="verbal_abuse")
    _reports(other_organisation, months[0], 10, category="physical_assault")
    _reports(other_organisation, months[0], 20, category="verbal_abuse")
    return period


def _category_cells(html: str, label: str) -> str:
    match = re.search(
        rf'<td class="nhsuk-table__cell">{re.escape(label)}</td><td[^>]*>(.*?)</td>', html, flags=re.S
    )
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _physical(client, view, query):
    if view == "page":
        html = client.get(reverse("incidents:statistics"), query).content.decode()
        return _category_cells(html, "Physical assault")
    if view == "board":
        html = client.get(reverse("incidents:board_report"), query).content.decode()
        return _category_cells(html, "Physical assault")
    body = client.get(reverse("incidents:statistics"), {**query, "format": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    return next(r[2] for r in rows if r[:2] == ["Reports by category", "Physical assault"])


@pytest.mark.parametrize("view", ["page", "csv", "board"])
def test_analyst_cannot_find_a_hidden_count_by_subtracting_one_scope_from_another(
    client, login, analyst, organisation, other_organisation, two_organisations, view
):
    period = two_organisations
    login(analyst)
    everyone = _physical(client, view, {"period": period})
    org_b = _physical(client, view, {"period": period, "organisation": other_organisation.pk})
    org_a = _physical(client, view, {"period": period, "organisation": organisation.pk})
    assert org_a == "[c]"
    # All organisations - B = A: one of them must be hidden too, in every view (one pattern for the period).
    assert "[c]" in (everyone, org_b), (everyone, org_b)


def test_analyst_who_also_handles_an_organisation_sees_it_protected(
    client, login, analyst, organisation, other_organisation, two_organisations
):
    from .conftest import grant

    period = two_organisations
    grant(analyst, organisation, "incident_handler")
    login(analyst)
    response = client.get(
        reverse("incidents:statistics"), {"period": period, "organisation": organisation.pk}
    )
    html = response.content.decode()
    assert not response.context["stats"].audience.exact
    assert _category_cells(html, "Physical assault") == "[c]"
    assert "Exact figures:" not in html and "Protected figures:" in html
    everyone = _physical(client, "page", {"period": period})
    org_b = _physical(client, "page", {"period": period, "organisation": other_organisation.pk})
    assert "[c]" in (everyone, org_b)
