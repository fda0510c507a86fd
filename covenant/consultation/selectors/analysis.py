"""Reads for analysts: the answers they may read (redacted, through `publication`), a question's suggested themes,
the suggested tags to review, the background runs' progress, and how far suggestions agree with analysts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from cms.access import require_permission

from .. import publication, textanalysis
from ..models.analysis import AnalysisRun, Theme, ThemeSuggestion, ThemeTag, ThemeTagRejection
from ..models.questions import Question
from ..models.responses import Answer
from ..roles import ANALYSE_PERMISSION
from ..vocabulary import Origin, SuggestionState

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage


def answers_for_analysis(*, user, consultation: ConsultationPage) -> QuerySet[Answer]:
    """Answers analysts may read: those of approved responses (they passed the publication gate), with
    `published_text` only (the original stays with the moderators)."""
    require_permission(user, ANALYSE_PERMISSION)
    return publication.publishable_answers(
        consultation=consultation, audience=publication.Audience.ANALYST
    ).order_by("response__submitted_at", "response_id", "question__sort_order")


def answer_for_analysis(*, user, pk: int) -> Answer:
    require_permission(user, ANALYSE_PERMISSION)
    answer = (
        publication.publishable_answers(audience=publication.Audience.ANALYST)
        .select_related("response__consultation")
        .filter(pk=pk)
        .first()
    )
    if answer is None:
        raise Http404("No such answer")
    return answer


def theme_suggestions(*, user, question: Question) -> list[ThemeSuggestion]:
    """The suggested themes for a question still waiting for an analyst, each with `examples`: the redacted text
    of its representative answers (through `publication`, approved responses only)."""
    require_permission(user, ANALYSE_PERMISSION)
    suggestions = list(ThemeSuggestion.objects.filter(question=question, state=SuggestionState.PROPOSED))
    wanted = {pk for suggestion in suggestions for pk in suggestion.representatives}
    texts = dict(
        answers_for_analysis(user=user, consultation=question.consultation)
        .filter(pk__in=wanted)
        .values_list("pk", "published_text")
    )
    for suggestion in suggestions:
        suggestion.examples = [texts[pk] for pk in suggestion.representatives if texts.get(pk)][:3]
    return suggestions


def theme_suggestion_for(*, user, question: Question, pk) -> ThemeSuggestion:
    require_permission(user, ANALYSE_PERMISSION)
    try:
        return ThemeSuggestion.objects.get(question=question, pk=int(pk))
    except (ThemeSuggestion.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404("No such suggestion") from exc


def question_for_analysis(*, user, pk: int) -> Question:
    """A question with free text, for its analysis screen; 404 for anything else."""
    require_permission(user, ANALYSE_PERMISSION)
    question = Question.objects.select_related("consultation").filter(pk=pk).first()
    if question is None or not question.has_free_text:
        raise Http404("No such question")
    return question


def latest_runs(*, question: Question) -> dict[str, AnalysisRun]:
    """The latest background run of each kind for a question, for its progress bar."""
    runs: dict[str, AnalysisRun] = {}
    for run in AnalysisRun.objects.filter(question=question).order_by("-created_at", "-pk")[:20]:
        runs.setdefault(run.kind, run)
    return runs


def question_agreement(*, question: Question) -> dict:
    """How far the system's suggested tags agree with the analysts' decisions on this question so far:
    precision (of the suggestions analysts decided on, the share they confirmed), recall (of the tags analysts
    confirmed, the share the system had suggested) and F1, with the counts behind them."""
    tags = ThemeTag.objects.filter(theme__question=question, answer__question=question)
    confirmed_system = tags.filter(origin=Origin.SYSTEM, confirmed_at__isnull=False).count()
    confirmed = tags.filter(confirmed_at__isnull=False).count()
    rejected = ThemeTagRejection.objects.filter(theme__question=question, answer__question=question).count()
    waiting = tags.filter(confirmed_at__isnull=True).count()
    figures = textanalysis.agreement(
        agreed=confirmed_system, suggested=confirmed_system + rejected, decided=confirmed
    )
    return {
        **figures,
        "confirmed_system": confirmed_system,
        "confirmed": confirmed,
        "rejected": rejected,
        "waiting": waiting,
    }


def answers_to_review(*, user, question: Question, theme: Theme | None = None) -> QuerySet[Answer]:
    """Answers to the question with a suggested (unconfirmed) tag to decide on, oldest first, with every tag."""
    answers = answers_for_analysis(user=user, consultation=question.consultation).filter(
        question=question, tags__confirmed_at__isnull=True
    )
    if theme is not None:
        answers = answers.filter(tags__theme=theme)
    return answers.distinct().order_by("pk")
