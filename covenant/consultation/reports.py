"""The consultation outcome: one template for the accessible web page and the PDF, shaped like a UK
government consultation response."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cms.reports import Report

from . import publication
from .selectors.campaigns import campaign_groups
from .selectors.summaries import cross_cutting_themes, question_summaries_cached, response_counts

if TYPE_CHECKING:
    from .models.pages import ConsultationPage


class OutcomeReport(Report):
    template_name = "consultation/outcome_report.html"

    def __init__(self, consultation: ConsultationPage):
        self.consultation = consultation

    def get_title(self) -> str:
        return f"{self.consultation.title}: consultation outcome"

    def get_context(self) -> dict[str, Any]:
        consultation = self.consultation
        summaries = [dict(summary) for summary in question_summaries_cached(consultation=consultation)]
        for summary in summaries:
            summary["theme_quotes"] = [
                (theme, publication.theme_quotations(theme=theme)) for theme in summary["themes"]
            ]
        cross_cutting = [
            (theme, publication.theme_quotations(theme=theme))
            for theme in cross_cutting_themes(consultation=consultation)
        ]
        return {
            "consultation": consultation,
            "counts": response_counts(consultation=consultation),
            "summaries": summaries,
            "cross_cutting": cross_cutting,
            # Only groups an analyst confirmed; each with a redacted example from an approved member.
            "campaigns": campaign_groups(consultation=consultation, confirmed_only=True),
            "organisations": publication.responding_organisations(consultation=consultation),
            "published_url": consultation.subpage_url("published"),
            "pdf_url": consultation.subpage_url("outcome_pdf"),
        }
