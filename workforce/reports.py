"""Workforce documents: each is an accessible web page and a PDF from the same template."""

from __future__ import annotations

import datetime

from django.utils.text import slugify

from cms.charts import bar_chart, flow_chart
from cms.disclosure import TOTAL, AdditiveTable, Audience, protect
from cms.reports import Report

from .models import JointArrangement
from .selectors.reports import Quarter, headcount_as_at, sector_flow
from .selectors.teams import team_figures


def team_rows(*, start, end, organisation_ids: list[int] | None) -> dict:
    """Each integrated team's headcount at the end of the period and its members' moves in it, through
    cms.disclosure: exact for HR administrators' own organisations, protected for the system-wide view."""
    figures = team_figures(start=start, end=end, organisation_ids=organisation_ids)
    audience = Audience.ANALYST if organisation_ids is None else Audience.HANDLER
    columns = {
        name: protect(AdditiveTable.one_way({r["team"].pk: r[name] for r in figures}), audience=audience)
        for name in ("headcount", "moves", "cross_sector_moves")
    }
    return {
        "rows": [
            {
                "team": r["team"].name,
                "arrangement": r["team"].arrangement.title,
                **{name: cells[r["team"].pk] for name, cells in columns.items()},
            }
            for r in figures
        ],
        "totals": {name: cells[TOTAL] for name, cells in columns.items()},
    }


class JointAgreementReport(Report):
    """The joint-role agreement: who employs, hosts, funds, manages and supervises, and in what shares."""

    template_name = "workforce/reports/joint_agreement.html"

    def __init__(self, *, arrangement: JointArrangement):
        self.arrangement = arrangement

    def get_title(self) -> str:
        return f"Joint role agreement: {self.arrangement.title}"

    def filename(self) -> str:
        return f"joint-role-agreement-{self.arrangement.pk}-{slugify(self.arrangement.title)[:40]}.pdf"

    def get_context(self):
        partners = list(self.arrangement.partners.select_related("organisation"))
        return {
            "arrangement": self.arrangement,
            "partners": partners,
            "documents": list(self.arrangement.documents.all()),
            "funding_chart": bar_chart(
                [(p.organisation.display_name, float(p.funding_share)) for p in partners],
                title="Funding shares (%)",
                unit="%",
            ),
        }


class SectorFlowReport(Report):
    """Quarterly moves between the NHS and social care, as a flow chart and as the numbers behind it."""

    template_name = "workforce/reports/sector_flow.html"

    def __init__(self, *, quarter: Quarter, organisation_ids: list[int] | None):
        self.quarter = quarter
        self.organisation_ids = organisation_ids

    def get_title(self) -> str:
        return f"Moves between the NHS and social care, {self.quarter.label}"

    def filename(self) -> str:
        return f"sector-flow-{self.quarter.key}.pdf"

    def get_context(self):
        flow = sector_flow(
            start=self.quarter.start, end=self.quarter.end, organisation_ids=self.organisation_ids
        )
        return {
            "quarter": self.quarter,
            "flow": flow,
            "scope": "All organisations" if self.organisation_ids is None else "Your organisations",
            "teams": team_rows(
                start=self.quarter.start, end=self.quarter.end, organisation_ids=self.organisation_ids
            ),
            "flow_chart": flow_chart(
                [(a, b, n) for a, b, n in flow["flows"] if n], title="Moves between the NHS and social care"
            )
            if flow["totals"]["to_nhs"] or flow["totals"]["to_social_care"]
            else "",
        }


class HeadcountReport(Report):
    """Headcount, FTE and role count on a date, counted at the organisation where each job is worked."""

    template_name = "workforce/reports/headcount.html"

    def __init__(self, *, on_date: datetime.date, organisation_ids: list[int] | None):
        self.on_date = on_date
        self.organisation_ids = organisation_ids

    def get_title(self) -> str:
        return f"Headcount, FTE and roles on {self.on_date:%-d %B %Y}"

    def filename(self) -> str:
        return f"headcount-{self.on_date:%Y-%m-%d}.pdf"

    def get_context(self):
        data = headcount_as_at(on_date=self.on_date, organisation_ids=self.organisation_ids)
        return {
            "on_date": self.on_date,
            "data": data,
            "chart": bar_chart(
                [(row["work_organisation__name"], float(row["fte"])) for row in data["rows"]],
                title="FTE by place of work",
            )
            if data["rows"]
            else "",
        }
