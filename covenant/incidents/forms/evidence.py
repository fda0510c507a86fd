"""Forms for evidence, witness statements, handler-only notes and moving cases to another handler. Each only parses
what was posted; the services check everything again (a file's type and size included)."""

from __future__ import annotations

from django import forms
from django.conf import settings

from cms.forms import NHSUKDateField

from ..evidence_files import ACCEPTED, size_label
from ..models import WitnessStatement


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Choose a file",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )
    description = forms.CharField(
        label="What does it show? (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The description must be 500 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"It can be {ACCEPTED}, up to {size_label(settings.INCIDENT_EVIDENCE_MAX_FILE_BYTES)}."

    def clean_file(self):
        # Refused by size before a byte is read; the type is read from the content by the service.
        upload = self.cleaned_data["file"]
        limit = settings.INCIDENT_EVIDENCE_MAX_FILE_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The selected file must be smaller than {size_label(limit)}")
        return upload


class WitnessStatementForm(forms.Form):
    witness_name = forms.CharField(
        label="Witness's name", max_length=200, error_messages={"required": "Enter the witness's name"}
    )
    relationship = forms.ChoiceField(
        label="How are they connected to the incident?",
        choices=WitnessStatement.Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the witness is connected to the incident"},
    )
    role = forms.CharField(label="Job title or role (optional)", required=False, max_length=200)
    taken_on = NHSUKDateField(
        label="Date the statement was taken",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the statement was taken"},
    )
    statement = forms.CharField(
        label="Statement",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "required": "Enter the statement",
            "max_length": "The statement must be 20,000 characters or fewer",
        },
    )
    evidence = forms.ModelChoiceField(
        label="Linked file (optional)",
        queryset=None,
        required=False,
        empty_label="No file",
        help_text="A recording or signed copy of the statement already on this case",
    )

    def __init__(self, *args, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = evidence
        self.fields["evidence"].label_from_instance = lambda e: (
            f"{e.file_name} ({e.get_kind_display().lower()})"
        )


class CaseNoteForm(forms.Form):
    body = forms.CharField(
        label="Note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only handlers who may see this case can read it. The reporter never sees notes.",
        error_messages={
            "required": "Enter your note",
            "max_length": "Notes must be 5,000 characters or fewer",
        },
    )


def _person(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _person(obj)


class CaseReassignForm(forms.Form):
    """One case: whose part moves (its lead handler or investigator) and to whom."""

    from_user = PersonChoiceField(
        label="Move the case from",
        queryset=None,
        error_messages={"required": "Select whose part in the case moves"},
    )
    to_user = PersonChoiceField(
        label="Move it to",
        queryset=None,
        error_messages={"required": "Select who the case moves to"},
        help_text="Handlers at the case's organisation who are not excluded from it",
    )

    def __init__(self, *args, owners, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = owners
        self.fields["to_user"].queryset = handlers


class CasesReassignForm(forms.Form):
    """All of one person's open cases at once."""

    from_user = PersonChoiceField(
        label="Move the open cases of", queryset=None, error_messages={"required": "Select whose cases move"}
    )
    to_user = PersonChoiceField(
        label="Move them to", queryset=None, error_messages={"required": "Select who the cases move to"}
    )

    def __init__(self, *args, owners, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = owners
        self.fields["to_user"].queryset = handlers
