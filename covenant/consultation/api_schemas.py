"""What the public API returns about consultations (docs/api.md). Published text only: the fields of a response
are filled from `covenant.consultation.publication`, never from the model."""

import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from cms.api import FigureOut, PageMeta

RespondentTypeValue = Literal["public", "nhs_staff", "social_care_staff", "organisation"]


class ConsultationOut(Schema):
    id: int
    title: str
    slug: str
    url: str = Field(description="The consultation's page on this site")
    summary: str
    audience: str = Field(description="Who the consultation wanted to hear from")
    status: Literal["forthcoming", "open", "closed", "concluded"]
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    outcome_published_at: datetime.date | None
    feedback_published: bool = Field(
        description="True once the consultation has closed: its responses and themes are then published"
    )


class ConsultationPage(PageMeta):
    items: list[ConsultationOut]


class QuestionOut(Schema):
    id: int
    uuid: UUID = Field(description="Stable across rewording and reordering")
    number: int = Field(description="Position among the consultation's current questions, as on the form")
    section: str
    text: str
    help_text: str
    kind: Literal["free_text", "single_choice", "multiple_choice", "agree_scale"]
    options: list[str]
    required: bool
    has_free_text: bool


class QuestionList(Schema):
    items: list[QuestionOut]


class _FromDicts(BaseModel):
    """A response and its answers are built as plain dicts (api.py), up to 100 responses of 12 answers a page: plain
    pydantic models check dicts in pydantic's compiled core, where ninja's `Schema` first wraps every one of them
    to read attributes (about a third of a page of 100's time). The OpenAPI document is the same. Only the fields
    declared are served, whatever the dict holds."""

    model_config = ConfigDict(extra="ignore")


class AnswerOut(_FromDicts):
    question_id: int
    question_number: int | None = Field(description="null for a question since retired")
    selected: list[str] = Field(description="Options chosen")
    text: str = Field(description="The free text as published: redacted by a moderator")
    themes: list[str] = Field(description="Themes an analyst confirmed")


class ResponseOut(_FromDicts):
    id: int
    public_id: str = Field(description="The id shown beside the response on the published responses page")
    submitted_date: datetime.date
    respondent_type: RespondentTypeValue
    published_name: str = Field(
        description="The person's or organisation's name as redacted by a moderator, only when they chose to be "
        "named; otherwise empty"
    )
    region: str = Field(description="NHS England region code, or empty")
    answers: list[AnswerOut]


class ResponsePage(PageMeta):
    items: list[ResponseOut]


class ThemeOut(Schema):
    id: int
    name: str
    question_id: int | None = Field(description="null for a theme across questions")
    question_number: int | None
    responses: FigureOut = Field(description="Responses with this theme confirmed, protected")
    published_responses: FigureOut | None = Field(
        description="Of them, those published (null for themes across questions, as on the outcome page)"
    )


class ThemeList(Schema):
    items: list[ThemeOut]
    note: str = Field(description='What "[c]" and "not shown" mean')
