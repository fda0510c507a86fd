"""Forms a reporter fills: the pages of the two-minute report, the follow-up code and a reply on their report.

The report is a journey of one question a page (`views/report_journey.py`, on `cms.multistep`): a short core
that is all a report needs, then, once it is sent, the optional "tell us more" pages (`forms/report_details.py`).
Every question is written for the person reporting ("you"), and every error message says how to put it right.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from cms.forms import NHSUKDateField

from ..models import Category, Injury, ReporterRelationship, Setting, Source

EARLIER = "earlier"


def heading(field: forms.Field) -> forms.Field:
    """Mark the field whose label is the page's question: it is drawn as the page's <h1> (its legend or label)."""
    field.page_heading = True
    return field


def radios(label: str, choices, *, message: str, help_text: str = "", required: bool = True):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


# --- the core: at most six questions, each a page -----------------------------------------------------------------


class WhatForm(forms.Form):
    category = heading(radios("What happened?", Category.choices, message="Select what happened"))
    narrative = forms.CharField(
        label="Tell us what happened",
        help_text="Use your own words. To keep people safe, do not write their names: say 'the patient' or "
        "'my colleague'.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Tell us what happened",
            "max_length": "What happened must be 5,000 characters or fewer",
        },
    )

    def clean_narrative(self):
        return self.cleaned_data["narrative"].strip()


class WhenForm(forms.Form):
    day = heading(
        forms.ChoiceField(
            label="When did it happen?",
            choices=[("today", "Today"), ("yesterday", "Yesterday"), (EARLIER, "Another day")],
            widget=forms.RadioSelect,
            error_messages={
                "required": "Select when it happened",
                "invalid_choice": "Select when it happened",
            },
        )
    )
    occurred_on = NHSUKDateField(
        label="Date it happened",
        required=False,
        help_text="For example, 15 3 2026",
        error_messages={"required": "Enter the date it happened"},
    )
    occurred_time = forms.TimeField(
        label="Time (optional)",
        required=False,
        help_text="Use the 24-hour clock, for example 14:30. Leave it empty if you are not sure.",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "nhsuk-input--width-5"}
        ),
        error_messages={"invalid": "Enter the time using the 24-hour clock, like 14:30"},
    )

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        day = cleaned.get("day")
        if day != EARLIER:  # the date boxes, hidden for the other answers, may still hold an earlier try
            self.errors.pop("occurred_on", None)
        if day == "today":
            date = today
        elif day == "yesterday":
            date = today - datetime.timedelta(days=1)
        elif day == EARLIER:
            date = cleaned.get("occurred_on")
            if date is None and "occurred_on" not in self.errors:
                self.add_error("occurred_on", "Enter the date it happened, for example 15 3 2026")
            elif date and date > today:
                self.add_error("occurred_on", "The date it happened must be today or in the past")
            elif date and date < today - datetime.timedelta(days=366 * 3):
                self.add_error("occurred_on", "The date it happened must be in the last 3 years")
        else:
            return cleaned
        time = cleaned.get("occurred_time")
        if date and not self.errors:
            moment = timezone.make_aware(datetime.datetime.combine(date, time or datetime.time(12, 0)))
            if time is not None and moment > timezone.now() + datetime.timedelta(minutes=5):
                self.add_error("occurred_time", "The time it happened must be in the past")
            cleaned["occurred_at"] = min(moment, timezone.now()) if time is None else moment
            cleaned["occurred_approximate"] = time is None
        return cleaned


class WhereForm(forms.Form):
    setting = heading(radios("Where did it happen?", Setting.choices, message="Select where it happened"))
    site = forms.CharField(
        label="Ward, team or site (optional)",
        max_length=200,
        required=False,
        help_text="For example, Ward 12",
        error_messages={"max_length": "The ward, team or site must be 200 characters or fewer"},
    )


class WhoForm(forms.Form):
    relationship = heading(
        radios("Who did it happen to?", ReporterRelationship.choices, message="Select who it happened to")
    )


class ColleagueForm(forms.Form):
    """Asked, optionally, only when it was bullying by a colleague: the people named, and their line managers, are
    shut out of the report from the moment it is stored, before anyone is told of it."""

    source = heading(
        forms.ChoiceField(
            label="Who bullied you?",
            choices=[(Source.COLLEAGUE, "A colleague"), (Source.MANAGER, "A manager")],
            required=False,
            widget=forms.RadioSelect,
            help_text="You do not have to answer these questions",
            error_messages={
                "invalid_choice": "Select a colleague or a manager, or continue without answering"
            },
        )
    )
    subject_email = forms.EmailField(
        label="Their work e-mail address (optional)",
        help_text="So that they, and their line manager, cannot see your report. We do not contact them.",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address in the right format, like name@example.nhs.uk"},
    )
    subject_manager_email = forms.EmailField(
        label="Their line manager's work e-mail address (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address in the right format, like name@example.nhs.uk"},
    )

    def __init__(self, *args, relationship: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if relationship and relationship != ReporterRelationship.TARGETED:
            self.fields["source"].label = "Who was the bully?"

    def clean(self):
        cleaned = super().clean()
        cleaned["source"] = cleaned.get("source") or Source.COLLEAGUE
        return cleaned


INJURY_CHOICES = [
    (Injury.NONE, "No"),
    (Injury.MINOR, "Yes, a minor injury (first aid)"),
    (Injury.MODERATE, "Yes, it needed medical treatment"),
    (Injury.MAJOR, "Yes, a major injury"),
]


class HurtForm(forms.Form):
    injury = heading(
        radios("Was anyone physically hurt?", INJURY_CHOICES, message="Select if anyone was hurt")
    )

    def __init__(self, *args, relationship: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["injury"]
        if relationship == ReporterRelationship.TARGETED:
            field.label = "Were you physically hurt?"
            field.error_messages["required"] = "Select if you were hurt"
        elif relationship:
            field.label = "Was the person it happened to physically hurt?"
            field.error_messages["required"] = "Select if they were hurt"


class OrganisationForm(forms.Form):
    """Asked only when the reporter could report to more than one organisation."""

    organisation = heading(
        forms.ModelChoiceField(
            label="Which organisation should deal with your report?",
            help_text="The NHS trust, practice or care provider where it happened",
            queryset=None,
            empty_label="Choose an organisation",
            error_messages={
                "required": "Select the organisation that should deal with your report",
                "invalid_choice": "Select an organisation from the list",
            },
        )
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


# --- after the report ---------------------------------------------------------------------------------------------


class FollowUpCodeForm(forms.Form):
    code = forms.CharField(
        label="Your follow-up code",
        help_text="The 16-digit code you were given when you made the report",
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter your follow-up code"},
    )

    def clean_code(self):
        digits = "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())
        if len(digits) != 16 or len(digits) != len(
            self.cleaned_data["code"].replace(" ", "").replace("-", "")
        ):
            raise forms.ValidationError("Enter the 16-digit code, like 1234 5678 9012 3456")
        return digits


class ReporterMessageForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The people handling your report will read this",
        error_messages={
            "required": "Enter your reply",
            "max_length": "Your reply must be 5,000 characters or fewer",
        },
    )
