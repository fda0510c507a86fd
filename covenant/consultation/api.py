"""The consultations part of the public API (docs/api.md): consultations, their questions, their published
responses and their themes with counts.

Responses are read through `covenant.consultation.publication` (approved, consented, no open safeguarding
referral, redacted text only), exactly as the published responses page reads them; theme counts come from the
summary selectors, protected by cms/disclosure.py as on the summary and outcome pages.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from cms import disclosure
from cms.api import ERRORS, ApiError, PageQuery, cached, cursor_page, figure

from . import publication
from .api_schemas import (
    ConsultationOut,
    ConsultationPage,
    QuestionList,
    RespondentTypeValue,
    ResponsePage,
    ThemeList,
)
from .models.pages import ConsultationPage as ConsultationPageModel
from .selectors.consultations import MAX_ID, public_consultation_get, public_consultations
from .selectors.questions import question_for, questions_for
from .selectors.summaries import cross_cutting_themes, question_summaries_cached, summary_stamp
from .selectors.themes import theme_for

router = Router(tags=["Consultations"])


class ResponseFilters(PageQuery):
    question: int | None = None
    theme: int | None = None
    respondent_type: RespondentTypeValue | None = None
    q: str = ""


def _consultation(page: ConsultationPageModel, request: HttpRequest) -> dict:
    return {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "url": page.get_full_url(request=request) or "",
        "summary": page.summary,
        "audience": page.audience,
        "status": page.status,
        "opens_at": page.opens_at,
        "closes_at": page.closes_at,
        "outcome_published_at": page.outcome_published_at,
        "feedback_published": page.feedback_published,
    }


def _with_feedback(consultation_id: int) -> ConsultationPageModel:
    page = public_consultation_get(pk=consultation_id)
    if not page.feedback_published:
        raise ApiError("Responses and themes are published once the consultation has closed", status=404)
    return page


@router.get("/", response={200: ConsultationPage, **ERRORS}, summary="List consultations")
def consultation_list(request: HttpRequest, params: Query[PageQuery]):
    """Every published consultation, in order of id."""
    queryset: QuerySet = public_consultations()
    pages, next_cursor = cursor_page(
        queryset, listing="consultations", cursor=params.cursor, limit=params.limit
    )
    return {
        "items": [_consultation(page, request) for page in pages],
        "limit": params.limit,
        "next_cursor": next_cursor,
    }


@router.get("/{consultation_id}", response={200: ConsultationOut, **ERRORS}, summary="A consultation")
def consultation_detail(request: HttpRequest, consultation_id: int):
    return _consultation(public_consultation_get(pk=consultation_id), request)


@router.get("/{consultation_id}/questions", response={200: QuestionList, **ERRORS}, summary="Its questions")
def question_list(request: HttpRequest, consultation_id: int):
    """The consultation's current questions, numbered as on the form."""
    page = public_consultation_get(pk=consultation_id)
    return {
        "items": [
            {
                "id": question.pk,
                "uuid": question.uuid,
                "number": question.number,
                "section": question.section,
                "text": question.text,
                "help_text": question.help_text,
                "kind": question.kind,
                "options": question.options,
                "required": question.required,
                "has_free_text": question.has_free_text,
            }
            for question in questions_for(consultation=page)
        ]
    }


@router.get(
    "/{consultation_id}/responses", response={200: ResponsePage, **ERRORS}, summary="Its published responses"
)
def response_list(request: HttpRequest, consultation_id: int, filters: Query[ResponseFilters]):
    """The published responses, as the consultation's published responses page shows them: approved by a
    moderator, published with the respondent's consent, redacted. In order of id; filter by question (responses
    that answered it), confirmed theme, respondent type or words in the published text."""
    page = _with_feedback(consultation_id)
    if "\x00" in filters.q:
        raise ApiError("q: the words to search for cannot contain a NUL character")
    question = theme = None
    if filters.question is not None:
        question = (
            question_for(consultation=page, pk=filters.question) if 0 < filters.question <= MAX_ID else None
        )
        if question is None:
            raise ApiError("question: no question with that id in this consultation")
    if filters.theme is not None:
        theme = theme_for(consultation=page, pk=filters.theme) if 0 < filters.theme <= MAX_ID else None
        if theme is None:
            raise ApiError("theme: no theme with that id in this consultation")
    queryset = publication.published_responses(
        consultation=page,
        search=filters.q.strip()[:200],
        respondent_type=filters.respondent_type or "",
        question=question,
        theme=theme,
    )
    responses, next_cursor = cursor_page(
        queryset.prefetch_related(None),
        listing=f"responses:{page.pk}",
        cursor=filters.cursor,
        limit=filters.limit,
    )
    numbers = {question.pk: question.number for question in questions_for(consultation=page)}
    answers = publication.published_answer_rows(response_ids=[response.pk for response in responses])
    return {
        "items": [_response(response, answers.get(response.pk, []), numbers) for response in responses],
        "limit": filters.limit,
        "next_cursor": next_cursor,
    }


def _response(response, answers: list[dict], numbers: dict[int, int]) -> dict:
    return {
        "id": response.pk,
        "public_id": response.public_id,
        "submitted_date": response.submitted_at.date(),
        "respondent_type": response.respondent_type,
        "published_name": response.published_name,
        "region": response.region,
        "answers": [
            {
                "question_id": row["question_id"],
                "question_number": numbers.get(row["question_id"]),
                "selected": row["selected"],
                "text": row["published_text"],
                "themes": row["themes"],
            }
            for row in answers
        ],
    }


@router.get(
    "/{consultation_id}/themes", response={200: ThemeList, **ERRORS}, summary="Its themes with counts"
)
def theme_list(request: HttpRequest, consultation_id: int):
    """The themes analysts confirmed, with the number of responses raising each, protected as on the summary
    page (cms/disclosure.py, counts of 1 and 2 read "[c]"). Themes of each question in question order, then
    themes across questions."""
    page = _with_feedback(consultation_id)
    key = f"api:consultation-themes:{page.pk}:{summary_stamp(consultation=page)}"
    return {
        "items": cached(key, lambda: _themes(page)),
        "note": disclosure.explanation(disclosure.CONSULTATION_THRESHOLD),
    }


def _themes(page: ConsultationPageModel) -> list[dict]:
    items = []
    for summary in question_summaries_cached(consultation=page):
        question = summary["question"]
        for theme in summary["themes"]:
            items.append(_theme(theme, question.pk, question.number))
    items.extend(_theme(theme, None, None) for theme in cross_cutting_themes(consultation=page))
    return items


def _theme(theme, question_id: int | None, number: int | None) -> dict:
    published = getattr(theme, "published", None)
    return {
        "id": theme.pk,
        "name": theme.name,
        "question_id": question_id,
        "question_number": number,
        "responses": figure(theme.n),
        "published_responses": None if published is None else figure(published),
    }
