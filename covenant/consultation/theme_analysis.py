"""The background half of theme analysis, per question: suggest candidate themes (`themes_suggest`) and suggest
which themes each answer raises (`themes_assign`). The tasks in `tasks.py` call these with a run's id; the
services that enqueue them are in `services/analysis.py` (kept apart so that the tasks import no services).

Both read answers only through `publication` (approved responses, redacted text), stream them from the database
in chunks (`iterator()`), fit their models on an evenly spaced sample of at most `SAMPLE` answers, and record
their progress on the `AnalysisRun`, so a question with 100,000 answers runs in bounded memory while the analyst
watches the bar move. Suggestions are never public: a suggested tag is unconfirmed until an analyst confirms
it, and the public reads confirmed tags only."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import islice

from django.db import transaction
from django.utils import timezone

from . import publication, textanalysis
from .models.analysis import AnalysisRun, Theme, ThemeSuggestion, ThemeTag, ThemeTagRejection
from .models.questions import Question
from .vocabulary import Origin, RunStatus, SuggestionState

logger = logging.getLogger(__name__)

SAMPLE = 10_000
CHUNK = 2_000
EXAMPLES_PER_THEME = 300


def question_answers(question: Question):
    """The question's answers analysts may read, as (id, redacted text) in id order, never empty ones."""
    return (
        publication.publishable_answers(
            consultation=question.consultation, audience=publication.Audience.ANALYST
        )
        .filter(question=question)
        .exclude(published_text="")
        .order_by("pk")
        .values_list("pk", "published_text")
    )


def _chunks(rows, size: int = CHUNK) -> Iterator[list[tuple[int, str]]]:
    stream = rows.iterator(chunk_size=size)
    while chunk := list(islice(stream, size)):
        yield chunk


def _sample(question: Question, total: int, run: AnalysisRun | None = None) -> list[tuple[int, str]]:
    """An evenly spaced sample of the question's answers, read in chunks (progress on `run` as it reads)."""
    wanted = set(textanalysis.evenly_spaced(total, SAMPLE))
    sample, position = [], 0
    for chunk in _chunks(question_answers(question)):
        for row in chunk:
            if position in wanted:
                sample.append(row)
            position += 1
        if run is not None:
            _progress(run, done=position)
    return sample


def _progress(run: AnalysisRun, *, done: int, total: int | None = None, status: str | None = None) -> None:
    fields = {"done": done}
    if total is not None:
        fields["total"] = total
    if status is not None:
        fields["status"] = status
    AnalysisRun.objects.filter(pk=run.pk).update(**fields)


def _finish(run: AnalysisRun, result: str) -> None:
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, result=result[:300], finished_at=timezone.now(), done=run.total or 0
    )


def _same_topic(terms: list[str], other: list[str]) -> bool:
    """Two suggestions are the same theme when three of their five leading terms are shared."""
    return len(set(terms[:5]) & set(other[:5])) >= 3


def run_claim(run_id: int) -> AnalysisRun | None:
    run = AnalysisRun.objects.select_related("question__consultation").filter(pk=run_id).first()
    if run is None or run.status == RunStatus.DONE:
        return None
    return run


def run_failed(run: AnalysisRun) -> None:
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), result="Something went wrong. Try again."
    )


def themes_suggest(run: AnalysisRun) -> list[ThemeSuggestion]:
    """Candidate themes for the run's question, replacing the suggestions still waiting for an analyst. One like a
    suggestion an analyst rejected (or already accepted) is not suggested again."""
    question = run.question
    total = question_answers(question).count()
    _progress(run, done=0, total=total, status=RunStatus.RUNNING)
    run.total = total
    sample = _sample(question, total, run)
    topics = textanalysis.suggest_topics([text for _, text in sample])
    scale = total / len(sample) if sample else 0
    decided = [
        suggestion.term_list
        for suggestion in ThemeSuggestion.objects.filter(question=question).exclude(
            state=SuggestionState.PROPOSED
        )
    ]
    names = [name.lower() for name in Theme.objects.filter(question=question).values_list("name", flat=True)]
    with transaction.atomic():
        ThemeSuggestion.objects.filter(question=question, state=SuggestionState.PROPOSED).delete()
        created = []
        for topic in topics:
            terms = list(topic.terms)
            if any(_same_topic(terms, other) for other in decided) or ", ".join(terms[:2]).lower() in names:
                continue
            created.append(
                ThemeSuggestion.objects.create(
                    question=question,
                    terms=", ".join(terms),
                    key=topic.key,
                    size=round(len(topic.members) * scale),
                    representatives=[sample[i][0] for i in topic.representatives],
                )
            )
    _finish(run, f"{len(created)} themes suggested from {len(sample):,} of {total:,} answers")
    return created


def _profiles(question: Question, themes: list[Theme]) -> list[textanalysis.ThemeProfile]:
    """Each theme as the analysts have defined it: name, description and the answers confirmed for it."""
    profiles = []
    for theme in themes:
        examples = list(
            question_answers(question)
            .filter(tags__theme=theme, tags__confirmed_at__isnull=False)
            .values_list("published_text", flat=True)[:EXAMPLES_PER_THEME]
        )
        profiles.append(
            textanalysis.ThemeProfile(
                key=theme.pk, name=theme.name, description=theme.description, examples=examples
            )
        )
    return profiles


def themes_assign(run: AnalysisRun) -> int:
    """Suggest which of the question's themes each of its answers raises: unconfirmed tags made by the system,
    replacing the earlier unconfirmed suggestions. Pairs an analyst rejected are never suggested again, and
    pairs already tagged stay as they are. Returns the number of tags suggested."""
    question = run.question
    themes = list(Theme.objects.filter(question=question).order_by("pk"))
    total = question_answers(question).count()
    _progress(run, done=0, total=total, status=RunStatus.RUNNING)
    run.total = total
    if not themes:
        _finish(run, "There are no themes for this question yet")
        return 0
    sample = _sample(question, total)
    try:
        matcher = textanalysis.ThemeMatcher(
            sample=[text for _, text in sample], themes=_profiles(question, themes)
        )
    except ValueError:  # too few words in the answers and themes to compare them by
        _finish(run, "There are too few answers with words in them to suggest themes for yet")
        return 0
    del sample
    ThemeTag.objects.filter(theme__in=themes, origin=Origin.SYSTEM, confirmed_at__isnull=True).delete()
    suggested, done = 0, 0
    for chunk in _chunks(question_answers(question)):
        ids = [pk for pk, _ in chunk]
        taken = set(
            ThemeTag.objects.filter(answer_id__in=ids, theme__in=themes).values_list("answer_id", "theme_id")
        ) | set(
            ThemeTagRejection.objects.filter(answer_id__in=ids, theme__in=themes).values_list(
                "answer_id", "theme_id"
            )
        )
        new = [
            ThemeTag(answer_id=pk, theme_id=theme_id, origin=Origin.SYSTEM)
            for (pk, _), found in zip(chunk, matcher.assign([text for _, text in chunk]), strict=True)
            for theme_id, _score in found
            if (pk, theme_id) not in taken
        ]
        ThemeTag.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        suggested += len(new)
        done += len(chunk)
        _progress(run, done=done)
    _finish(run, f"{suggested:,} theme tags suggested for {total:,} answers: confirm or reject them")
    return suggested
