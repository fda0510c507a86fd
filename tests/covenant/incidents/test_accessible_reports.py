"""Reports people can read: the board report PDF is tagged (PDF/UA-1) with its language and title, chart labels
wrap rather than being cut, every chart has a text alternative and a table of its numbers, and headline figures
are a table of formatted numbers."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from covenant.incidents import selectors
from covenant.incidents.models import Category, IncidentReport
from covenant.incidents.reports import BoardReport
from demo.factories.incidents import IncidentReportFactory

pytestmark = pytest.mark.django_db

SEXUAL = Category.SEXUAL.label  # "Sexual (unwanted behaviour of a sexual nature or sexual assault)"
REPORTS = 1234


@pytest.fixture
def busy_half_year(organisation):
    """1,234 reports in the current half-year: 1,200 of verbal abuse and 34 of a sexual nature."""
    period = selectors.recent_half_years()[0][0]
    start, _ = selectors.half_year_bounds(period)
    when = max(
        timezone.now() - datetime.timedelta(days=1),
        timezone.make_aware(datetime.datetime.combine(start, datetime.time(9))),
    )
    template = IncidentReportFactory.build(organisation=organisation, reported_at=when)
    fields = {
        f.attname: getattr(template, f.attname)
        for f in IncidentReport._meta.concrete_fields
        if not f.primary_key
    }
    IncidentReport.objects.bulk_create(
        [
            IncidentReport(**{**fields, "category": "sexual" if index < 34 else "verbal_abuse"})
            for index in range(REPORTS)
        ]
    )
    return period


def _pdf(client, login, analyst, period):
    login(analyst)
    response = client.get(reverse("incidents:board_report"), {"format": "pdf", "period": period})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_the_board_report_pdf_is_tagged_with_its_language_and_title(client, login, analyst, busy_half_year):
    reader = _pdf(client, login, analyst, busy_half_year)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")
    assert reader.metadata.title.startswith("Violence and abuse against staff: board assurance report")
    # The structure tree has the parts a screen reader follows: headings, tables and the charts as figures.
    kinds = _structure_kinds(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds


def _structure_kinds(node, seen=None) -> set:
    seen = set() if seen is None else seen
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _structure_kinds(child, seen)
        return seen
    if not hasattr(node, "get"):
        return seen
    if node.get("/S") is not None:
        seen.add(node["/S"])
    kids = node.get("/K")
    if kids is not None:
        _structure_kinds(kids, seen)
    return seen


def _figures_alt(node, found=None) -> list:
    found = [] if found is None else found
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _figures_alt(child, found)
        return found
    if not hasattr(node, "get"):
        return found
    if node.get("/S") == "/Figure":
        found.append(str(node.get("/Alt", "")))
    kids = node.get("/K")
    if kids is not None:
        _figures_alt(kids, found)
    return found


def test_every_chart_figure_in_the_pdf_has_alternative_text(client, login, analyst, busy_half_year):
    reader = _pdf(client, login, analyst, busy_half_year)
    alts = _figures_alt(reader.trailer["/Root"]["/StructTreeRoot"])
    assert alts and all(alt.strip() for alt in alts)
    assert len(alts) == 5
    assert "Reports by category" in alts


def test_headline_figures_are_a_table_of_formatted_numbers(client, login, analyst, busy_half_year):
    reader = _pdf(client, login, analyst, busy_half_year)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Headline figures" in text
    assert re.search(r"Reports\s+1,234", text)
    assert "1,200" in text  # the verbal abuse row of the category table
    html = client.get(reverse("incidents:board_report"), {"period": busy_half_year}).content.decode()
    assert (
        '<th scope="row" class="nhsuk-table__header">Reports</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">1,234</td>'
        in html
    )


def test_a_long_category_label_appears_whole(client, login, analyst, busy_half_year):
    reader = _pdf(client, login, analyst, busy_half_year)
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    # Twice: wrapped over lines in the chart, and in the table beside it (before, the chart cut it at 40 characters).
    assert text.count(SEXUAL) == 2


def test_charts_in_the_html_have_text_alternatives_and_a_table_beside_them(
    client, login, analyst, busy_half_year
):
    login(analyst)
    html = client.get(reverse("incidents:board_report"), {"period": busy_half_year}).content.decode()
    charts = re.findall(r"<figure class=\"app-chart-wrapper\">(.*?)</figure>\s*<table", html, flags=re.S)
    assert (
        len(charts) == 5
    )  # month, category, Staff Survey source group, setting, staff group: each then its table
    for chart in charts:
        assert 'role="img"' in chart
        title = re.search(r"<title id=\"([^\"]+)-t\">([^<]+)</title>", chart)
        assert title and title.group(2).strip()
        assert f'aria-labelledby="{title.group(1)}-t {title.group(1)}-d"' in chart
        assert re.search(r"<desc id=\"[^\"]+-d\">[^<]+</desc>", chart)
    category_chart = next(chart for chart in charts if "Sexual" in chart)
    # The label is drawn whole, over as many lines as it needs.
    spans = re.findall(r"<tspan [^>]*>([^<]*)</tspan>", category_chart)
    assert SEXUAL in " ".join(spans)


def test_the_report_title_names_the_organisation_and_period(organisation):
    period = selectors.recent_half_years()[0][0]
    report = BoardReport(organisations=[organisation], organisation=organisation, period=period)
    assert organisation.name in report.get_title()
