"""Forms a handler fills on a case: messages, workflow steps, exclusions and identity requests, support, RIDDOR,
the police outcome, decisions on the reporter's requests, sanctions, actions and the legal hold."""

from __future__ import annotations

from django import forms

from cms.forms import NHSUKDateField

from ..models import CaseExclusion, Message, PoliceOutcome, RiddorAssessment, Sanction, SupportOffer


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
        choices=(),
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

    def __init__(self, *args, moves, **kwargs):
        """`moves`: the support lifecycle (services.support.SUPPORT_MOVES), whose labels answer the question."""
        super().__init__(*args, **kwargs)
        self.fields["move"].choices = [(move.name, move.label) for move in moves]


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
    kind = forms.ChoiceField(
        label="What makes it reportable",
        choices=RiddorAssessment.Kind.choices,
        initial=RiddorAssessment.Kind.OVER_SEVEN_DAY,
        required=False,
        widget=forms.RadioSelect,
        help_text="Sets the deadline: 15 days from the incident for an over-7-day injury, 10 days for the others. "
        "If you do not choose, it is treated as an over-7-day injury",
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
    expires_on = NHSUKDateField(
        label="Expiry date (optional)",
        required=False,
        help_text="The sanction ends by itself on this day and its owner is told. Leave it empty if it lasts "
        "until it is revoked.",
    )

    FIELDS_FOR_MOVE = {
        "clinical_review": ("note", "capacity_considered", "person_input_sought"),
        "issue": ("issued_on", "review_on", "expires_on", "note"),
        "extend": ("review_on", "expires_on", "note"),
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
        elif move == "extend":
            self.fields["review_on"].label = "Next review date"
            self.fields["note"].label = "What the review found (internal, optional)"
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
