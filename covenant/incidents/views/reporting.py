"""Making a report: anyone anonymously, signed-in staff under their name or in confidence, all on the same
journey of one question a page (`report_journey`). The pages keep the report in the page itself: no session row,
cache entry or table holds any of it before it is sent (`reporter_state`)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from ..models import ReportingMode
from ..selectors.reporters import organisations_to_report_to, reporter_organisations
from .report_journey import DetailsJourney, ReportJourney


def report_start(request):
    return render(
        request,
        "incidents/report_start.html",
        {
            "signed_in": request.user.is_authenticated,
            "can_report_named": request.user.is_authenticated
            and reporter_organisations(user=request.user).exists(),
            "breadcrumbs": [("Home", "/")],
        },
    )


def _reporting_mode(request, mode: str):
    """The mode, or the response that stops a person who may not report in it."""
    if mode not in ReportingMode.values:
        raise Http404
    if mode != ReportingMode.ANONYMOUS and not request.user.is_authenticated:
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
    return None


def report_form(request, mode: str):
    """The report: GET starts it, each POST answers the page shown and gets the next one, the last sends it."""
    stop = _reporting_mode(request, mode)
    if stop is not None:
        return stop
    anonymous = mode == ReportingMode.ANONYMOUS
    organisations = organisations_to_report_to(user=request.user, anonymous=anonymous)
    journey = ReportJourney(request, mode=mode, organisations=organisations)
    if not anonymous and not journey.organisation_ids():
        raise PermissionDenied("You need to belong to an organisation to report under your name")
    response = journey.handle()
    add_never_cache_headers(response)  # the pages carry the report and, once sent, the follow-up code
    return response


def report_more(request, mode: str):
    """'Tell us more' after sending: optional questions added to the report the sealed payload names."""
    stop = _reporting_mode(request, mode)
    if stop is not None:
        return stop
    response = DetailsJourney(request, mode=mode).handle()
    add_never_cache_headers(response)
    return response
