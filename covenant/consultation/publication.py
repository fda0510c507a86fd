"""What anyone but a moderator may read of a response: the one way to the published text.

Every public or analyst-facing screen and export (published responses, open data, the outcome page and PDF,
quotations, campaign examples, the analysts' answers table, themes and exports) reads responses through this
module. It returns only **approved** responses (approval requires consent and passes the publication gate,
`selectors.publication_blockers`) with no open safeguarding referral (raising one withdraws an approved response
from publication; excluding them here is the second defence), and only their redacted text:

- `publishable_answers(consultation=..., audience=...)`: answers annotated with `published_text` (the
  redacted text) and, for their response, `published_name`;
- `published_text(answer)` and `published_name(response)` for a single record;
- `published_responses`, `published_answer_rows`, `theme_quotations`, `responding_organisations`,
  `campaign_example`, `open_data_records` for the screens (and the public API) that need them;
- `respondent_copy(response)`: the one exception, the respondent's own words as typed, for the copy of their
  answers e-mailed to them and to nobody else.
- `published_comments()`, `comments_matching(...)` and `comment_headlines(...)` for the comments database across every consultation
  whose responses are published (full-text search on PostgreSQL, every word on SQLite), and
  `comment_records(...)` for its downloads.

`tests/covenant/consultation/test_publication_gate.py` scans the code and templates: nothing outside this
module, the services that write redactions and the moderators' own screen may read an answer's text, a
respondent's name or organisation, or their redacted versions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connections, models
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.models import PageViewRestriction

from . import comment_search, textanalysis
from .models.analysis import CampaignGroup, Theme, ThemeTag
from .models.questions import Question
from .models.responses import Answer, ConsultationResponse
from .models.safeguarding import SafeguardingReferral
from .vocabulary import ModerationState, PublishConsent, ReferralStatus, RespondentType

if TYPE_CHECKING:
    from .models.pages import ConsultationPage


class Audience(models.TextChoices):
    PUBLIC = "public", "Anyone (confirmed themes only)"
    ANALYST = "analyst", "Analysts (every theme tag, confirmed or not)"


def _open_referral(response: OuterRef) -> Exists:
    return Exists(SafeguardingReferral.objects.filter(status=ReferralStatus.OPEN, response=response))


# The two conditions are built when used, not once at import: this module is imported while the models are still
# loading (the page's routes import the public views, which read through here), before a query can follow a relation.
def _publishable() -> Q:
    return (
        Q(moderation_state=ModerationState.APPROVED)
        & ~Q(publish_consent=PublishConsent.NONE)
        & ~_open_referral(OuterRef("pk"))
    )


def _answer_publishable() -> Q:
    """The same, for answers: their response is publishable."""
    return (
        Q(response__moderation_state=ModerationState.APPROVED)
        & ~Q(response__publish_consent=PublishConsent.NONE)
        & ~_open_referral(OuterRef("response"))
    )


_NAMED = Q(publish_consent=PublishConsent.NAMED)
_PUBLISHED_NAME = Case(
    When(_NAMED & Q(respondent_type=RespondentType.ORGANISATION), then=F("redacted_organisation_name")),
    When(_NAMED, then=F("redacted_respondent_name")),
    default=Value(""),
    output_field=models.CharField(),
)


def is_publishable(response: ConsultationResponse) -> bool:
    return (
        response.moderation_state == ModerationState.APPROVED
        and response.publish_consent != PublishConsent.NONE
        and not response.safeguarding_referrals.filter(status=ReferralStatus.OPEN).exists()
    )


def published_name(response: ConsultationResponse) -> str:
    """The (redacted) name shown with a published response: nothing unless they asked to be named."""
    if not is_publishable(response) or response.publish_consent != PublishConsent.NAMED:
        return ""
    if response.respondent_type == RespondentType.ORGANISATION:
        return response.redacted_organisation_name
    return response.redacted_respondent_name


def published_text(answer: Answer) -> str:
    """The redacted text of an answer, or "" when its response is not published."""
    return answer.redacted_text if is_publishable(answer.response) else ""


def publishable_responses(*, consultation: ConsultationPage) -> QuerySet[ConsultationResponse]:
    return ConsultationResponse.objects.filter(_publishable(), consultation=consultation).annotate(
        published_name=_PUBLISHED_NAME
    )


def _tags(audience: str) -> Prefetch:
    tags = ThemeTag.objects.select_related("theme")
    if audience == Audience.PUBLIC:
        tags = tags.filter(confirmed_at__isnull=False)
    return Prefetch("tags", queryset=tags)


def publishable_answers(
    *, consultation: ConsultationPage | None = None, audience: str = Audience.PUBLIC
) -> QuerySet[Answer]:
    """Answers of approved responses, each with `published_text` (redacted) and theme tags for the audience
    (confirmed tags only for the public). Read `published_text`, never the model fields."""
    answers = Answer.objects.filter(_answer_publishable())
    if consultation is not None:
        answers = answers.filter(response__consultation=consultation)
    return (
        answers.annotate(published_text=F("redacted_text"))
        .select_related("question", "response")
        .prefetch_related(_tags(audience))
    )


def theme_published_counts(*, consultation: ConsultationPage) -> dict[int, int]:
    """For each theme of the consultation, how many publishable responses carry a confirmed tag of it: the number
    anyone can count by listing `published_responses(theme=...)` (same condition, `_answer_publishable`)."""
    tags = ThemeTag.objects.filter(
        Exists(Answer.objects.filter(_answer_publishable(), pk=OuterRef("answer"))),
        theme__consultation=consultation,
        confirmed_at__isnull=False,
    )
    rows = tags.values("theme_id").annotate(n=Count("answer__response", distinct=True)).order_by()
    return {row["theme_id"]: row["n"] for row in rows}


def published_responses(
    *,
    consultation: ConsultationPage,
    search: str = "",
    respondent_type: str = "",
    question: Question | None = None,
    theme: Theme | None = None,
) -> QuerySet[ConsultationResponse]:
    """Approved, consented responses with `published_name` and their answers' `published_text`."""
    queryset = publishable_responses(consultation=consultation)
    if respondent_type:
        queryset = queryset.filter(respondent_type=respondent_type)
    if question is not None:
        # A semi-join rather than a join: no duplicate rows, and a page stops at its limit (100 times faster at
        # 100,000 responses than the join below, benchmarks/api.py).
        queryset = queryset.filter(Exists(Answer.objects.filter(response=OuterRef("pk"), question=question)))
    if theme is not None:
        queryset = queryset.filter(answers__tags__theme=theme, answers__tags__confirmed_at__isnull=False)
    if search:
        queryset = queryset.filter(answers__redacted_text__icontains=search)
    if theme is not None or search:
        queryset = publishable_responses(consultation=consultation).filter(pk__in=queryset.values("pk"))
    answers = (
        Answer.objects.annotate(published_text=F("redacted_text"))
        .select_related("question")
        .prefetch_related(_tags(Audience.PUBLIC))
    )
    return queryset.order_by("submitted_at", "pk").prefetch_related(Prefetch("answers", queryset=answers))


def _answers_with_themes(response_ids: list[int]) -> list[tuple]:
    """The answers of those of `response_ids` that are publishable, in question order, as (answer id, response id,
    question id, options chosen, published text, [confirmed theme names]).

    The ids are checked as responses first (by primary key, then `_publishable`), and the answers and tags read
    through them: a filter on the answers' `response_id` joined to the rule let PostgreSQL hash every publishable
    response of the table to keep a page's hundred (40 of a page's 60 ms at 100,000 responses), and a list of the
    answers' ids grows with the questions past what SQLite takes in one statement."""
    publishable = ConsultationResponse.objects.filter(_publishable(), pk__in=response_ids).values("pk")
    answers = (
        Answer.objects.filter(response_id__in=publishable)
        .annotate(published_text=F("redacted_text"))
        .order_by("question__sort_order", "question_id")
        .values_list("pk", "response_id", "question_id", "selected", "published_text")
    )
    themes = defaultdict(list)
    for answer_id, name in ThemeTag.objects.filter(
        answer__response_id__in=publishable, confirmed_at__isnull=False
    ).values_list("answer_id", "theme__name"):
        themes[answer_id].append(name)
    return [(*answer, sorted(themes.get(answer[0], []))) for answer in answers]


def published_answer_rows(*, response_ids: list[int]) -> dict[int, list[dict]]:
    """The published answers of responses listed through `published_responses`, as plain rows (no model
    instances: the public API lists up to 100 responses a page): {response id: [{"question_id", "selected",
    "published_text", "themes"}]}, in question order, confirmed themes only. A response that is not publishable
    gets no rows, whatever id is passed."""
    rows: dict[int, list[dict]] = defaultdict(list)
    for _answer_id, response_id, question_id, selected, text, themes in _answers_with_themes(response_ids):
        rows[response_id].append(
            {
                "question_id": question_id,
                "selected": [value for value in selected.split("\n") if value],
                "published_text": text,
                "themes": themes,
            }
        )
    return rows


def theme_quotations(*, theme: Theme, limit: int = 3, candidates: int = 60) -> list[Answer]:
    """Up to `limit` representative published answers carrying a confirmed tag of `theme`, with `published_text`
    and their response's `published_name`: of the first `candidates`, those closest to what they have in common
    (`textanalysis.representative`)."""
    answers = list(
        publishable_answers(consultation=theme.consultation)
        .filter(tags__theme=theme, tags__confirmed_at__isnull=False)
        .exclude(published_text="")
        .order_by("response__submitted_at", "pk")[:candidates]
    )
    answers = [
        answers[i] for i in textanalysis.representative([a.published_text for a in answers], limit=limit)
    ]
    for answer in answers:
        answer.published_name = published_name(answer.response)
    return answers


def responding_organisations(*, consultation: ConsultationPage) -> list[str]:
    """The (redacted) names of the organisations that responded and asked to be named."""
    names = (
        publishable_responses(consultation=consultation)
        .filter(respondent_type=RespondentType.ORGANISATION, publish_consent=PublishConsent.NAMED)
        .exclude(redacted_organisation_name="")
        .values_list("published_name", flat=True)
    )
    return sorted(set(names), key=str.lower)


def campaign_example(group: CampaignGroup, *, limit: int = 300) -> str:
    """A redacted example of a campaign group's wording, from its earliest approved member; "" if none of
    its members is approved for publication."""
    texts = list(
        publishable_answers(consultation=group.consultation)
        .filter(response__campaign=group)
        .exclude(redacted_text="")
        .order_by("response__submitted_at", "response_id", "question__sort_order")
        .values_list("response_id", "published_text")[:20]
    )
    if not texts:
        return ""
    first = texts[0][0]
    example = " ".join(text for response_id, text in texts if response_id == first)
    return example if len(example) <= limit else example[: limit - 1] + "…"


def respondent_copy(response: ConsultationResponse) -> list[dict]:
    """The respondent's own answers exactly as they typed them, for the copy e-mailed to the address they gave when
    sending ("E-mail me a copy of my answers"). For the respondent alone, never for a screen or an export: every
    current question in order, with what they chose and wrote (both empty when unanswered)."""
    answers = {answer.question_id: answer for answer in response.answers.all()}
    rows = []
    for number, question in enumerate(response.consultation.active_questions(), start=1):
        answer = answers.get(question.pk)
        rows.append(
            {
                "number": number,
                "question": question.text,
                "selected": answer.choices if answer else [],
                "text": answer.text if answer else "",
            }
        )
    return rows


def open_data_records(*, consultation: ConsultationPage, questions: list[Question], chunk_size: int = 2000):
    """Published responses as plain records, read in keyset chunks with values() so memory stays flat."""
    published = (
        publishable_responses(consultation=consultation)
        .order_by("pk")
        .values_list(
            "pk",
            "public_id",
            "submitted_at",
            "respondent_type",
            "published_name",
            "region",
            "publish_consent",
        )
    )
    last = 0
    while True:
        chunk = list(published.filter(pk__gt=last)[:chunk_size])
        if not chunk:
            break
        last = chunk[-1][0]
        yield from _records(chunk, questions)


def _records(chunk: list[tuple], questions: list[Question]) -> Iterator[dict]:
    answers: dict[int, dict] = defaultdict(dict)
    for _answer_id, response_id, question_id, selected, text, themes in _answers_with_themes(
        [row[0] for row in chunk]
    ):
        answers[response_id][question_id] = (selected, text, themes)
    for pk, public_id, submitted_at, respondent_type, name, region, _consent in chunk:
        is_organisation = respondent_type == RespondentType.ORGANISATION
        record = {
            "public_id": public_id,
            "submitted_date": submitted_at.date().isoformat(),
            "respondent_type": respondent_type,
            "respondent_name": "" if is_organisation else name,
            "organisation_name": name if is_organisation else "",
            "region": region,
            "answers": [],
        }
        for question in questions:
            selected, text, themes = answers[pk].get(question.pk, ("", "", []))
            record["answers"].append(
                {
                    "question": question.number,
                    "question_id": str(question.uuid),
                    "selected": [value for value in selected.split("\n") if value],
                    "text": text,
                    "themes": themes,
                }
            )
        yield record


# --- the comments database: published free text across every consultation ----------------------------------------


def consultations_published(prefix: str = "") -> Q:
    """Consultations whose responses are published (`ConsultationPage.feedback_published`): live, not behind a
    view restriction (on them or a page above them), and closed or concluded. `prefix` reaches the page from
    another model, e.g. "response__consultation__"."""
    now = timezone.now()
    concluded = Q(**{f"{prefix}outcome_published_at__isnull": False}) & ~Q(**{f"{prefix}outcome_summary": ""})
    restricted = Exists(
        PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef(f"{prefix}path"), 1, Length("page__path"))
        )
    )
    return Q(**{f"{prefix}live": True}) & (Q(**{f"{prefix}closes_at__lte": now}) | concluded) & ~Q(restricted)


_ANSWER_NAMED = Q(response__publish_consent=PublishConsent.NAMED)
_ANSWER_PUBLISHED_NAME = Case(
    When(
        _ANSWER_NAMED & Q(response__respondent_type=RespondentType.ORGANISATION),
        then=F("response__redacted_organisation_name"),
    ),
    When(_ANSWER_NAMED, then=F("response__redacted_respondent_name")),
    default=Value(""),
    output_field=models.CharField(),
)


def published_comments() -> QuerySet[Answer]:
    """Every published comment (the redacted free text of an answer of an approved, consented response with no
    open safeguarding referral) of every consultation whose responses are published, newest first. Each has
    `published_text`, `published_name` and its confirmed theme tags."""
    return (
        Answer.objects.filter(_answer_publishable(), consultations_published("response__consultation__"))
        .exclude(redacted_text="")
        .annotate(published_text=F("redacted_text"), published_name=_ANSWER_PUBLISHED_NAME)
        .select_related("question", "response", "response__consultation")
        .defer("text", "response__respondent_name", "response__organisation_name")
        .prefetch_related(_tags(Audience.PUBLIC))
        .order_by("-response__submitted_at", "-pk")
    )


class _StoredSearchVector(models.Expression):
    """The published text's tsvector, stored by PostgreSQL beside it (the generated column `published_search`,
    indexed with GIN, that migration 0004 adds on PostgreSQL only): the model does not know it, so no other
    database sees it. Stored, a search does not re-parse every matching comment to test and rank it."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name(SEARCH_COLUMN)}", []


SEARCH_COLUMN = "published_search"


def _search_query(query: str) -> SearchQuery:
    return SearchQuery(query, config=comment_search.CONFIG, search_type="websearch")


def comments_matching(comments: QuerySet[Answer], query: str) -> QuerySet[Answer]:
    """The comments that match a search. PostgreSQL: web-search syntax ("quoted phrases", or, -word) over the
    stored English tsvector, most relevant first (`search_rank`). Elsewhere: every word must appear
    (case-insensitive), newest first."""
    if connections[comments.db].vendor == "postgresql":
        search = _search_query(query)
        return (
            comments.annotate(search_vector=_StoredSearchVector())
            .filter(search_vector=search)
            .annotate(search_rank=SearchRank(_StoredSearchVector(), search))
            .order_by("-search_rank", "-response__submitted_at", "-pk")
        )
    for word in comment_search.words(query):
        comments = comments.filter(redacted_text__icontains=word)
    return comments


def comment_headlines(*, ids: list[int], query: str) -> dict[int, str]:
    """PostgreSQL: the whole published text of these comments (those of them that are published) with the
    search's matches between `comment_search` markers. Asked for one page of results only: a headline is
    costly, and made in the search itself it would be made for every match."""
    headline = SearchHeadline(
        "redacted_text",
        _search_query(query),
        config=comment_search.CONFIG,
        start_sel=comment_search.START,
        stop_sel=comment_search.STOP,
        highlight_all=True,
    )
    rows = published_comments().filter(pk__in=ids).order_by().annotate(headline=headline)
    return dict(rows.values_list("pk", "headline"))


def comment_records(comments: QuerySet[Answer], *, chunk_size: int = 2000) -> Iterator[dict]:
    """Published comments as plain records for the downloads, in the order given, read in chunks with
    values() so memory stays flat; the same fields as the per-consultation open data, one row per comment."""
    rows = comments.values_list(
        "pk",
        "response__consultation__title",
        "response__public_id",
        "response__submitted_at",
        "response__respondent_type",
        "published_name",
        "response__region",
        "question__sort_order",
        "question__uuid",
        "question__text",
        "selected",
        "published_text",
    ).iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        themes = defaultdict(list)
        for answer_id, name in ThemeTag.objects.filter(
            answer_id__in=[row[0] for row in chunk], confirmed_at__isnull=False
        ).values_list("answer_id", "theme__name"):
            themes[answer_id].append(name)
        for (
            pk,
            title,
            public_id,
            submitted,
            kind,
            name,
            region,
            order,
            uuid,
            question,
            selected,
            text,
        ) in chunk:
            is_organisation = kind == RespondentType.ORGANISATION
            yield {
                "consultation": title,
                "public_id": public_id,
                "submitted_date": submitted.date().isoformat(),
                "respondent_type": kind,
                "respondent_name": "" if is_organisation else name,
                "organisation_name": name if is_organisation else "",
                "region": region,
                "question": order + 1,
                "question_id": str(uuid),
                "question_text": question,
                "selected": [value for value in selected.split("\n") if value],
                "text": text,
                "themes": sorted(themes.get(pk, [])),
            }
