"""Filters for the moderation queue and the analysis table."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from .models.analysis import Theme
from .models.pages import ConsultationPage
from .models.questions import Question
from .models.responses import Answer, ConsultationResponse
from .vocabulary import Channel, ModerationState, PublishConsent, RespondentType


class ModerationFilter(django_filters.FilterSet):
    consultation = django_filters.ModelChoiceFilter(
        queryset=ConsultationPage.objects.order_by("-opens_at"), label="Consultation", empty_label="All"
    )
    moderation_state = django_filters.ChoiceFilter(
        choices=ModerationState.choices, label="State", empty_label="All"
    )
    respondent_type = django_filters.ChoiceFilter(
        choices=RespondentType.choices, label="Respondent type", empty_label="All"
    )
    publish_consent = django_filters.ChoiceFilter(
        choices=PublishConsent.choices, label="Consent to publish", empty_label="All"
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label="Channel", empty_label="All")
    flag = django_filters.ChoiceFilter(
        label="Flags",
        empty_label="All",
        choices=[
            ("personal", "Possible personal data"),
            ("safeguarding", "Possible safeguarding disclosure"),
        ],
        method="filter_flag",
    )
    q = django_filters.CharFilter(label="Reference or text", method="filter_text")

    class Meta:
        model = ConsultationResponse
        fields = []

    def filter_flag(self, queryset, name, value):
        if value == "personal":
            return queryset.filter(personal_data_flagged=True)
        if value == "safeguarding":
            return queryset.filter(safeguarding_flagged=True)
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        matching = Answer.objects.filter(text__icontains=value).values("response_id")
        return queryset.filter(Q(reference__iexact=value) | Q(public_id__iexact=value) | Q(pk__in=matching))


class AnswerFilter(django_filters.FilterSet):
    """Filters for one consultation's answers; the view passes the consultation so choices stay within it."""

    question = django_filters.ModelChoiceFilter(
        queryset=Question.objects.none(), label="Question", empty_label="All"
    )
    answer = django_filters.CharFilter(label="Chosen answer (exact option)", method="filter_answer")
    respondent_type = django_filters.ChoiceFilter(
        field_name="response__respondent_type",
        choices=RespondentType.choices,
        label="Respondent type",
        empty_label="All",
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.none(), label="Theme", empty_label="All", method="filter_theme"
    )
    moderation_state = django_filters.ChoiceFilter(
        field_name="response__moderation_state",
        choices=[(ModerationState.APPROVED, "Approved"), (ModerationState.REJECTED, "Not for publication")],
        label="Moderation state",
        empty_label="All",
    )
    untagged = django_filters.BooleanFilter(label="Only untagged free text", method="filter_untagged")
    q = django_filters.CharFilter(field_name="published_text", lookup_expr="icontains", label="Text contains")

    class Meta:
        model = Answer
        fields = []

    def __init__(self, *args, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if consultation is not None:
            self.filters["question"].queryset = Question.objects.filter(consultation=consultation)
            self.filters["theme"].queryset = Theme.objects.filter(consultation=consultation)

    def filter_answer(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(selected__contains=f"\n{value}\n") if value else queryset

    def filter_theme(self, queryset, name, value):
        return queryset.filter(tags__theme=value).distinct() if value else queryset

    def filter_untagged(self, queryset, name, value):
        if value:
            return queryset.exclude(published_text="").filter(tags__isnull=True)
        return queryset
