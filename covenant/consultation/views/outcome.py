"""The consultation's documents, each an accessible web page and a PDF from one report: the outcome of a concluded
consultation (`OutcomeReport`) and, at any time, every question to read or print before responding
(`QuestionsReport`). This module must not import the page module (models/pages.py imports it for its routes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse

from cms.reports import pdf_response

from ..reports import OutcomeReport, QuestionsReport
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


def all_questions(request, page: ConsultationPage):
    report = QuestionsReport(page)
    report.breadcrumbs = route_breadcrumbs(page)
    return HttpResponse(report.render_html(request))


def all_questions_pdf(request, page: ConsultationPage):
    return pdf_response(QuestionsReport(page), filename=f"{page.slug}-questions.pdf")
