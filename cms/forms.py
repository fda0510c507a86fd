"""Django forms rendered with NHS.UK design system markup.

`{{ form }}` renders every field through templates/components/forms/field.html, which picks the NHS.UK
pattern for the widget (text input, textarea, select, radios, checkboxes, date input) with its label, hint,
error message and, for grouped inputs, a fieldset and legend. `{% error_summary form %}` renders the
error summary that links to each field.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class NHSUKFormRenderer(TemplatesSetting):
    form_template_name = "components/forms/form.html"
    field_template_name = "components/forms/field.html"


class NHSUKDateInput(forms.MultiWidget):
    """The NHS.UK date input: day, month and year boxes, cleaned to a date by `NHSUKDateField`."""

    template_name = "components/forms/widgets/date_input.html"

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2", "autocomplete": "off"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2", "autocomplete": "off"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4", "autocomplete": "off"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]


class NHSUKDateField(forms.MultiValueField):
    widget = NHSUKDateInput
    default_error_messages = {
        "invalid": "Enter a real date",
        "incomplete": "The date must include a day, month and year",
    }

    def __init__(self, **kwargs):
        fields = (
            forms.IntegerField(min_value=1, max_value=31),
            forms.IntegerField(min_value=1, max_value=12),
            forms.IntegerField(min_value=1900, max_value=2200),
        )
        kwargs.setdefault("require_all_fields", True)
        super().__init__(fields=fields, **kwargs)

    def clean(self, value):
        # Report a single message for the whole date rather than one per box.
        try:
            return super().clean(value)
        except forms.ValidationError as exc:
            codes = {getattr(e, "code", None) for e in exc.error_list}
            if "required" in codes and not any(value or []):
                raise forms.ValidationError(self.error_messages["required"], code="required") from exc
            if "required" in codes or "incomplete" in codes:
                raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete") from exc
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def compress(self, data_list):
        if not data_list:
            return None
        day, month, year = data_list
        if None in (day, month, year):  # an optional date with a box left empty
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            return datetime.date(int(year), int(month), int(day))
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


def apply_service_errors(form: forms.Form, error: ValidationError, *, aliases=None, formset=None) -> None:
    """Put a service's ValidationError beside the form fields it names; the rest go to the formset (if given) or
    to the top of the form, where the error summary shows them first.

    `aliases` maps a service's field name to the form field a person types it into ("post" -> "post_reference").
    """
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, messages in error.message_dict.items():
        field = (aliases or {}).get(field, field)
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
            elif formset is not None:
                formset._non_form_errors.append(message)
            else:
                form.add_error(None, message)
