import django_filters
from django import forms

from .models import OPEN_STATUSES, Category, IncidentReport, ReportingMode, Setting, Source, Status


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=Status.choices, empty_label="Any status")
    category = django_filters.ChoiceFilter(
        label="Category", choices=Category.choices, empty_label="Any category"
    )
    source = django_filters.ChoiceFilter(label="Source", choices=Source.choices, empty_label="Any source")
    setting = django_filters.ChoiceFilter(label="Setting", choices=Setting.choices, empty_label="Any setting")
    mode = django_filters.ChoiceFilter(
        label="Reporting mode", choices=ReportingMode.choices, empty_label="Any mode"
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation", queryset=None, empty_label="All your organisations"
    )
    reported_from = django_filters.DateFilter(
        label="Reported from",
        field_name="reported_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reported_to = django_filters.DateFilter(
        label="Reported to",
        field_name="reported_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    open_only = django_filters.BooleanFilter(
        label="Open cases only", method="filter_open", widget=forms.CheckboxInput
    )

    class Meta:
        model = IncidentReport
        fields = ()

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organisation"].queryset = organisations
        self.form.fields["organisation"].queryset = organisations

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset
