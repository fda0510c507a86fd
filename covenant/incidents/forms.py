"""Forms for reporting, following up and managing cases. NHS.UK markup comes from the form renderer."""

from __future__ import annotations

import datetime
import json

from django import forms
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from cms.forms import NHSUKDateField

from . import encryption
from .models import (
    COLLEAGUE_SOURCES,
    CaseExclusion,
    Category,
    Injury,
    MedicalFactor,
    Message,
    PoliceContact,
    PoliceOutcome,
    PoliceWish,
    ProtectedCharacteristic,
    ReporterRelationship,
    RiddorAssessment,
    Sanction,
    Setting,
    Source,
    StaffGroup,
    SubType,
    SupportOffer,
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


class HandlerMessageForm(forms.Form):
    audience = forms.ChoiceField(
        label="Who can read this?",
        choices=Message.Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who can read the message"},
    )
    body = forms.CharField(
        label="Message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter your message",
            "max_length": "Messages must be 5,000 characters or fewer",
        },
    )


class TransitionForm(forms.Form):
    """Fields shown depend on the transition; the service checks them again."""

    note = forms.CharField(
        label="Reason (internal)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason_for_reporter = forms.CharField(
        label="Reason the reporter will see",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Explain where the report has gone or why it is not treated as an incident",
    )
    investigator = forms.ModelChoiceField(
        label="Investigator", queryset=None, required=False, empty_label="Choose"
    )
    merge_into = forms.CharField(
        label="Reference of the case it duplicates",
        required=False,
        max_length=12,
        help_text="For example, VA-000123",
    )
    message_for_reporter = forms.CharField(
        label="Your question for the reporter",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The reporter will read this, also if they reported anonymously",
    )
    outcome_for_reporter = forms.CharField(
        label="Outcome the reporter will see",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Do not include other people's personal details",
    )
    closure_rationale = forms.CharField(
        label="Internal rationale",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Handlers only; never shown to the reporter",
    )

    def __init__(self, *args, transition, report, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigator"].queryset = handlers
        self.fields["investigator"].label_from_instance = lambda user: user.get_full_name() or user.email
        keep = set()
        if transition.needs_note:
            keep.add("note")
        if transition.needs_reporter_reason:
            keep.add("reason_for_reporter")
        if transition.needs_investigator:
            keep.add("investigator")
        if transition.needs_merge_target:
            keep.add("merge_into")
        if transition.needs_reporter_message:
            keep.add("message_for_reporter")
        if transition.needs_outcome:
            keep.update({"outcome_for_reporter", "closure_rationale"})
        if not keep:
            keep.add("note")
            self.fields["note"].label = "Note (internal, optional)"
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "outcome_for_reporter" in self.fields and report.outcome_for_reporter and not self.is_bound:
            self.initial.update(
                outcome_for_reporter=report.outcome_for_reporter, closure_rationale=report.closure_rationale
            )

    def clean_merge_into(self):
        value = self.cleaned_data.get("merge_into", "").strip().upper()
        if not value:
            return None
        digits = value.removeprefix("VA-")
        if not digits.isdigit():
            raise forms.ValidationError("Enter a reference like VA-000123")
        return int(digits)


class ExclusionForm(forms.Form):
    email = forms.EmailField(
        label="Work e-mail address of the person to exclude",
        error_messages={
            "required": "Enter an e-mail address",
            "invalid": "Enter an e-mail address like name@example.nhs.uk",
        },
    )
    reason = forms.ChoiceField(
        label="Why?",
        choices=CaseExclusion.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the person is excluded"},
    )


class DisclosureRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to know who made this report?",
        help_text="An identity custodian decides. Give the lawful reason, for example a serious safeguarding risk.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason you need to know who made the report"},
    )


class DisclosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=(("authorise", "Authorise: the requester may see who made the report"), ("deny", "Deny")),
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    note = forms.CharField(
        label="Reason for your decision",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for your decision"},
    )


class SupportOfferForm(forms.Form):
    staff_member = forms.CharField(
        label="Who is offered support?",
        max_length=200,
        help_text="For example, 'Reporter' or 'Healthcare assistant on Ward 12'",
        error_messages={"required": "Enter who is offered support"},
    )
    route = forms.ChoiceField(
        label="Support route",
        choices=[("", "Choose one")] + list(SupportOffer.Route.choices),
        error_messages={"required": "Select the support route"},
    )
    notes = forms.CharField(
        label="Notes (internal, optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SupportUpdateForm(forms.Form):
    move = forms.ChoiceField(
        label="What happened?",
        choices=(
            ("accept", "Accepted"),
            ("decline", "Declined"),
            ("complete", "Completed"),
            ("escalate", "Escalated"),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    escalated_to = forms.CharField(label="Escalated to (if escalated)", required=False, max_length=200)
    note = forms.CharField(
        label="Note (internal, optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CheckInForm(forms.Form):
    note = forms.CharField(
        label="How are they? (internal, optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RiddorForm(forms.Form):
    state = forms.ChoiceField(
        label="RIDDOR status",
        choices=RiddorAssessment.State.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a RIDDOR status"},
    )
    hse_reference = forms.CharField(label="HSE reference (if reported)", required=False, max_length=40)
    reported_on = NHSUKDateField(label="Date reported to HSE (if reported)", required=False)
    reason = forms.CharField(
        label="Why it is not reportable (if not reportable)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PoliceOutcomeForm(forms.Form):
    state = forms.ChoiceField(
        label="Police and criminal justice outcome",
        choices=PoliceOutcome.State.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    crime_reference = forms.CharField(label="Crime reference number", required=False, max_length=40)
    aewa_eligible = forms.BooleanField(
        label="The Assaults on Emergency Workers (Offences) Act 2018 applies",
        required=False,
        help_text="NHS staff in a face-to-face role, acting in the exercise of their functions. Most social care staff are not covered.",
    )
    victim_impact_statement_offered = forms.BooleanField(
        label="A victim personal statement was offered", required=False
    )


class ReporterRequestDecisionForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the decision (internal)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Handlers only; never shown to the reporter",
        error_messages={"required": "Enter the reason for the decision"},
    )
    answer_for_reporter = forms.CharField(
        label="What the reporter will be told",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Do not include other people's personal details",
        error_messages={"required": "Enter what the reporter will be told: they asked for feedback"},
    )

    def __init__(self, *args, wants_feedback: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if wants_feedback:
            self.fields["answer_for_reporter"].required = True
        else:
            self.fields["answer_for_reporter"].label = "What the reporter would be told (optional)"
            self.fields[
                "answer_for_reporter"
            ].help_text = "The reporter did not ask for feedback, so this is not shown to them"


class SanctionProposeForm(forms.Form):
    subject_description = forms.CharField(
        label="Who is the sanction against?",
        max_length=200,
        help_text="A patient or visitor reference, not a narrative",
        error_messages={"required": "Enter who the sanction is against"},
    )
    kind = forms.ChoiceField(
        label="Proposed sanction",
        choices=Sanction.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the proposed sanction"},
    )
    notes = forms.CharField(
        label="Notes (internal, optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SanctionMoveForm(forms.Form):
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    capacity_considered = forms.BooleanField(
        label="The person's capacity and any medical factors were considered", required=False
    )
    person_input_sought = forms.BooleanField(label="The person's own account was sought", required=False)
    issued_on = NHSUKDateField(label="Date issued", required=False)
    review_on = NHSUKDateField(label="Review date", required=False)

    FIELDS_FOR_MOVE = {
        "clinical_review": ("note", "capacity_considered", "person_input_sought"),
        "issue": ("issued_on", "review_on", "note"),
        "appeal": ("note",),
        "revoke": ("note",),
    }

    def __init__(self, *args, move: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.FIELDS_FOR_MOVE.get(move, ("note",))
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if move == "clinical_review":
            self.fields["note"].label = "Clinician's view, including medical factors"
        elif move in ("appeal", "revoke"):
            self.fields["note"].label = "Reason"
        elif move == "issue":
            self.fields["note"].label = "Note (internal, optional)"
        else:
            self.fields["note"].label = "Note (internal, optional)"


class CaseActionForm(forms.Form):
    description = forms.CharField(
        label="Action", max_length=300, error_messages={"required": "Enter the action"}
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=None,
        empty_label="Choose",
        error_messages={
            "required": "Choose who owns the action",
            "invalid_choice": "Choose an owner from the list",
        },
    )
    due_on = NHSUKDateField(label="Due date", error_messages={"required": "Enter the due date"})

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = handlers
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.email


class StatisticsForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=None, required=False, empty_label="All organisations you can see"
    )
    period = forms.ChoiceField(label="Period", choices=(), required=False)

    def __init__(self, *args, organisations, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["period"].choices = periods


def user_label(user) -> str:
    return user.get_full_name() or user.email if user else ""


class LegalHoldForm(forms.Form):
    on = forms.TypedChoiceField(
        label="Legal hold",
        choices=(
            ("yes", "Place a legal hold: keep this case beyond its retention period"),
            ("no", "Lift the hold"),
        ),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to place or lift the hold"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a claim, an inquest or a police investigation",
        error_messages={"required": "Enter the reason"},
    )


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
