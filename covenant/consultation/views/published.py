"""What is published of a closed consultation: routes of the `ConsultationPage` for the published responses, the
summary of the responses and the open data. Everything is read through `publication` and the summary selectors.
This module must not import the page module (models/pages.py imports it for its routes).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse

from cms.tables import csv_blocks, in_blocks, neutralise

from .. import publication
from ..selectors.questions import question_for, questions_for
from ..selectors.summaries import cross_cutting_themes, question_summaries_cached, response_counts
from ..selectors.themes import theme_for
from ..vocabulary import RespondentType
from .routes import render_route

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage

PUBLISHED_PER_PAGE = 10  # each response shows every answer: ten keeps a page readable and quick


def _require_feedback(page):
    if not page.feedback_published:
        raise Http404("Responses are published after the consultation closes")


def published(request, page: ConsultationPage):
    _require_feedback(page)
    questions_list = questions_for(consultation=page)
    search = request.GET.get("q", "").strip()[:200]
    respondent_type = request.GET.get("respondent_type", "")
    if respondent_type not in RespondentType.values:
        respondent_type = ""
    question = question_for(consultation=page, pk=request.GET.get("question"))
    theme = theme_for(consultation=page, pk=request.GET.get("theme"))
    responses = publication.published_responses(
        consultation=page, search=search, respondent_type=respondent_type, question=question, theme=theme
    )
    page_obj = Paginator(responses, PUBLISHED_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "responses": page_obj.object_list,
        "questions": questions_list,
        "numbers": {q.pk: q.number for q in questions_list},
        "themes": page.themes.order_by("name"),
        "respondent_types": RespondentType.choices,
        "search": search,
        "selected_type": respondent_type,
        "selected_question": question,
        "selected_theme": theme,
    }
    return render_route(request, page, "published_responses.html", context)


def summary(request, page: ConsultationPage):
    _require_feedback(page)
    context = {
        "counts": response_counts(consultation=page),
        "summaries": question_summaries_cached(consultation=page),
        "cross_cutting": cross_cutting_themes(consultation=page),
    }
    return render_route(request, page, "summary.html", context)


OPEN_DATA_FIELDS = (
    "public_id",
    "submitted_date",
    "respondent_type",
    "respondent_name",
    "organisation_name",
    "region",
)


def _open_data_records(page):
    return publication.open_data_records(consultation=page, questions=questions_for(consultation=page))


def open_data(request, page: ConsultationPage, fmt: str):
    _require_feedback(page)
    if fmt == "json":

        def stream_json():
            yield (
                '{"consultation": '
                + json.dumps(page.title)
                + ', "schema": "docs/consultation.md#open-data", "responses": ['
            )
            first = True
            for record in _open_data_records(page):
                yield ("" if first else ",") + json.dumps(record)
                first = False
            yield "]}"

        response = StreamingHttpResponse(in_blocks(stream_json()), content_type="application/json")
    else:
        questions_list = questions_for(consultation=page)

        def rows():
            header = list(OPEN_DATA_FIELDS)
            for question in questions_list:
                header += [
                    f"q{question.number}_selected",
                    f"q{question.number}_text",
                    f"q{question.number}_themes",
                ]
            yield header
            for record in _open_data_records(page):
                row = [record[field] for field in OPEN_DATA_FIELDS]
                for answer in record["answers"]:
                    row += ["; ".join(answer["selected"]), answer["text"], "; ".join(answer["themes"])]
                yield [neutralise(cell) for cell in row]

        response = StreamingHttpResponse(csv_blocks(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{page.slug}-published-responses.{fmt}"'
    return response
