"""Filters for the moderation queue, the analysis table and the public comments database."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from workforce.models import Region

from . import comment_search, publication
from .models.analysis import Theme, ThemeTag
from .models.pages import ConsultationPage
from .models.questions import Question
from .models.responses import Answer, ConsultationResponse
from .vocabulary import Channel, ModerationState, PublishConsent, QuestionKind, RespondentType


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


# --- the public comments database ----------------------------------------------------------------------------


class CommentSearchForm(forms.Form):
    """The comments database's filter form: a search that cannot be run is an error beside the search box."""

    def clean_q(self):
        query = " ".join(self.cleaned_data.get("q", "").split())
        if query and (problem := comment_search.query_problem(query)):
            raise forms.ValidationError(problem)
        return query


class _InConsultationChoiceField(forms.ModelChoiceField):
    """Choices named with their consultation, as the list spans every consultation."""

    def label_from_instance(self, obj):
        label = f"{obj.number}. {obj.text}" if isinstance(obj, Question) else obj.name
        label = label if len(label) <= 80 else label[:79] + "…"
        return f"{obj.consultation.title}: {label}"


class _InConsultationFilter(django_filters.ModelChoiceFilter):
    field_class = _InConsultationChoiceField


_NOT_LISTED = "Choose one of the {} listed: with a consultation chosen, only its own are listed"


class CommentFilter(django_filters.FilterSet):
    """Search and filters of the published comments across consultations. Searching orders by relevance (on
    PostgreSQL), so it is declared first; the other filters only narrow the results."""

    q = django_filters.CharFilter(
        label="Search the comments",
        method="filter_search",
        max_length=comment_search.MAX_LENGTH,
        help_text="Words that must appear. Put a phrase in quotes; use or for either word, - to leave a word out",
    )
    consultation = django_filters.ModelChoiceFilter(
        field_name="response__consultation",
        queryset=ConsultationPage.objects.none(),
        label="Consultation",
        empty_label="All consultations",
        error_messages={"invalid_choice": "Choose one of the consultations listed"},
    )
    question = _InConsultationFilter(
        queryset=Question.objects.none(),
        label="Question",
        empty_label="Any",
        error_messages={"invalid_choice": _NOT_LISTED.format("questions")},
    )
    theme = _InConsultationFilter(
        queryset=Theme.objects.none(),
        label="Theme",
        empty_label="Any",
        method="filter_theme",
        error_messages={"invalid_choice": _NOT_LISTED.format("themes")},
    )
    respondent_type = django_filters.ChoiceFilter(
        field_name="response__respondent_type",
        choices=RespondentType.choices,
        label="Respondent type",
        empty_label="All",
    )
    region = django_filters.ChoiceFilter(
        field_name="response__region", choices=Region.choices, label="Region", empty_label="All"
    )

    class Meta:
        model = Answer
        fields = []
        form = CommentSearchForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published = ConsultationPage.objects.filter(publication.consultations_published())
        self.filters["consultation"].queryset = published.order_by("-closes_at", "pk")
        in_published = Q(consultation__in=published.values("pk"))
        # An id longer than any a database holds names nothing: it gets the usual "not one of the choices" error
        # rather than reaching the database, where SQLite would overflow.
        too_long = [
            key for key in ("consultation", "question", "theme") if len(str(self.data.get(key, ""))) > 18
        ]
        if too_long:
            self.data = self.data.copy()
            for key in too_long:
                self.data[key] = "none"
        chosen = (self.data or {}).get("consultation")
        if chosen and str(chosen).isdigit():
            in_published &= Q(consultation_id=int(chosen))
        self.filters["question"].queryset = (
            Question.objects.filter(in_published)
            .filter(Q(kind=QuestionKind.FREE_TEXT) | ~Q(why_prompt=""))
            .select_related("consultation")
            .order_by("-consultation__closes_at", "consultation_id", "sort_order", "pk")
        )
        confirmed = ThemeTag.objects.filter(theme=OuterRef("pk"), confirmed_at__isnull=False)
        self.filters["theme"].queryset = (
            Theme.objects.filter(in_published, Exists(confirmed))
            .select_related("consultation")
            .order_by("-consultation__closes_at", "consultation_id", "name")
        )

    def filter_search(self, queryset, name, value):
        return publication.comments_matching(queryset, value) if value else queryset

    def filter_theme(self, queryset, name, value):
        return queryset.filter(tags__theme=value, tags__confirmed_at__isnull=False) if value else queryset
