"""Aggregate reports for analysts and HR administrators: moves between the sectors, and headcount."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.http import urlencode

from cms.audit import audit
from cms.reports import pdf_response

from ..forms import AsAtForm, QuarterForm
from ..reports import HeadcountReport, SectorFlowReport
from ..selectors.access import report_organisation_ids
from ..selectors.reports import Quarter
from .base import report_page, reports_required


def _recent_quarters(today: datetime.date, count: int = 8):
    quarter = Quarter.containing(today).next()  # moves are often recorded ahead of their start
    quarters = []
    for _ in range(count):
        quarters.append(quarter)
        quarter = quarter.previous()
    return quarters


@reports_required
def sector_flow_report(request):
    quarters = _recent_quarters(timezone.localdate())
    quarter = quarters[1]
    if request.GET.get("quarter"):
        parsed = Quarter.parse(request.GET["quarter"])
        if parsed is None:
            raise Http404("No such quarter")
        quarter = parsed
    report = SectorFlowReport(quarter=quarter, organisation_ids=report_organisation_ids(user=request.user))
    if request.GET.get("format") == "pdf":
        audit(action="workforce.report.downloaded", request=request, summary=report.get_title())
        return pdf_response(report)
    form = QuarterForm(initial={"quarter": quarter.key}, quarters=quarters)
    return report_page(request, report, pdf_url=f"?quarter={quarter.key}&format=pdf", extra={"form": form})


@reports_required
def headcount_report(request):
    on_date = timezone.localdate()
    status = 200
    if any(key.startswith("on_date") for key in request.GET):
        form = AsAtForm(request.GET)
        if form.is_valid():
            on_date = form.cleaned_data["on_date"]
        else:
            status = 400
    else:
        form = AsAtForm(initial={"on_date": on_date})
    report = HeadcountReport(on_date=on_date, organisation_ids=report_organisation_ids(user=request.user))
    if request.GET.get("format") == "pdf" and status == 200:
        return pdf_response(report)
    query = {
        "on_date_day": on_date.day,
        "on_date_month": on_date.month,
        "on_date_year": on_date.year,
        "format": "pdf",
    }
    response = report_page(request, report, pdf_url="?" + urlencode(query), extra={"form": form})
    response.status_code = status
    return response
