"""Reads for the consultation. Staff selectors check the permission, so a view cannot forget it."""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from cms import disclosure
from cms.disclosure import TOTAL, AdditiveTable, Audience

from . import publication
from .models import (
    Answer,
    CampaignGroup,
    CampaignReview,
    Channel,
    ConsultationHubPage,
    ConsultationPage,
    ConsultationResponse,
    ModerationState,
    PublishConsent,
    Question,
    RespondentType,
    Theme,
    ThemeTag,
)
from .services import ANALYSE_PERMISSION, MODERATE_PERMISSION

QUESTIONS_PER_PAGE = 3


def _require(user, permission: str) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(permission):
        raise PermissionDenied


def hub_page() -> ConsultationHubPage | None:
    return ConsultationHubPage.objects.live().first()


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


# --- public --------------------------------------------------------------------------------------------------

COUNTED = ~Q(moderation_state=ModerationState.INVALID)


def counted_responses(*, consultation: ConsultationPage) -> QuerySet[ConsultationResponse]:
    return ConsultationResponse.objects.filter(COUNTED, consultation=consultation)


def response_counts(*, consultation: ConsultationPage) -> dict:
    rows = (
        counted_responses(consultation=consultation)
        .values("respondent_type", "channel")
        .annotate(n=Count("pk"))
    )
    by_type: dict[str, int] = defaultdict(int)
    by_channel: dict[str, int] = defaultdict(int)
    for row in rows:
        by_type[row["respondent_type"]] += row["n"]
        by_channel[row["channel"]] += row["n"]
    # Both rows add up to the number of responses: protected together (cms/disclosure.py, audience: consultation).
    cells = disclosure.protect_linked(
        {
            "type": AdditiveTable.one_way(
                {("type", value): by_type.get(value, 0) for value, _ in RespondentType.choices},
                total_key="total",
            ),
            "channel": AdditiveTable.one_way(
                {("channel", value): by_channel.get(value, 0) for value, _ in Channel.choices},
                total_key="total",
            ),
        },
        audience=Audience.CONSULTATION,
        shared=["total"],
    )
    total = cells["type"]["total"]
    return {
        "total": total,
        "by_type": [
            (label, cells["type"][("type", value)], _percent(cells["type"][("type", value)], total))
            for value, label in RespondentType.choices
        ],
        "by_channel": [
            (
                label,
                cells["channel"][("channel", value)],
                _percent(cells["channel"][("channel", value)], total),
            )
            for value, label in Channel.choices
        ],
    }


def summary_stamp(*, consultation: ConsultationPage) -> str:
    """Changes whenever anything a summary counts changes: responses, moderation decisions, themes and tags."""
    responses = ConsultationResponse.objects.filter(consultation=consultation).aggregate(
        n=Count("pk"), moderated=Max("moderated_at"), last=Max("pk")
    )
    tags = ThemeTag.objects.filter(theme__consultation=consultation).aggregate(
        n=Count("pk"),
        created=Max("created_at"),
        confirmed=Max("confirmed_at"),
        themes=Count("theme", distinct=True),
    )
    questions = consultation.questions.aggregate(n=Count("pk"), retired=Max("retired_at"))
    # Renaming or merging a theme changes no count, but summaries show theme names.
    themes = list(Theme.objects.filter(consultation=consultation).order_by("pk").values_list("pk", "name"))
    raw = "|".join(str(value) for value in (*responses.values(), *tags.values(), *questions.values(), themes))
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


def question_summaries_cached(*, consultation: ConsultationPage, timeout: int = 600) -> list[dict]:
    """`question_summaries`, cached until something it counts changes (it scans every answer)."""
    from django.core.cache import cache

    key = f"consultation-summary:{consultation.pk}:{summary_stamp(consultation=consultation)}"
    summaries = cache.get(key)
    if summaries is None:
        summaries = question_summaries(consultation=consultation)
        cache.set(key, summaries, timeout)
    return summaries


def _percent(count, whole) -> float | disclosure.NotShown:
    """Per cent of those who answered, to one decimal place; not shown when either count is hidden."""
    if isinstance(count, disclosure.Suppressed) or isinstance(whole, disclosure.Suppressed):
        return disclosure.NOT_SHOWN
    return round(100 * count / whole, 1) if whole else 0.0


def _protected_answers(*, question, per_type: dict, option_keys: dict, types: list) -> dict:
    """A closed question's answers by option and respondent type, through cms/disclosure.py (audience:
    consultation, counts of 1 and 2 suppressed, docs/disclosure-control.md), keyed like `AdditiveTable.two_way`.

    A single-choice question is a two-way table with its margins (each answer in one option). When people may tick
    several options the options do not add up to those who answered, so each count is protected on its own."""
    options = question.options
    counts = {
        (option, value): per_type.get(value, {}).get(option_keys[option], 0)
        for option in options
        for value, _ in types
    }
    answered = {value: per_type.get(value, {}).get("answered", 0) for value, _ in types}
    if all(sum(counts[(o, value)] for o in options) == answered[value] for value, _ in types):
        return disclosure.protect(
            AdditiveTable.two_way(counts, rows=options, columns=[value for value, _ in types]),
            audience=Audience.CONSULTATION,
        )
    cells = {
        **counts,
        **{(option, TOTAL): sum(counts[(option, value)] for value, _ in types) for option in options},
        **{(TOTAL, value): answered[value] for value, _ in types},
        (TOTAL, TOTAL): sum(answered.values()),
    }
    return {
        key: disclosure.protect(AdditiveTable.one_way({key: n}), audience=Audience.CONSULTATION)[key]
        for key, n in cells.items()
    }


def question_summaries(*, consultation: ConsultationPage) -> list[dict]:
    """For each question: counts and percentages per option split by respondent type, and confirmed themes."""
    from cms.charts import bar_chart, stacked_bar_chart

    questions = questions_for(consultation=consultation)
    types = list(RespondentType.choices)
    theme_counts = defaultdict(list)
    for theme in (
        Theme.objects.filter(consultation=consultation)
        .annotate(
            n=Count(
                "tags__answer__response",
                filter=Q(tags__confirmed_at__isnull=False)
                & Q(
                    tags__answer__response__moderation_state__in=[
                        ModerationState.APPROVED,
                        ModerationState.REJECTED,
                        ModerationState.PENDING,
                    ]
                ),
                distinct=True,
            ),
            published=Count(
                "tags__answer__response",
                filter=Q(tags__confirmed_at__isnull=False)
                & Q(tags__answer__response__moderation_state=ModerationState.APPROVED)
                & ~Q(tags__answer__response__publish_consent=PublishConsent.NONE),
                distinct=True,
            ),
        )
        .order_by("-n", "name")
    ):
        if theme.n:
            _protect_theme(theme)
            theme_counts[theme.question_id].append(theme)
    summaries = []
    counted = Q(response__consultation=consultation) & ~Q(response__moderation_state=ModerationState.INVALID)
    # One pass over the answers for every closed question (grouped by question and respondent type) and one for
    # the free-text questions, rather than a scan per question.
    closed = [question for question in questions if question.is_closed_question]
    option_keys = {option: f"o{i}" for i, option in enumerate(sorted({o for q in closed for o in q.options}))}
    grid: dict[int, dict[str, dict]] = defaultdict(dict)
    if closed:
        rows = (
            Answer.objects.filter(counted, question__in=closed)
            .values("question_id", "response__respondent_type")
            .annotate(
                answered=Count("pk"),
                **{
                    key: Count("pk", filter=Q(selected__contains=f"\n{option}\n"))
                    for option, key in option_keys.items()
                },
            )
            .order_by()
        )
        for row in rows:
            grid[row["question_id"]][row["response__respondent_type"]] = row
    free_text_answered = dict(
        Answer.objects.filter(counted, question__in=[q for q in questions if not q.is_closed_question])
        .exclude(text="")
        .values("question_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("question_id", "n")
    )
    for question in questions:
        summary = {"question": question, "themes": theme_counts.get(question.pk, []), "rows": [], "chart": ""}
        if question.is_closed_question:
            options = question.options
            per_type = grid.get(question.pk, {})
            cells = _protected_answers(
                question=question, per_type=per_type, option_keys=option_keys, types=types
            )
            answered = cells[(TOTAL, TOTAL)]
            for option in options:
                summary["rows"].append(
                    {
                        "option": option,
                        "count": cells[(option, TOTAL)],
                        "percent": _percent(cells[(option, TOTAL)], answered),
                        "by_type": [cells[(option, value)] for value, _ in types],
                    }
                )
            summary["answered"] = answered
            summary["type_labels"] = [label for _, label in types]
            # Hidden cells are left out of the chart (drawn as nothing); the table beside it says "[c]".
            summary["chart"] = stacked_bar_chart(
                options,
                {
                    label: [
                        n if disclosure.is_published_number(n) else 0
                        for n in (r["by_type"][t] for r in summary["rows"])
                    ]
                    for t, (_, label) in enumerate(types)
                },
                title=f"Question {question.number}: answers by respondent type",
            )
        else:
            summary["answered"] = disclosure.protect(
                AdditiveTable.one_way({"answered": free_text_answered.get(question.pk, 0)}),
                audience=Audience.CONSULTATION,
            )["answered"]
        # Hidden theme counts are left out of the chart, so a bar never shows what the table hides.
        theme_rows = disclosure.chart_rows([(theme.name, theme.n) for theme in summary["themes"]])
        if theme_rows:
            summary["theme_chart"] = bar_chart(theme_rows, title=f"Question {question.number}: themes raised")
        summaries.append(summary)
    return summaries


def _protect_theme(theme: Theme) -> Theme:
    """A theme's counts as published (cms/disclosure.py, audience: consultation, counts of 1 and 2 hidden): `n`,
    the responses with the confirmed theme, and `published`, those of them published (when annotated). A response
    can raise several themes, so the themes do not add up: each theme's counts are protected on their own."""
    published = getattr(theme, "published", None)
    if published is None:
        theme.n = disclosure.protect(AdditiveTable.one_way({"n": theme.n}), audience=Audience.CONSULTATION)[
            "n"
        ]
        return theme
    cells = disclosure.protect(
        AdditiveTable.hierarchy({"n": {"published": published, "not_published": theme.n - published}}),
        audience=Audience.CONSULTATION,
    )
    theme.n, theme.published = cells["n"], cells["published"]
    return theme


def cross_cutting_themes(*, consultation: ConsultationPage) -> list[Theme]:
    """Themes across the questions, with `n` protected (`_protect_theme`)."""
    themes = (
        Theme.objects.filter(consultation=consultation, question__isnull=True)
        .annotate(
            n=Count("tags__answer__response", filter=Q(tags__confirmed_at__isnull=False), distinct=True)
        )
        .filter(n__gt=0)
        .order_by("-n", "name")
    )
    return [_protect_theme(theme) for theme in themes]


def campaign_groups(*, consultation: ConsultationPage, confirmed_only: bool = False) -> list[CampaignGroup]:
    """Campaign and duplicate groups, each with `example`: redacted text from an approved member, or "".
    The outcome passes `confirmed_only`: only groups an analyst confirmed are published."""
    groups = CampaignGroup.objects.filter(consultation=consultation).select_related("reviewed_by")
    if confirmed_only:
        groups = groups.filter(review=CampaignReview.CONFIRMED)
    groups = list(groups.order_by("kind", "-size", "pk"))
    for group in groups:
        group.example = publication.campaign_example(group)
        # As published (the outcome report): through cms/disclosure.py, audience: consultation.
        cells = disclosure.protect(
            AdditiveTable.hierarchy(
                {
                    "size": {
                        "exact": group.exact_duplicates,
                        "rest": max(group.size - group.exact_duplicates, 0),
                    }
                }
            ),
            audience=Audience.CONSULTATION,
        )
        group.published_size, group.published_exact_duplicates = cells["size"], cells["exact"]
    return groups


def publication_blockers(response: ConsultationResponse) -> list[str]:
    """Why `response` cannot be approved for publication yet, in words a moderator can act on; empty when it
    can. `services.response_moderate` refuses approval while this finds anything. Other checks that must hold
    a response in moderation add their reasons here."""
    from . import suggestions

    reasons = []
    if response.publish_consent == PublishConsent.NONE:
        reasons.append("This respondent asked us not to publish their response, so it cannot be approved")
    reasons += [suggestion.reason for suggestion in suggestions.unresolved_suggestions(response)]
    return reasons


# --- staff ---------------------------------------------------------------------------------------------------


def moderation_queue(*, user) -> QuerySet[ConsultationResponse]:
    _require(user, MODERATE_PERMISSION)
    return ConsultationResponse.objects.select_related("consultation", "moderated_by").order_by(
        "submitted_at", "pk"
    )


def response_for_moderation(*, user, pk: int) -> ConsultationResponse:
    _require(user, MODERATE_PERMISSION)
    try:
        return ConsultationResponse.objects.select_related("consultation").get(pk=pk)
    except ConsultationResponse.DoesNotExist as exc:
        raise Http404("No such response") from exc


def response_entered_by(*, response: ConsultationResponse) -> str:
    """Who transcribed a response received by e-mail or post, from the audit trail ("" for online ones)."""
    from cms.accounts.models import AuditEvent

    if response.channel == Channel.ONLINE:
        return ""
    event = (
        AuditEvent.objects.filter(
            action="consultation.response_entered",
            object_type=ConsultationResponse._meta.label_lower,
            object_id=str(response.pk),
        )
        .order_by("pk")
        .first()
    )
    return event.actor_label if event is not None else ""


def consultation_for_analysis(*, user, pk: int) -> ConsultationPage:
    _require(user, ANALYSE_PERMISSION)
    try:
        return ConsultationPage.objects.get(pk=pk)
    except ConsultationPage.DoesNotExist as exc:
        raise Http404("No such consultation") from exc


def consultation_for_entry(*, user, pk: int) -> ConsultationPage:
    """A consultation a moderator may transcribe a response received by e-mail or post into."""
    _require(user, MODERATE_PERMISSION)
    try:
        return ConsultationPage.objects.get(pk=pk)
    except ConsultationPage.DoesNotExist as exc:
        raise Http404("No such consultation") from exc


def theme_for_analysis(*, user, pk: int) -> Theme:
    _require(user, ANALYSE_PERMISSION)
    try:
        return Theme.objects.select_related("consultation", "question", "created_by").get(pk=pk)
    except Theme.DoesNotExist as exc:
        raise Http404("No such theme") from exc


def consultations_for_staff(*, user) -> QuerySet[ConsultationPage]:
    if not (user.has_perm(ANALYSE_PERMISSION) or user.has_perm(MODERATE_PERMISSION)):
        raise PermissionDenied
    return ConsultationPage.objects.order_by("-opens_at").annotate(
        pending=Count("responses", filter=Q(responses__moderation_state=ModerationState.PENDING)),
        total=Count("responses"),
    )


def answers_for_analysis(*, user, consultation: ConsultationPage) -> QuerySet[Answer]:
    """Answers analysts may read: those of approved responses (they passed the publication gate), with
    `published_text` only (the original stays with the moderators)."""
    _require(user, ANALYSE_PERMISSION)
    return publication.publishable_answers(
        consultation=consultation, audience=publication.Audience.ANALYST
    ).order_by("response__submitted_at", "response_id", "question__sort_order")


def answer_for_analysis(*, user, pk: int) -> Answer:
    _require(user, ANALYSE_PERMISSION)
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
    from . import textanalysis

    _require(user, ANALYSE_PERMISSION)
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


def themes_with_counts(*, consultation: ConsultationPage) -> QuerySet[Theme]:
    return (
        Theme.objects.filter(consultation=consultation)
        .select_related("question", "created_by")
        .annotate(
            tagged=Count("tags", distinct=True),
            unconfirmed=Count("tags", filter=Q(tags__confirmed_at__isnull=True), distinct=True),
        )
        .order_by("name")
    )


def duplicate_groups(*, consultation: ConsultationPage) -> list[dict]:
    """Responses with exactly the same free text once normalised, as groups with counts."""
    return list(
        counted_responses(consultation=consultation)
        .exclude(fingerprint="")
        .values("fingerprint")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by("-count")
    )


def question_for(*, consultation: ConsultationPage, pk) -> Question | None:
    try:
        return Question.objects.get(consultation=consultation, pk=int(pk))
    except (Question.DoesNotExist, TypeError, ValueError):
        return None


def theme_for(*, consultation: ConsultationPage, pk) -> Theme | None:
    try:
        return Theme.objects.get(consultation=consultation, pk=int(pk))
    except (Theme.DoesNotExist, TypeError, ValueError):
        return None
