"""The Covenant part of the public API (docs/api.md): the organisations that signed and their pledges, as the
public list of signatories shows them (`selectors.public_signatures`: approved signatures only), and the annual
Covenant report's figures as the public report shows them (`annual.annual_report`, already through
cms/disclosure.py with the public audience).
"""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from cms import disclosure
from cms.api import (
    ERRORS,
    ApiError,
    FigureOut,
    PageMeta,
    PageQuery,
    cached,
    cursor_page,
    date_key,
    figure,
)

from . import selectors
from .annual import Row, annual_report
from .models import FinancialYear
from .views import FIRST_REPORT_YEAR

router = Router(tags=["The Covenant"])


class OrganisationOut(Schema):
    id: int
    name: str
    organisation_type: str
    sector: str
    region: str = Field(description="NHS England region code, or empty")


class ProgressOut(Schema):
    financial_year: str = Field(description='For example "2025-26"')
    value: Decimal


class PledgeOut(Schema):
    title: str
    text: str
    indicator: str = Field(description="How progress is measured")
    target: Decimal
    unit: str
    progress: list[ProgressOut]


class RecognitionOut(Schema):
    tier: str
    awarded_on: datetime.date
    expires_on: datetime.date


class SignatoryOut(Schema):
    id: int
    organisation: OrganisationOut
    signed_on: datetime.date
    signatory: str = Field(description="Name and role of who signed")
    co_signatory: str
    recognition: RecognitionOut | None = Field(description="The highest current recognition award, if any")
    pledges: list[PledgeOut]


class SignatoryPage(PageMeta):
    items: list[SignatoryOut]


class ReportYearOut(Schema):
    key: str = Field(description='For example "2025-26": the path parameter of the report')
    label: str
    in_progress: bool


class ReportYearList(Schema):
    items: list[ReportYearOut]


class RowOut(Schema):
    label: str
    current: FigureOut
    previous: FigureOut


class PledgeRowOut(Schema):
    text: str
    indicator: str
    target: str
    current: str
    previous: str


class OrganisationReportOut(Schema):
    organisation: OrganisationOut
    signatory_id: int
    rows: list[RowOut]
    pledges: list[PledgeRowOut]


class AnnualReportOut(Schema):
    year: str
    label: str
    previous_year: str
    in_progress: bool = Field(
        description="The year is not over: figures to date, rates scaled to a full year"
    )
    period_end: datetime.date
    signatories: RowOut
    system: list[RowOut] = Field(description="Figures for the whole system")
    incidents_by_category: list[RowOut] = Field(description="Incidents per 1,000 staff a year by category")
    organisations: list[OrganisationReportOut]
    note: str = Field(description='What "[c]" and "not shown" mean')


def _organisation(organisation) -> dict:
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "organisation_type": organisation.organisation_type,
        "sector": organisation.sector,
        "region": organisation.region,
    }


def _signatory(signature, award) -> dict:
    return {
        "id": signature.pk,
        "organisation": _organisation(signature.organisation),
        "signed_on": signature.signed_on,
        "signatory": f"{signature.signatory_name}, {signature.signatory_role}",
        "co_signatory": (
            f"{signature.co_signatory_name}, {signature.co_signatory_role}"
            if signature.co_signatory_name
            else ""
        ),
        "recognition": (
            {"tier": award.tier, "awarded_on": award.awarded_on, "expires_on": award.expires_on}
            if award
            else None
        ),
        "pledges": [
            {
                "title": pledge.title,
                "text": pledge.text,
                "indicator": pledge.indicator,
                "target": pledge.target,
                "unit": pledge.unit,
                "progress": [
                    {"financial_year": entry.year.key, "value": entry.value}
                    for entry in pledge.progress.all()
                ],
            }
            for pledge in signature.pledges.all()
        ],
    }


@router.get("/signatories", response={200: SignatoryPage, **ERRORS}, summary="Organisations that signed")
def signatory_list(request: HttpRequest, params: Query[PageQuery]):
    """The organisations whose signature an editor approved, with their pledges and progress, in order of id."""
    signatures, next_cursor = cursor_page(
        selectors.public_signatures(), listing="signatories", cursor=params.cursor, limit=params.limit
    )
    awards = selectors.current_awards(organisation_ids=[s.organisation_id for s in signatures])
    return {
        "items": [_signatory(s, awards.get(s.organisation_id)) for s in signatures],
        "limit": params.limit,
        "next_cursor": next_cursor,
    }


@router.get("/signatories/{signatory_id}", response={200: SignatoryOut, **ERRORS}, summary="A signatory")
def signatory_detail(request: HttpRequest, signatory_id: int):
    signature = selectors.public_signature_get(pk=signatory_id)
    return _signatory(signature, selectors.current_award(organisation=signature.organisation))


def _report_years() -> list[FinancialYear]:
    current = FinancialYear.containing(timezone.localdate())
    return [FinancialYear(year) for year in range(current.start_year, FIRST_REPORT_YEAR - 1, -1)]


@router.get("/annual-reports", response={200: ReportYearList, **ERRORS}, summary="Annual report years")
def report_years(request: HttpRequest):
    today = timezone.localdate()
    return {
        "items": [{"key": y.key, "label": y.label, "in_progress": y.end >= today} for y in _report_years()]
    }


@router.get("/annual-reports/{year}", response={200: AnnualReportOut, **ERRORS}, summary="An annual report")
def report_detail(request: HttpRequest, year: str):
    """The figures of the annual Covenant report for a financial year, after disclosure control, as the public
    report shows them. Built once a day for each year and kept in the cache."""
    report_year = FinancialYear.parse(year)
    if report_year is None or report_year not in _report_years():
        raise ApiError(
            'year: no report for that year (use a key from /annual-reports, such as "2025-26")', status=404
        )
    return cached(
        f"api:annual-report:{report_year.key}:{date_key(timezone.localdate())}", lambda: _report(report_year)
    )


def _row(row: Row) -> dict:
    return {"label": row.label, "current": figure(row.current), "previous": figure(row.previous)}


def _report(year: FinancialYear) -> dict:
    report = annual_report(year=year)
    return {
        "year": year.key,
        "label": year.label,
        "previous_year": year.previous().key,
        "in_progress": report["in_progress"],
        "period_end": report["period_end"],
        "signatories": _row(report["signatories"]),
        "system": [_row(row) for row in report["system_rows"]],
        "incidents_by_category": [_row(row) for row in report["category_rows"]],
        "organisations": [
            {
                "organisation": _organisation(section.organisation),
                "signatory_id": section.signature.pk,
                "rows": [_row(row) for row in section.rows],
                "pledges": [vars(pledge) for pledge in section.pledges],
            }
            for section in report["sections"]
        ],
        "note": disclosure.EXPLANATION,
    }
