"""Forms for HR data entry: a person, their contracts (employments) and posts. They parse input; the
services hold the rules, and their errors are shown beside the field they concern."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from cms.forms import NHSUKDateField

from .models import Employment, Organisation, Person, Post
from .vocabulary import ContractType, DestinationSector, JobRole, PayFramework, PostKind, PostStatus

NI_HELP = "It is not stored: it only makes the key that matches this person across organisations"


class EmployerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _scoped(field: forms.ModelChoiceField, organisations) -> None:
    """Offer only the user's organisations; with one there is nothing to choose."""
    organisations = list(organisations or [])
    field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
    if len(organisations) == 1:
        field.empty_label = None


class EntryForm(forms.Form):
    """Required fields say what to do, as the NHS.UK design system asks: "Enter the job title"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                not field.required
                or isinstance(field, NHSUKDateField)
                or field.error_messages.get("required") != forms.Field.default_error_messages["required"]
            ):
                continue
            label = str(field.label).split(" (")[0]
            label = label if label.isupper() or label[:2].isupper() else label[0].lower() + label[1:]
            verb = "Select" if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) else "Enter"
            field.error_messages["required"] = f"{verb} the {label}"


class PersonAddForm(EntryForm):
    first_name = forms.CharField(max_length=100, label="First name")
    last_name = forms.CharField(max_length=100, label="Last name")
    date_of_birth = NHSUKDateField(label="Date of birth", help_text="For example, 27 3 1985")
    ni_number = forms.CharField(max_length=13, label="National Insurance number", help_text=NI_HELP)
    employer = EmployerChoiceField(
        queryset=Organisation.objects.none(), label="Employer", empty_label="Select an organisation"
    )
    staff_number = forms.CharField(max_length=30, required=False, label="Staff number (optional)")
    contract_type = forms.ChoiceField(
        choices=ContractType.choices, initial=ContractType.PERMANENT, label="Type of contract"
    )
    start_date = NHSUKDateField(label="Contract start date", help_text="For example, 1 4 2026")
    post_reference = forms.CharField(
        max_length=30,
        required=False,
        label="Post number (optional)",
        help_text="A post at the employer. The person is assigned to it from the contract start date",
    )
    fte = forms.DecimalField(
        label="FTE in the post",
        min_value=Decimal("0.01"),
        max_value=Decimal("1.00"),
        decimal_places=2,
        initial=Decimal("1.00"),
        help_text="Between 0.01 and 1, like 0.6",
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self.fields["employer"], organisations)

    def clean(self):
        data = super().clean()
        data["post"] = None
        reference = (data.get("post_reference") or "").strip()
        employer = data.get("employer")
        if reference and employer is not None:
            data["post"] = Post.objects.filter(organisation=employer, reference__iexact=reference).first()
            if data["post"] is None:
                self.add_error(
                    "post_reference", f"There is no post number {reference} at {employer.display_name}"
                )
        return data


class PersonEditForm(EntryForm):
    first_name = forms.CharField(max_length=100, label="First name")
    last_name = forms.CharField(max_length=100, label="Last name")
    date_of_birth = NHSUKDateField(label="Date of birth", help_text="For example, 27 3 1985")
    ni_number = forms.CharField(
        max_length=13,
        required=False,
        label="National Insurance number (only to change the last name or date of birth)",
        help_text=NI_HELP,
    )


class EmploymentForm(EntryForm):
    employer = EmployerChoiceField(
        queryset=Organisation.objects.none(), label="Employer", empty_label="Select an organisation"
    )
    staff_number = forms.CharField(max_length=30, required=False, label="Staff number (optional)")
    contract_type = forms.ChoiceField(choices=ContractType.choices, label="Type of contract")
    start_date = NHSUKDateField(label="Start date", help_text="For example, 1 4 2026")
    end_date = NHSUKDateField(label="End date (optional)", required=False)
    tupe_protected = forms.BooleanField(
        required=False, label="Terms protected under TUPE (transfer of undertakings)"
    )

    def __init__(self, *args, organisations=None, employment: Employment | None = None, **kwargs):
        if employment is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(employment, name) for name in EMPLOYMENT_EDITABLE},
            )
        super().__init__(*args, **kwargs)
        if employment is not None:
            # The employer of a contract does not change: a new employer is a new contract.
            del self.fields["employer"]
        else:
            del self.fields["tupe_protected"]
            _scoped(self.fields["employer"], organisations)


EMPLOYMENT_EDITABLE = ("staff_number", "contract_type", "start_date", "end_date", "tupe_protected")


class PostForm(EntryForm):
    organisation = EmployerChoiceField(
        queryset=Organisation.objects.none(), label="Organisation", empty_label="Select an organisation"
    )
    reference = forms.CharField(
        max_length=30, label="Post number", help_text="The post number in your organisation's own system"
    )
    title = forms.CharField(max_length=200, label="Job title")
    job_role = forms.ChoiceField(
        choices=[("", "Select a job role"), *JobRole.choices],
        label="National job role",
        help_text="The staff group follows from the job role",
    )
    pay_framework = forms.ChoiceField(choices=PayFramework.choices, label="Pay framework")
    pay_band = forms.CharField(
        max_length=10,
        required=False,
        label="Pay band",
        help_text="For Agenda for Change: 1 to 9, or 8a to 8d",
    )
    fte = forms.DecimalField(
        label="FTE",
        min_value=Decimal("0.01"),
        max_value=Decimal("1.00"),
        decimal_places=2,
        initial=Decimal("1.00"),
        help_text="Between 0.01 and 1, like 0.6",
    )
    kind = forms.ChoiceField(choices=PostKind.choices, initial=PostKind.SINGLE, label="Kind of post")
    status = forms.ChoiceField(choices=PostStatus.choices, initial=PostStatus.FUNDED, label="Status")

    def __init__(self, *args, organisations=None, post: Post | None = None, **kwargs):
        if post is not None:
            kwargs.setdefault("initial", {name: getattr(post, name) for name in POST_EDITABLE})
        super().__init__(*args, **kwargs)
        if post is not None:
            del self.fields["organisation"]
        else:
            _scoped(self.fields["organisation"], organisations)

    def clean(self):
        data = super().clean()
        if data.get("pay_framework") == PayFramework.AFC:
            data["pay_band"] = (data.get("pay_band") or "").strip().lower()
        return data


POST_EDITABLE = ("reference", "title", "job_role", "pay_framework", "pay_band", "fte", "kind", "status")


class ArrivalForm(EntryForm):
    """Where someone came from, when the sending organisation does not use the system."""

    assignment = forms.ModelChoiceField(
        queryset=Post.objects.none(), label="The post they started with you", widget=forms.RadioSelect
    )
    from_sector = forms.ChoiceField(
        choices=[("", "Select a sector"), *DestinationSector.choices], label="Sector they came from"
    )
    from_organisation_name = forms.CharField(
        max_length=200,
        required=False,
        label="Organisation they came from",
        help_text="Leave blank if they were not in employment, retired, or it is not known",
    )
    offer_date = NHSUKDateField(
        label="Date the offer was made (optional)",
        required=False,
        help_text="The days from offer to start are worked out from this and the start date of the post",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason for the move")

    def __init__(self, *args, assignments=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignment"]
        field.queryset = assignments
        field.label_from_instance = lambda a: (
            f"{a.post.title} ({a.post.reference}) at {a.work_organisation.display_name}, "
            f"from {a.start_date:%-d %B %Y}"
        )
        choices = list(assignments or [])
        if len(choices) == 1:
            field.initial = choices[0].pk


class TeamForm(EntryForm):
    name = forms.CharField(max_length=200, label="Team name")
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What the team does (optional)"
    )


class TeamMemberForm(EntryForm):
    """A member is found by their staff number at one of the user's organisations that is a partner."""

    employer = EmployerChoiceField(
        queryset=Organisation.objects.none(), label="Employer", empty_label="Select an organisation"
    )
    staff_number = forms.CharField(max_length=30, label="Staff number")
    start_date = NHSUKDateField(label="Date they join the team", help_text="For example, 1 4 2026")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, prefix="member", **kwargs)
        _scoped(self.fields["employer"], organisations)


class TeamLeadForm(EntryForm):
    lead = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Team lead", empty_label="No lead"
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, prefix="lead", **kwargs)
        field = self.fields["lead"]
        field.queryset = Person.objects.filter(pk__in=[m.person_id for m in members])
        field.label_from_instance = lambda person: person.full_name


class TeamMemberEndForm(EntryForm):
    member = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "Select who has left the team"}
    )
    end_date = NHSUKDateField(label="Date they left the team")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="end", **kwargs)
