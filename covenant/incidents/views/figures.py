"""Aggregate figures: the statistics page and its CSV export, the board report, and the Staff Survey figures that
the under-reporting index sets beside the reports."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cms import disclosure
from cms.access import permission_required
from cms.audit import audit
from cms.disclosure import Audience
from cms.forms import apply_service_errors
from cms.reports import pdf_response

from ..forms.statistics import StatisticsForm, SurveyPrevalenceForm
from ..reports import BoardReport, statistics_breakdowns
from ..roles import VIEW_CASES, VIEW_INCIDENT_STATISTICS
from ..selectors.cases import handler_organisations
from ..selectors.statistics import (
    half_year_bounds,
    incident_statistics,
    recent_half_years,
    statistics_audience,
    statistics_organisations,
    survey_figures_for,
)
from ..services.statistics import survey_prevalence_record
from .form_pages import posted


def _statistics_scope(request):
    organisations = statistics_organisations(user=request.user)
    periods = recent_half_years()
    form = StatisticsForm(request.GET or None, organisations=organisations, periods=periods)
    chosen, period = None, periods[0][0]
    if form.is_valid():
        chosen = form.cleaned_data.get("organisation")
        period = form.cleaned_data.get("period") or period
    elif form.is_bound:
        return form, None, None, None
    scope = organisations.filter(pk=chosen.pk) if chosen else organisations
    return form, scope, chosen, period


@permission_required(VIEW_INCIDENT_STATISTICS)
def statistics(request):
    form, scope, chosen, period = _statistics_scope(request)
    if scope is None:
        return render(request, "incidents/statistics.html", {"form": form}, status=400)
    start, end = half_year_bounds(period)
    if request.GET.get("format") == "csv":
        return _statistics_csv(request, scope=scope, period=period, start=start, end=end)
    audience = statistics_audience(user=request.user, organisations=scope)
    stats = incident_statistics(organisations=scope, start=start, end=end, audience=audience)
    audit(action="incident.statistics_viewed", request=request, summary="Incident statistics viewed")
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "incidents/statistics.html",
        {
            "form": form,
            "stats": stats,
            "organisation": chosen,
            "period": period,
            "exact_for": list(scope.order_by("name").values_list("name", flat=True))
            if audience.exact
            else [],
            "breakdowns": statistics_breakdowns(stats),
            "board_report_url": reverse("incidents:board_report") + "?" + request.GET.urlencode(),
            "export_url": reverse("incidents:statistics") + "?" + query.urlencode(),
            "breadcrumbs": [("Home", "/")],
        },
    )


def _statistics_csv(request, *, scope, period, start, end):
    """The figures as CSV: protected for every reader, handlers included (an export travels)."""
    stats = incident_statistics(organisations=scope, start=start, end=end, audience=Audience.EXPORT)
    audit(
        action="incident.statistics_exported",
        request=request,
        summary=f"Incident statistics exported {period}",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incident-figures-{period}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Section", "Measure", "Value"])
    writer.writerows(stats.export_rows())
    writer.writerow([])
    writer.writerow(["Note", disclosure.EXPLANATION, ""])
    return response


@permission_required(VIEW_INCIDENT_STATISTICS)
def board_report(request):
    form, scope, chosen, period = _statistics_scope(request)
    if scope is None:
        return render(request, "incidents/statistics.html", {"form": form}, status=400)
    report = BoardReport(
        organisations=scope,
        organisation=chosen,
        period=period,
        pdf_url=reverse("incidents:board_report") + "?" + request.GET.urlencode() + "&format=pdf",
    )
    audit(
        action="incident.board_report_viewed",
        request=request,
        summary=f"Board report {period}",
        detail={"format": request.GET.get("format", "html")},
    )
    if request.GET.get("format") == "pdf":
        return pdf_response(report)
    return HttpResponse(report.render_html(request))


@permission_required(VIEW_CASES)
def survey_figures(request):
    """Handlers enter their organisation's Staff Survey prevalence, for the under-reporting index."""
    organisations = handler_organisations(user=request.user)
    form = SurveyPrevalenceForm(posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            survey_prevalence_record(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Staff Survey figures saved.")
            return redirect("incidents:survey_figures")
    return render(
        request,
        "incidents/survey_figures.html",
        {
            "form": form,
            "figures": survey_figures_for(organisations=organisations),
            "breadcrumbs": [("Home", "/"), ("Figures", reverse("incidents:statistics"))],
        },
        status=400 if form.is_bound and form.errors else 200,
    )
