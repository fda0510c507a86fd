"""Forms of the organisation and account screens: organisations, the ODS import, invitations, roles, leavers,
and accepting an invitation. They parse input; the services hold the rules."""

from __future__ import annotations

from django import forms

from cms.accounts.roles import ORGANISATION_SCOPED_ROLES, Role

from .models import Organisation, OrganisationType, Region
from .ods import FILE_KINDS


def role_hints(roles: tuple[Role, ...]) -> list[tuple[str, str]]:
    return [(role.name, role.description) for role in roles]


def _role_options(roles: tuple[Role, ...]) -> list[tuple[str, str]]:
    return [(role.key, role.name) for role in roles]


class OrganisationForm(forms.ModelForm):
    icb = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Integrated care board (optional)",
        empty_label="None",
    )

    class Meta:
        model = Organisation
        fields = (
            "name",
            "short_name",
            "organisation_type",
            "region",
            "ods_code",
            "cqc_provider_id",
            "local_authority_code",
            "icb",
        )
        labels = {
            "short_name": "Short name (optional)",
            "organisation_type": "Type of organisation",
            "region": "NHS England region (optional)",
            "ods_code": "ODS code (optional)",
            "cqc_provider_id": "CQC provider ID (optional)",
            "local_authority_code": "Local authority code (optional)",
        }
        help_texts = {
            "short_name": "How the organisation is named in lists, like Riverside Hospitals",
            "ods_code": "NHS organisations: 3 to 6 capital letters and digits, like RXX or 8AB12",
            "cqc_provider_id": "Care providers: in the form 1-123456789",
            "local_authority_code": "Councils: the GSS code, like E06000001",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        icbs = Organisation.objects.filter(organisation_type=OrganisationType.INTEGRATED_CARE_BOARD)
        if self.instance.pk:
            icbs = icbs.exclude(pk=self.instance.pk)
        self.fields["icb"].queryset = icbs.order_by("name")
        self.fields["region"].choices = [("", "Not set"), *Region.choices]
        self.fields["organisation_type"].choices = [("", "Choose a type"), *OrganisationType.choices]

    def _post_clean(self):
        # The service (organisation_validate) builds, validates and saves the organisation, and says which
        # organisation already has a name or code; the form only parses what was typed.
        pass


class OrganisationStatusForm(forms.Form):
    reason = forms.CharField(
        label="Why are you deactivating it?",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: merged into another trust. Recorded in the audit trail.",
    )


class OdsImportForm(forms.Form):
    kind = forms.ChoiceField(choices=FILE_KINDS, widget=forms.RadioSelect, label="What does the file list?")
    file = forms.FileField(
        label="ODS file (CSV)",
        help_text="The CSV file as ODS publishes it, without a heading row. Up to 10MB.",
    )
    mode = forms.ChoiceField(
        choices=[("dry_run", "Check the file only (dry run)"), ("import", "Import the file")],
        widget=forms.RadioSelect,
        initial="dry_run",
        label="What do you want to do?",
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", max_length=254, help_text="Their work e-mail address: the link is sent there"
    )
    roles = forms.MultipleChoiceField(
        choices=_role_options(ORGANISATION_SCOPED_ROLES),
        widget=forms.CheckboxSelectMultiple,
        label="Roles at this organisation",
        error_messages={"required": "Choose at least one role"},
    )

    def __init__(self, *args, roles: tuple[Role, ...] = ORGANISATION_SCOPED_ROLES, **kwargs):
        """`roles`: the roles the administrator may hand out (`roles_grantable_by`)."""
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_options(roles)


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(
        choices=[("", "Choose a role"), *_role_options(ORGANISATION_SCOPED_ROLES)], label="Give them a role"
    )

    def __init__(self, *args, roles: tuple[Role, ...] = ORGANISATION_SCOPED_ROLES, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role"), *_role_options(roles)]


class LeaverForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=500,
        help_text="For example: left the organisation on 31 March",
    )


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text="At least 12 characters; not a common password and not all numbers",
    )
    password_again = forms.CharField(
        label="Type the password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "The passwords do not match")
        return data
