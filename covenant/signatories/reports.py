"""The annual Covenant report: one template for the web page and the PDF (cms.reports.Report)."""

from __future__ import annotations

from cms.charts import bar_chart
from cms.reports import Report

from . import annual
from .models import FinancialYear


def _chart_rows(rows, attribute: str) -> list[tuple[str, float]]:
    """Only published numbers go in a chart, so a bar never shows what the table hides."""
    return [
        (row.label, getattr(row, attribute))
        for row in rows
        if isinstance(getattr(row, attribute), int | float)
    ]


class AnnualCovenantReport(Report):
    template_name = "signatories/annual_report.html"

    def __init__(self, *, year: FinancialYear, pdf_url: str = ""):
        self.year = year
        self.pdf_url = pdf_url

    def get_title(self) -> str:
        return f"NHS Covenant annual report {self.year.label}"

    def filename(self) -> str:
        return f"covenant-annual-report-{self.year.key}.pdf"

    def get_context(self):
        figures = annual.annual_report(year=self.year)
        rows = {row.label: row for row in figures["system_rows"]}
        moves = [
            (
                f"NHS to social care, {self.year.previous().label}",
                rows["Moves from the NHS to social care"].previous,
            ),
            (f"NHS to social care, {self.year.label}", rows["Moves from the NHS to social care"].current),
            (
                f"Social care to NHS, {self.year.previous().label}",
                rows["Moves from social care to the NHS"].previous,
            ),
            (f"Social care to NHS, {self.year.label}", rows["Moves from social care to the NHS"].current),
        ]
        moves = [(label, value) for label, value in moves if isinstance(value, int) and value]
        categories = _chart_rows(figures["category_rows"], "current")
        return {
            **figures,
            "pdf_url": self.pdf_url,
            "moves_chart": bar_chart(moves, title="Moves between the NHS and social care, this year and last")
            if moves
            else "",
            "category_chart": bar_chart(
                categories, title=f"Incidents reported per 1,000 staff a year by category, {self.year.label}"
            )
            if categories
            else "",
        }
