"""The published figures of a consultation: response counts, each question's answers and themes, and the themes
across questions, all protected by cms/disclosure.py (audience: consultation, docs/disclosure-control.md)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from cms import disclosure
from cms.charts import bar_chart, stacked_bar_chart
from cms.disclosure import TOTAL, AdditiveTable, Audience

from .. import publication
from ..models.analysis import Theme, ThemeTag
from ..models.responses import Answer, ConsultationResponse
from ..vocabulary import Channel, ModerationState, RespondentType
from .questions import questions_for

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage

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
    questions = questions_for(consultation=consultation)
    types = list(RespondentType.choices)
    theme_counts = defaultdict(list)
    for theme in _themes_with_counts(consultation=consultation, question__isnull=False):
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
        # Each theme's share of those who answered the question (not shown when either count is hidden).
        for theme in summary["themes"]:
            theme.share = disclosure.share(theme.n, summary["answered"], audience=Audience.CONSULTATION)
        # Hidden theme counts are left out of the chart, so a bar never shows what the table hides.
        theme_rows = disclosure.chart_rows([(theme.name, theme.n) for theme in summary["themes"]])
        if theme_rows:
            summary["theme_chart"] = bar_chart(theme_rows, title=f"Question {question.number}: themes raised")
        summaries.append(summary)
    return summaries


def _protect_theme(theme: Theme) -> Theme:
    """A theme's counts as published (cms/disclosure.py, audience: consultation, counts of 1 and 2 hidden): `n`,
    the responses with the confirmed theme, and `published`, those of them published. A response
    can raise several themes, so the themes do not add up: each theme's counts are protected on their own.

    The published responses are public one by one (the published responses page, the comments database, the
    API), so anyone can count them: `n` must hide the responses that are not published on its own. It is hidden
    whenever those are few enough to be hidden themselves, since `n` minus the published responses anyone can
    count would give them away; `published` is protected as a count of its own."""
    n = _protected_count(theme.n)
    not_published = _protected_count(theme.n - theme.published)
    theme.n = not_published if isinstance(not_published, disclosure.Suppressed) else n
    theme.published = _protected_count(theme.published)
    return theme


def _protected_count(value: int):
    """One count on its own, as the consultation's outputs publish it: the number, or Suppressed."""
    return disclosure.protect(AdditiveTable.one_way({"count": value}), audience=Audience.CONSULTATION)[
        "count"
    ]


def _themes_with_counts(*, consultation: ConsultationPage, **where) -> list[Theme]:
    """The consultation's themes (filtered by `where`) raised by at least one counted response, most raised first,
    each protected (`_protect_theme`): `n`, the counted responses (not invalid) with a confirmed tag of the theme,
    and `published`, those of them anyone can list (`publication.theme_published_counts`, the published
    responses' own condition: approved, consented, no open safeguarding referral)."""
    themes = list(
        Theme.objects.filter(consultation=consultation, **where)
        .annotate(
            n=Count(
                "tags__answer__response",
                filter=Q(tags__confirmed_at__isnull=False)
                & ~Q(tags__answer__response__moderation_state=ModerationState.INVALID),
                distinct=True,
            )
        )
        .filter(n__gt=0)
        .order_by("-n", "name")
    )
    published = publication.theme_published_counts(consultation=consultation) if themes else {}
    for theme in themes:
        theme.published = published.get(theme.pk, 0)
        _protect_theme(theme)
    return themes


def cross_cutting_themes(*, consultation: ConsultationPage) -> list[Theme]:
    """Themes across the questions, protected as each question's themes are (`_protect_theme`)."""
    return _themes_with_counts(consultation=consultation, question__isnull=True)
