"""Consultation documents, each one template for the accessible web page and the PDF: the outcome, shaped like a
UK government consultation response, and every question of the form to read or print before responding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cms.reports import Report

from . import publication
from .campaign_detection import campaign_min_size
from .forms import AboutYouForm
from .selectors.campaigns import campaign_groups, campaign_totals
from .selectors.questions import question_sections, questions_for
from .selectors.summaries import cross_cutting_themes, question_summaries_cached, response_counts
from .vocabulary import QuestionKind

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
            "campaign_totals": campaign_totals(consultation=consultation),
            "min_size": campaign_min_size(),
            "organisations": publication.responding_organisations(consultation=consultation),
            "published_url": consultation.subpage_url("published"),
            "pdf_url": consultation.subpage_url("outcome_pdf"),
        }


ANSWER_HOW = {
    QuestionKind.AGREE_SCALE: "Choose one",
    QuestionKind.SINGLE_CHOICE: "Choose one",
    QuestionKind.MULTIPLE_CHOICE: "Choose all that apply",
    QuestionKind.FREE_TEXT: "Write your answer",
}


def _numbers(section) -> str:
    first, last = section[0].number, section[-1].number
    return f"Question {first}" if first == last else f"Questions {first} to {last}"


class QuestionsReport(Report):
    """Every question of the form, page by page, with its hint, options and limits, so that people can prepare
    their answers offline (printed, or as a PDF) before they start."""

    template_name = "consultation/questions_report.html"

    def __init__(self, consultation: ConsultationPage):
        self.consultation = consultation

    def get_title(self) -> str:
        return f"{self.consultation.title}: the questions"

    def get_context(self) -> dict[str, Any]:
        consultation = self.consultation
        about = AboutYouForm()
        del about.fields["email"]
        sections = [
            {
                "heading": section[0].section or _numbers(section),
                "questions": [
                    {"question": question, "how": ANSWER_HOW.get(question.kind, "")} for question in section
                ],
            }
            for section in question_sections(questions_for(consultation=consultation))
        ]
        return {
            "consultation": consultation,
            "about_fields": [
                {
                    "label": field.label,
                    "help_text": field.help_text,
                    "options": [label for value, label in getattr(field, "choices", []) if value],
                    "required": field.required,
                }
                for field in about.fields.values()
            ],
            "sections": sections,
            "pdf_url": consultation.subpage_url("all_questions_pdf"),
            "page_url": consultation.url,
            "respond_url": consultation.respond_url() if consultation.is_open else "",
        }
