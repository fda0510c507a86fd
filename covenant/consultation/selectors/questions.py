"""The questions of a consultation, numbered as the form shows them, and their pages of the form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.questions import Question

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage

QUESTIONS_PER_PAGE = 3


def numbered(questions) -> list[Question]:
    questions = list(questions)
    for number, question in enumerate(questions, start=1):
        question._number = number
    return questions


def questions_for(*, consultation: ConsultationPage) -> list[Question]:
    return numbered(consultation.active_questions())


def question_sections(questions: list[Question]) -> list[list[Question]]:
    """Consecutive questions with the same section heading share a page; unheaded ones go three to a page."""
    sections: list[list[Question]] = []
    for question in questions:
        current = sections[-1] if sections else None
        if (
            current
            and current[-1].section == question.section
            and (question.section or len(current) < QUESTIONS_PER_PAGE)
        ):
            current.append(question)
        else:
            sections.append([question])
    return sections


def question_for(*, consultation: ConsultationPage, pk) -> Question | None:
    try:
        return Question.objects.get(consultation=consultation, pk=int(pk))
    except (Question.DoesNotExist, TypeError, ValueError):
        return None
