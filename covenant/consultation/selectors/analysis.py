"""Reads for analysts: the answers they may read (redacted, through `publication`) and suggested themes."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from cms.access import require_permission

from .. import publication, textanalysis
from ..models.questions import Question
from ..models.responses import Answer
from ..roles import ANALYSE_PERMISSION

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


def theme_suggestions(
    *, user, consultation: ConsultationPage, question: Question, k: int = 5, limit: int = 3000
):
    """Clusters of this question's free-text answers, with their top terms, for an analyst to name."""
    require_permission(user, ANALYSE_PERMISSION)
    rows = list(
        answers_for_analysis(user=user, consultation=consultation)
        .filter(question=question)
        .exclude(published_text="")
        .order_by("pk")
        .values_list("pk", "published_text")[:limit]
    )
    if not rows:
        return []
    vectors, _ = textanalysis.tfidf_vectors([text for _, text in rows])
    # Few answers make few themes: about sqrt(n/2) clusters, at most k.
    k = min(k, max(2, int(math.sqrt(len(rows) / 2))))
    assignment = textanalysis.kmeans(vectors, k, seed=question.pk)
    clusters: dict[int, list[int]] = defaultdict(list)
    for (pk, _), cluster in zip(rows, assignment, strict=True):
        if cluster >= 0:
            clusters[cluster].append(pk)
    texts = dict(rows)
    positions = {pk: i for i, (pk, _) in enumerate(rows)}
    result = []
    for index, members in sorted(clusters.items(), key=lambda item: -len(item[1])):
        result.append(
            {
                "index": index,
                "size": len(members),
                "terms": textanalysis.top_terms([vectors[positions[pk]] for pk in members]),
                "examples": [texts[pk] for pk in members[:3]],
                "answer_ids": members,
            }
        )
    return result
