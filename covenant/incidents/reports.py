"""The board assurance report: one template, an HTML page and a WeasyPrint PDF (cms/reports.py)."""

from __future__ import annotations

from typing import Any

from cms.charts import bar_chart
from cms.disclosure import Audience
from cms.reports import Report

from .selectors.statistics import Breakdown, IncidentStatistics, half_year_bounds, incident_statistics


class BoardReport(Report):
    template_name = "incidents/board_report.html"

    """Always protected (cms/disclosure.py, Audience.BOARD), for every reader: the page is the PDF's web version and
    a board pack travels, so handlers' exact figures stay on their statistics screen."""

    def __init__(self, *, organisations, organisation, period: str, pdf_url: str = ""):
        self.organisations = organisations
        self.organisation = organisation
        self.period = period
        self.pdf_url = pdf_url
        self.start, self.end = half_year_bounds(period)

    def get_title(self) -> str:
        who = self.organisation.name if self.organisation else "All organisations"
        return f"Violence and abuse against staff: board assurance report, {who}, {self.start:%B %Y} to {self.end:%B %Y}"

    def filename(self) -> str:
        return f"board-report-violence-abuse-{self.period}.pdf"

    def get_context(self) -> dict[str, Any]:
        stats = incident_statistics(
            organisations=self.organisations, start=self.start, end=self.end, audience=Audience.BOARD
        )
        return {
            "stats": stats,
            "breakdowns": statistics_breakdowns(stats),
            "pdf_url": self.pdf_url,
            "organisation": self.organisation,
        }


CHARTED = ("by_month", "by_category", "by_survey_source", "by_setting", "by_staff_group")


def statistics_breakdowns(
    stats: IncidentStatistics,
) -> list[tuple[Breakdown, str | None]]:
    """Each breakdown with its SVG chart (the table beside it is the accessible equivalent)."""
    result = []
    for name in (*CHARTED, "by_source", "sanctions", "police"):
        breakdown = getattr(stats, name)
        chart = bar_chart(breakdown.chart_rows, title=breakdown.title, width=600) if name in CHARTED else None
        result.append((breakdown, chart))
    return result
