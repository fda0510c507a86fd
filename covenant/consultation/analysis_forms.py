"""Forms of the analyst's per-question workflow: accept a suggested theme, split a theme, and confirm or reject
suggested tags together."""

from __future__ import annotations

from django import forms


class SuggestionAcceptForm(forms.Form):
    suggestion = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    name = forms.CharField(
        label="Name for this theme",
        max_length=120,
        error_messages={
            "required": "Enter a name for the theme",
            "max_length": "The theme name must be 120 characters or fewer",
        },
    )


class ThemeSplitForm(forms.Form):
    name = forms.CharField(
        label="Name of the new theme",
        max_length=120,
        error_messages={
            "required": "Enter a name for the new theme",
            "max_length": "The theme name must be 120 characters or fewer",
        },
    )
    answers = forms.TypedMultipleChoiceField(
        label="Answers that belong in the new theme",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose the answers that belong in the new theme",
            "invalid_choice": "Choose answers from the list",
        },
    )

    def __init__(self, *args, answers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answers"].choices = list(answers)


class IdListField(forms.Field):
    """Ids of records posted from the page (checkboxes of the same name); the service checks each belongs."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return [int(item) for item in value or []]
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError("Choose suggested themes from this page") from exc


class TagReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", "Confirm"), ("reject", "Reject")],
        error_messages={"required": "Choose confirm or reject", "invalid_choice": "Choose confirm or reject"},
    )
    tags = IdListField(
        error_messages={"required": "Choose at least one suggested theme to confirm or reject"}
    )
