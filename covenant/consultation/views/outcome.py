"""The outcome of a concluded consultation: routes of the `ConsultationPage` for the accessible web page and the PDF,
both from `OutcomeReport`. This module must not import the page module (models/pages.py imports it for its routes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse

from ..vocabulary import Lifecycle

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage


def _require_outcome(page):
    if page.status != Lifecycle.CONCLUDED:
        raise Http404("The outcome has not been published")


# The report is imported when an outcome is asked for: it loads WeasyPrint (about a second), and this module is
# imported while the models load (the page's routes call it), so every management command would pay for it.
def outcome(request, page: ConsultationPage):
    from ..reports import OutcomeReport

    _require_outcome(page)
    report = OutcomeReport(page)
    return HttpResponse(report.render_html(request))


def outcome_pdf(request, page: ConsultationPage):
    from cms.reports import pdf_response

    from ..reports import OutcomeReport

    _require_outcome(page)
    return pdf_response(OutcomeReport(page), filename=f"{page.slug}-consultation-outcome.pdf")
