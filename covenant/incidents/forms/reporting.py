"""Forms a reporter fills: the report itself, the follow-up code and a reply on their report."""

from __future__ import annotations

import datetime
import json

from django import forms
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from cms.forms import NHSUKDateField

from .. import encryption
from ..models import (
    COLLEAGUE_SOURCES,
    Category,
    Injury,
    MedicalFactor,
    PoliceContact,
    PoliceWish,
    ProtectedCharacteristic,
    ReporterRelationship,
    Setting,
    Source,
    StaffGroup,
    SubType,
    Treatment,
    YesNoUnknown,
)

YES_NO = (("yes", "Yes"), ("no", "No"))


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
        error_messages={"required": f"Select yes or no: {label[0].lower()}{label[1:].rstrip('?')}"},
    )


def _radios(label: str, choices, *, required: bool = True, help_text: str = "", message: str = ""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect,
        error_messages={"required": message or f"Select {label[0].lower()}{label[1:].rstrip('?')}"},
    )


def _select(label: str, choices, *, required: bool = True, help_text: str = "", message: str = ""):
    options = [("", "Choose one"), *choices]
    return forms.ChoiceField(
        label=label,
        choices=options,
        required=required,
        help_text=help_text,
        error_messages={"required": message or f"Select {label[0].lower()}{label[1:].rstrip('?')}"},
    )


class ReportForm(forms.Form):
    """The core report: one page, most answers are a tap. Organisation choices depend on who is reporting."""

    relationship = _radios("Who did this happen to?", ReporterRelationship.choices)
    staff_group = _select(
        "Which staff group are they in?",
        StaffGroup.choices,
        help_text="The person it happened to",
        message="Select the staff group",
    )
    occurred_on = NHSUKDateField(
        label="When did it happen?",
        help_text="For example, 15 3 2026",
        error_messages={"required": "Enter the date it happened"},
    )
    occurred_time = forms.TimeField(
        label="Time (optional)",
        required=False,
        help_text="Use the 24-hour clock, for example 14:30",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "nhsuk-input--width-5"}
        ),
        error_messages={"invalid": "Enter a time like 14:30"},
    )
    occurred_approximate = forms.BooleanField(label="The date or time is approximate", required=False)
    organisation = forms.ModelChoiceField(
        label="Which organisation do you work for?",
        queryset=None,
        empty_label="Choose an organisation",
        error_messages={
            "required": "Select the organisation",
            "invalid_choice": "Select an organisation from the list",
        },
    )
    site = forms.CharField(
        label="Site, ward or team (optional)",
        max_length=200,
        required=False,
        help_text="For example, Ward 12",
    )
    setting = _select("Where did it happen?", Setting.choices, message="Select where it happened")
    category = _radios("What happened?", Category.choices, message="Select what happened")
    sub_types = forms.MultipleChoiceField(
        label="What did it involve? (optional)",
        help_text="Select all that apply",
        choices=SubType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    protected_characteristic = _select(
        "If it was discriminatory, what was targeted?",
        ProtectedCharacteristic.choices,
        required=False,
        help_text="Answer if the abuse was about who you are",
    )
    source = _radios("Who was it from?", Source.choices, message="Select who it was from")
    subject_email = forms.EmailField(
        label="If it was a colleague or manager, their work e-mail address (optional)",
        required=False,
        help_text="They, and anyone you name as their line manager below, will not be able to see this report",
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address like name@example.nhs.uk"},
    )
    subject_manager_email = forms.EmailField(
        label="Their line manager's work e-mail address (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address like name@example.nhs.uk"},
    )
    medical_factors = _select(
        "Do you think a medical or clinical condition played a part?",
        MedicalFactor.choices,
        help_text="For example dementia, delirium or a head injury. Abuse still counts if it did.",
        message="Select whether a medical condition may have played a part",
    )
    injury = _radios("Were you physically hurt?", Injury.choices, message="Select whether anyone was hurt")
    treatment = _select(
        "What treatment was needed?", Treatment.choices, message="Select the treatment needed"
    )
    days_off = forms.IntegerField(
        label="Days off work because of it (optional)",
        required=False,
        min_value=0,
        max_value=366,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
        error_messages={
            "invalid": "Enter days off as a number, like 2",
            "min_value": "Days off must be 0 or more",
            "max_value": "Days off must be 366 or fewer",
        },
    )
    police_contacted = _select(
        "Were the police contacted?",
        PoliceContact.choices,
        message="Select whether the police were contacted",
    )
    crime_reference = forms.CharField(
        label="Crime reference number (optional)", max_length=40, required=False
    )
    cctv_available = _radios(
        "Is there CCTV or body-worn camera footage?",
        YesNoUnknown.choices,
        message="Select whether there is footage",
    )
    narrative = forms.CharField(
        label="What happened?",
        help_text="Describe what happened in your own words. Do not name people here: say 'the patient' or "
        "'my colleague' instead.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Describe what happened",
            "max_length": "What happened must be 5,000 characters or fewer",
        },
    )
    wants_police_action = _radios(
        "Do you want the police to take action?",
        PoliceWish.choices,
        message="Select whether you want police action",
    )
    wants_support = _yes_no("Would you like someone to contact you about support?")
    wants_feedback = _yes_no("Would you like to hear the outcome?")
    may_tell_line_manager = _yes_no("May we tell your line manager?")

    def __init__(self, *args, organisations, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.anonymous = anonymous
        if anonymous:
            # An anonymous report cannot be shared with a line manager, and feedback comes through the code.
            del self.fields["may_tell_line_manager"]
            self.fields[
                "wants_support"
            ].help_text = "We cannot contact you, but your code shows where to get support"
            self.fields["wants_feedback"].help_text = "You will read it with your follow-up code"

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date it happened must be today or in the past")
        if value and value < timezone.localdate() - datetime.timedelta(days=366 * 3):
            raise forms.ValidationError("The date it happened must be in the last 3 years")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") == Category.DISCRIMINATORY and not cleaned.get("protected_characteristic"):
            self.add_error("protected_characteristic", "Select what the discriminatory abuse targeted")
        source = cleaned.get("source")
        if source and source not in COLLEAGUE_SOURCES:
            cleaned["subject_email"] = ""
            cleaned["subject_manager_email"] = ""
        day, time = cleaned.get("occurred_on"), cleaned.get("occurred_time")
        if day:
            moment = datetime.datetime.combine(day, time or datetime.time(12, 0))
            moment = timezone.make_aware(moment)
            if moment > timezone.now() + datetime.timedelta(minutes=5):
                self.add_error("occurred_time", "The time it happened must be in the past")
            cleaned["occurred_at"] = moment
            if time is None:
                cleaned["occurred_approximate"] = True
        return cleaned

    def report_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("may_tell_line_manager", False)
        return data

    def subject_emails(self) -> tuple[str, ...]:
        return tuple(
            e
            for e in (self.cleaned_data.get("subject_email"), self.cleaned_data.get("subject_manager_email"))
            if e
        )

    # --- the draft kept in the session ------------------------------------------------------------------------
    # The session table would otherwise hold what was typed in clear (the narrative, the site, the e-mails of
    # the people named) until the session expires: the draft is kept encrypted, like the report itself.
    @staticmethod
    def draft_from_post(post) -> str:
        fields = {key: values for key, values in post.lists() if key != "csrfmiddlewaretoken"}
        return encryption.encrypt(json.dumps(fields))

    def initial_from_draft(self, draft: str | dict) -> dict:
        if isinstance(draft, str):
            try:
                draft = json.loads(encryption.decrypt(draft))
            except RuntimeError:  # its key has been retired since: the draft is lost, not the page
                draft = {}
        data = MultiValueDict(draft)
        return {
            name: field.widget.value_from_datadict(data, {}, self.add_prefix(name))
            for name, field in self.fields.items()
        }


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
