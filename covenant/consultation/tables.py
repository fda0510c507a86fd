"""Tables for the moderation queue and the analysis of answers."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from cms.tables import TimeColumn

from .models.responses import Answer, ConsultationResponse


class ModerationTable(tables.Table):
    reference = tables.Column(
        verbose_name="Reference", linkify=lambda record: reverse("consultation:moderate", args=[record.pk])
    )
    consultation = tables.Column(verbose_name="Consultation", accessor="consultation__title", orderable=False)
    submitted_at = TimeColumn(verbose_name="Received")
    channel = tables.Column(verbose_name="Channel")
    respondent_type = tables.Column(verbose_name="Respondent type")
    publish_consent = tables.Column(verbose_name="Consent")
    moderation_state = tables.Column(verbose_name="State")
    flags = tables.Column(verbose_name="Flags", empty_values=(), orderable=False)

    class Meta:
        model = ConsultationResponse
        fields = (
            "reference",
            "consultation",
            "submitted_at",
            "channel",
            "respondent_type",
            "publish_consent",
            "moderation_state",
            "flags",
        )
        order_by = ("submitted_at",)
        empty_text = "No responses match these filters."

    def render_flags(self, record):
        labels = []
        if record.safeguarding_flagged:
            labels.append("Safeguarding")
        if record.personal_data_flagged:
            labels.append("Personal data")
        return ", ".join(labels) or "—"

    def value_flags(self, record):
        return self.render_flags(record).replace("—", "")


class AnswerTable(tables.Table):
    public_id = tables.Column(verbose_name="Response", accessor="response__public_id")
    respondent_type = tables.Column(verbose_name="Respondent type", accessor="response__respondent_type")
    question = tables.Column(verbose_name="Question", accessor="question__sort_order")
    selected = tables.Column(verbose_name="Answer", orderable=False)
    published_text = tables.Column(verbose_name="Text (redacted)", orderable=False)
    themes = tables.Column(verbose_name="Themes", empty_values=(), orderable=False)
    moderation_state = tables.Column(verbose_name="State", accessor="response__moderation_state")

    class Meta:
        model = Answer
        fields = (
            "public_id",
            "respondent_type",
            "question",
            "selected",
            "published_text",
            "themes",
            "moderation_state",
        )
        empty_text = "No answers match these filters."

    def render_public_id(self, record, value):
        return format_html(
            '<a class="nhsuk-link" href="{}">{}</a>', reverse("consultation:answer", args=[record.pk]), value
        )

    def value_public_id(self, record, value):
        return value

    def render_respondent_type(self, record):
        return record.response.get_respondent_type_display()

    def value_respondent_type(self, record):
        return record.response.respondent_type

    def render_question(self, record):
        return record.question.sort_order + 1

    def value_question(self, record):
        return record.question.sort_order + 1

    def render_selected(self, record):
        return "; ".join(record.choices) or "—"

    def value_selected(self, record):
        return "; ".join(record.choices)

    def render_published_text(self, value):
        return value if len(value) <= 300 else value[:300] + "…"

    def value_published_text(self, value):
        return value

    def render_themes(self, record):
        return ", ".join(sorted(tag.theme.name for tag in record.tags.all())) or "—"

    def value_themes(self, record):
        return "; ".join(sorted(tag.theme.name for tag in record.tags.all()))

    def render_moderation_state(self, record):
        return record.response.get_moderation_state_display()

    def value_moderation_state(self, record):
        return record.response.moderation_state
