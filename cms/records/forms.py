"""The forms of the records pages (docs/records.md). The services validate what depends on the schedule (a kind's
minimum period, whether a held record exists) and their errors go beside these fields."""

from __future__ import annotations

from django import forms

from cms.retention import holdable_types, kinds


class PeriodForm(forms.Form):
    days = forms.IntegerField(
        label="Keep for (days)",
        min_value=0,
        help_text="Days from the moment this kind counts from. 3,653 days is ten years.",
        error_messages={"required": "Enter the number of days", "invalid": "Enter a whole number of days"},
    )
    reason = forms.CharField(
        label="Why is the period changing?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the period is changing"},
    )


class HoldForm(forms.Form):
    SCOPES = (("record", "One record"), ("kind", "Every record of a kind"))

    scope = forms.ChoiceField(
        label="What does the hold cover?",
        choices=SCOPES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the hold covers"},
    )
    object_type = forms.ChoiceField(label="Kind of record", required=False)
    object_id = forms.CharField(label="Record number", required=False, max_length=64)
    kind = forms.ChoiceField(label="Kind of record on the schedule", required=False)
    reason = forms.CharField(
        label="Reason for the hold",
        help_text="For example, the claim or investigation it is for.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the hold"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "Choose"), *sorted(holdable_types().items())]
        self.fields["kind"].choices = [("", "Choose"), *((kind.key, kind.label) for kind in kinds())]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "kind" and not cleaned.get("kind"):
            self.add_error("kind", "Choose the kind of record to hold")
        if cleaned.get("scope") == "record":
            if not cleaned.get("object_type"):
                self.add_error("object_type", "Choose the kind of record to hold")
            if not (cleaned.get("object_id") or "").strip():
                self.add_error("object_id", "Enter the record's number")
        return cleaned


class LiftForm(forms.Form):
    reason = forms.CharField(
        label="Why is the hold lifted?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the hold is lifted"},
    )


class SubjectForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        help_text="Their sign-in or work e-mail address.",
        error_messages={"invalid": "Enter an e-mail address like name@example.nhs.uk"},
    )
    number = forms.IntegerField(
        label="Or their workforce record number",
        required=False,
        min_value=1,
        error_messages={
            "invalid": "Enter a record number, like 1234",
            "min_value": "Enter a record number, like 1234",
        },
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("email") and not cleaned.get("number"):
            self.add_error("email", "Enter an e-mail address or a workforce record number")
        return cleaned


class EraseForm(SubjectForm):
    reason = forms.CharField(
        label="The request",
        help_text="Who asked and when, or your case reference.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the request you are acting on"},
    )
    confirm = forms.BooleanField(
        label="I have checked this is the right person, and understand erasure cannot be undone",
        error_messages={"required": "Confirm you have checked this is the right person"},
    )
