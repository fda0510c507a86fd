"""The outcome of a concluded consultation: routes of the `ConsultationPage` for the accessible web page and the PDF,
both from `OutcomeReport`. This module must not import the page module (models/pages.py imports it for its routes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse

from cms.reports import pdf_response

from ..reports import OutcomeReport
from ..vocabulary import Lifecycle
from .routes import route_breadcrumbs

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage


def _require_outcome(page):
    if page.status != Lifecycle.CONCLUDED:
        raise Http404("The outcome has not been published")


def outcome(request, page: ConsultationPage):
    _require_outcome(page)
    report = OutcomeReport(page)
    report.breadcrumbs = route_breadcrumbs(page)
    return HttpResponse(report.render_html(request))


def outcome_pdf(request, page: ConsultationPage):
    _require_outcome(page)
    return pdf_response(OutcomeReport(page), filename=f"{page.slug}-consultation-outcome.pdf")
