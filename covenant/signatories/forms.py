"""Forms parse input; the services hold the rules. Service errors are put beside the field they concern."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cms.forms import NHSUKDateField

from .models import FinancialYear, Pledge, Tier
from .services import MAX_PLEDGES, PledgeInput


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class SignatureForm(forms.Form):
    organisation = OrganisationChoiceField(
        queryset=None, label="Organisation signing the Covenant", empty_label=None
    )
    signatory_name = forms.CharField(
        max_length=120,
        label="Full name of the person signing",
        help_text="Someone in authority, such as the chief executive",
    )
    signatory_role = forms.CharField(max_length=120, label="Their job title")
    co_signatory_name = forms.CharField(
        max_length=120,
        required=False,
        label="Full name of the co-signatory (optional)",
        help_text="For example a staff representative or trade union lead",
    )
    co_signatory_role = forms.CharField(
        max_length=120, required=False, label="Co-signatory's job title (optional)"
    )
    signed_on = NHSUKDateField(label="Date signed", help_text="For example, 15 3 2026")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("co_signatory_name")) != bool(cleaned.get("co_signatory_role")):
            self.add_error("co_signatory_role", "Enter both the name and the job title of the co-signatory")
        return cleaned


class PledgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class PledgeForm(forms.Form):
    """One pledge: chosen from the bank or written by the organisation, with a measurable indicator and target."""

    bank_pledge = PledgeChoiceField(
        queryset=Pledge.objects.none(),
        required=False,
        label="Pledge from the bank",
        empty_label="None: I will write our own pledge",
    )
    own_text = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Or your own pledge",
        help_text="Start with 'We will'",
    )
    indicator = forms.CharField(
        required=False,
        max_length=200,
        label="Measurable indicator",
        help_text="For example, percentage of staff offered support within 72 hours of an incident",
    )
    target = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=1,
        label="Target",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}),
    )
    unit = forms.CharField(
        required=False, max_length=30, label="Unit (optional)", help_text="For example %, people or days"
    )

    def __init__(self, *args, bank=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bank is not None:
            self.fields["bank_pledge"].queryset = bank

    def is_used(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("bank_pledge") or data.get("own_text"))

    def clean(self):
        cleaned = super().clean()
        bank, own = cleaned.get("bank_pledge"), (cleaned.get("own_text") or "").strip()
        if bank and own:
            self.add_error("own_text", "Choose a pledge from the bank or write your own, not both")
        if bank or own or cleaned.get("indicator") or cleaned.get("target") is not None:
            if not (bank or own):
                self.add_error("bank_pledge", "Choose a pledge from the bank or write your own")
            if not (cleaned.get("indicator") or "").strip():
                self.add_error("indicator", "Enter how progress on this pledge is measured")
            if cleaned.get("target") is None and "target" not in self.errors:
                self.add_error("target", "Enter a target, as a number")
        return cleaned

    def to_input(self) -> PledgeInput:
        data = self.cleaned_data
        return PledgeInput(
            bank_pledge=data.get("bank_pledge"),
            own_text=(data.get("own_text") or "").strip(),
            indicator=data["indicator"],
            target=data["target"],
            unit=data.get("unit") or "",
        )


class BasePledgeFormSet(forms.BaseFormSet):
    def __init__(self, *args, bank=None, **kwargs):
        self.bank = bank
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"bank": self.bank}

    def clean(self):
        if any(self.errors):
            return
        used = [form for form in self.forms if form.is_used()]
        if not used:
            raise ValidationError("Make at least one pledge")
        bank_ids = [
            form.cleaned_data["bank_pledge"].pk for form in used if form.cleaned_data.get("bank_pledge")
        ]
        if len(bank_ids) != len(set(bank_ids)):
            raise ValidationError("Choose each pledge from the bank only once")

    def pledge_inputs(self) -> list[PledgeInput]:
        return [form.to_input() for form in self.forms if form.is_used()]


PledgeFormSet = forms.formset_factory(
    PledgeForm,
    formset=BasePledgeFormSet,
    extra=3,
    max_num=MAX_PLEDGES,
    validate_max=True,
    absolute_max=MAX_PLEDGES,
)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve: the organisation has signed"), ("reject", "Do not approve")],
        widget=forms.RadioSelect,
        label="Your decision",
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Reason (needed if you do not approve)",
        help_text="The organisation sees this",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Say why the request is not approved, so the organisation can fix it")
        return cleaned


class ProgressForm(forms.Form):
    financial_year = forms.TypedChoiceField(coerce=int, label="Financial year")
    value = forms.DecimalField(
        min_value=0,
        max_digits=10,
        decimal_places=1,
        label="Value at the end of the year",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}),
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Note (optional)"
    )

    def __init__(self, *args, pledge, **kwargs):
        super().__init__(*args, **kwargs)
        current = FinancialYear.containing(timezone.localdate())
        first = FinancialYear.containing(pledge.signature.signed_on)
        years = [FinancialYear(y) for y in range(current.start_year, first.start_year - 1, -1)]
        self.fields["financial_year"].choices = [(year.start_year, year.label) for year in years]
        self.fields["value"].help_text = f"Indicator: {pledge.indicator}" + (
            f" ({pledge.unit})" if pledge.unit else ""
        )

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.cleaned_data["financial_year"])


class AwardForm(forms.Form):
    organisation = OrganisationChoiceField(queryset=None, label="Organisation")
    tier = forms.ChoiceField(choices=Tier.choices, widget=forms.RadioSelect, label="Tier")
    evidence = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Evidence",
        help_text="How the organisation meets each published criterion of the tier",
    )
    awarded_on = NHSUKDateField(label="Date of the award")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
