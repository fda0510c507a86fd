"""The optional "tell us more" pages, offered once the report is sent: each question a page, every one may be left
unanswered ("Continue" without choosing anything), and nothing here can stop a report from being sent.

What is not answered here the handler can record on the case (docs/incidents.md, "The report as built").
"""

from __future__ import annotations

from django import forms

from ..models import (
    COLLEAGUE_SOURCES,
    MedicalFactor,
    PoliceContact,
    PoliceWish,
    ProtectedCharacteristic,
    ReporterRelationship,
    Source,
    StaffGroup,
    SubType,
    Treatment,
    YesNoUnknown,
)
from .perpetrators import NHSNumberField
from .reporting import heading

YES_NO = (("yes", "Yes"), ("no", "No"))


def optional_radios(label: str, choices, *, help_text: str = "") -> forms.ChoiceField:
    return heading(
        forms.ChoiceField(
            label=label,
            choices=choices,
            required=False,
            help_text=help_text,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Select one of the answers, or continue without answering"},
        )
    )


def email(label: str) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an e-mail address in the right format, like name@example.nhs.uk",
            "max_length": "The e-mail address must be 254 characters or fewer",
        },
    )


class SourceForm(forms.Form):
    source = optional_radios("Who did it?", Source.choices)


class PatientForm(forms.Form):
    """Asked when a patient or service user did it: the same patient named in other reports is then seen by the
    organisation's leads (docs/incidents.md, "Repeat perpetrators")."""

    nhs_number = heading(
        NHSNumberField(
            label="What is the patient's NHS number? (optional)",
            required=False,
            help_text="Only if you know it. It is 10 digits, like 999 123 4567. We use it to see whether the same "
            "patient is named in other reports.",
        )
    )


class SubjectForm(forms.Form):
    """Asked when it was a colleague or a manager: so that they, and their manager, never see the report."""

    subject_email = heading(email("What is their work e-mail address? (optional)"))
    subject_manager_email = email("Their line manager's work e-mail address (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "subject_email"
        ].help_text = (
            "We use it so that they, and their line manager, cannot see your report. We do not contact them."
        )


class InvolvedForm(forms.Form):
    sub_types = heading(
        forms.MultipleChoiceField(
            label="What did it involve?",
            help_text="Select all that apply",
            choices=SubType.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "Select from the list, or continue without answering"},
        )
    )


class TargetedForm(forms.Form):
    protected_characteristic = optional_radios(
        "What was the abuse about?",
        ProtectedCharacteristic.choices,
        help_text="For example, someone's race, religion or disability",
    )


class StaffGroupForm(forms.Form):
    staff_group = optional_radios("What is your job?", StaffGroup.choices)

    def __init__(self, *args, relationship: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if relationship and relationship != ReporterRelationship.TARGETED:
            self.fields["staff_group"].label = "What is the job of the person it happened to?"


class MedicalForm(forms.Form):
    medical_factors = optional_radios(
        "Do you think a medical condition played a part?",
        MedicalFactor.choices,
        help_text="For example, dementia, delirium or a head injury. It still counts as abuse if it did.",
    )


class TreatmentForm(forms.Form):
    treatment = optional_radios("What treatment was needed?", Treatment.choices)
    days_off = forms.IntegerField(
        label="How many days off work were needed? (optional)",
        required=False,
        min_value=0,
        max_value=366,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
        error_messages={
            "invalid": "Enter the days off as a number, like 2",
            "min_value": "The days off must be 0 or more",
            "max_value": "The days off must be 366 or fewer",
        },
    )


class PoliceForm(forms.Form):
    police_contacted = optional_radios("Were the police told?", PoliceContact.choices)
    crime_reference = forms.CharField(
        label="Crime reference number (optional)",
        max_length=40,
        required=False,
        error_messages={"max_length": "The crime reference number must be 40 characters or fewer"},
    )


class PoliceWishForm(forms.Form):
    wants_police_action = optional_radios("Do you want the police to take action?", PoliceWish.choices)


class FootageForm(forms.Form):
    cctv_available = optional_radios(
        "Is there any CCTV or body-worn camera footage?",
        YesNoUnknown.choices,
        help_text="Footage is often kept for a few weeks only, so the sooner we know the better",
    )


class SupportForm(forms.Form):
    wants_support = optional_radios("Would you like someone to contact you about support?", YES_NO)

    def __init__(self, *args, anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            self.fields["wants_support"].label = "Would you like us to offer you support?"
            self.fields[
                "wants_support"
            ].help_text = (
                "We cannot contact you, but we will reply with ways to get support. Read it with your code."
            )


class FeedbackForm(forms.Form):
    wants_feedback = optional_radios("Would you like to hear what happens after your report?", YES_NO)

    def __init__(self, *args, anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            self.fields["wants_feedback"].help_text = "You will read it with your follow-up code"


class LineManagerForm(forms.Form):
    may_tell_line_manager = optional_radios("Can we tell your line manager about your report?", YES_NO)


YES_NO_FIELDS = ("wants_support", "wants_feedback", "may_tell_line_manager")


def details_from(cleaned: dict[str, dict]) -> tuple[dict, tuple[str, ...]]:
    """The report fields the reporter answered (what they left unanswered is not in it), and the e-mail
    addresses of the people they named."""
    values: dict = {}
    for answers in cleaned.values():
        for name, value in answers.items():
            if value in ("", None, []) or name in ("subject_email", "subject_manager_email"):
                continue
            values[name] = value == "yes" if name in YES_NO_FIELDS else value
    subject = cleaned.get("subject", {})
    if values.get("source") not in COLLEAGUE_SOURCES:
        return values, ()
    emails = tuple(e for e in (subject.get("subject_email"), subject.get("subject_manager_email")) if e)
    return values, emails
