"""Forms of the figures pages: which organisation and period to show, and the Staff Survey figures."""

from __future__ import annotations

from django import forms


class StatisticsForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=None, required=False, empty_label="All organisations you can see"
    )
    period = forms.ChoiceField(label="Period", choices=(), required=False)

    def __init__(self, *args, organisations, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["period"].choices = periods


class SurveyPrevalenceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=None,
        empty_label="Choose",
        error_messages={"required": "Select the organisation"},
    )
    survey_year = forms.IntegerField(
        label="Survey year",
        min_value=2015,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
        error_messages={"required": "Enter the survey year", "invalid": "Enter a year like 2025"},
    )
    headcount = forms.IntegerField(
        label="Staff in post (headcount)",
        min_value=1,
        max_value=2_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
        error_messages={
            "required": "Enter the headcount",
            "invalid": "Enter the headcount as a whole number",
        },
    )
    physical_violence_percent = forms.DecimalField(
        label="Physical violence: % of staff experiencing it in the last 12 months",
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text="All sources (Staff Survey Q14a to c), for example 14.4",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4"}),
        error_messages={"required": "Enter the percentage", "invalid": "Enter a percentage like 14.4"},
    )
    harassment_percent = forms.DecimalField(
        label="Harassment, bullying or abuse: % of staff experiencing it in the last 12 months",
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text="All sources (Staff Survey Q15a to c), for example 25.1",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4"}),
        error_messages={"required": "Enter the percentage", "invalid": "Enter a percentage like 25.1"},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
