"""The handler's form for who did it: the patient's NHS number and the member of staff's work e-mail."""

from __future__ import annotations

from django import forms

from ..nhs_number import normalise_nhs_number, validate_nhs_number


class NHSNumberField(forms.CharField):
    """An NHS number, checked with `nhs_number.validate_nhs_number` (10 digits, mod-11 check digit); cleans to
    the 10 digits without spaces, or "" when left blank and not required."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)  # spaces and hyphens between the groups are allowed
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "nhsuk-input--width-10",
            }
        )

    def clean(self, value):
        value = super().clean(value)
        if not normalise_nhs_number(value):
            return ""
        return validate_nhs_number(value)


class PerpetratorForm(forms.Form):
    nhs_number = NHSNumberField(
        label="Patient's NHS number (optional)",
        required=False,
        help_text="If a patient did it. For example, 943 476 5919. Leave it blank if you do not know it.",
        error_messages={"max_length": "NHS number must be 10 digits"},
    )
    staff_email = forms.EmailField(
        label="Work e-mail address of the member of staff (optional)",
        required=False,
        help_text="If a member of staff did it: the address on their workforce record. They and their line "
        "management will be excluded from this case.",
        error_messages={"invalid": "Enter an e-mail address like name@example.nhs.uk"},
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("nhs_number") and not cleaned.get("staff_email"):
            initial = self.initial or {}
            if not initial.get("nhs_number") and not initial.get("staff_email"):
                self.add_error("nhs_number", "Enter an NHS number or a work e-mail address")
        return cleaned
