"""Forms of the staff passport: recording a credential, the holder's answer, sharing and redeeming a code, and
the bulk import. They parse input; the services in workforce/services/passport*.py hold the rules."""

from __future__ import annotations

from django import forms

from cms.forms import NHSUKDateField

from .forms import OrganisationChoiceField
from .models import Organisation
from .vocabulary import CredentialKind, DBSLevel, HolderResponse, JobRole, ProfessionalRegister


class CredentialRecordForm(forms.Form):
    """The dates and the evidence are checked by the service (not required here), so that every problem with the
    details is shown at once, each beside its field."""

    organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        label="Issuing organisation",
        empty_label="Choose an organisation",
    )
    kind = forms.ChoiceField(choices=CredentialKind.choices, widget=forms.RadioSelect, label="Check")
    dbs_level = forms.ChoiceField(
        choices=[("", "Not a DBS check")] + list(DBSLevel.choices), required=False, label="DBS level"
    )
    dbs_update_service = forms.BooleanField(required=False, label="The DBS check is on the update service")
    register = forms.ChoiceField(
        choices=[("", "Not a professional registration")] + list(ProfessionalRegister.choices),
        required=False,
        label="Professional register",
    )
    reference = forms.CharField(
        max_length=60,
        required=False,
        label="Registration or certificate number",
        help_text="Needed for a professional registration, such as an NMC PIN",
    )
    subject = forms.CharField(
        max_length=120,
        required=False,
        label="Training subject",
        help_text="Needed for training, such as Safeguarding adults level 2",
    )
    issued_on = NHSUKDateField(
        label="Date the check was issued or done", required=False, help_text="For example, 9 2 2026"
    )
    expires_on = NHSUKDateField(
        label="Expiry or renewal date",
        required=False,
        help_text="Needed for a professional registration. Leave blank if it does not expire",
    )
    evidence_seen = forms.CharField(
        max_length=255,
        required=False,
        label="Evidence you saw",
        help_text="For example, DBS certificate or biometric passport",
    )
    evidence_checked_on = NHSUKDateField(label="Date you saw the evidence", required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )


class HolderResponseForm(forms.Form):
    response = forms.ChoiceField(
        choices=[(HolderResponse.ACCEPTED, "Yes, it is right"), (HolderResponse.REJECTED, "No, it is wrong")],
        widget=forms.RadioSelect,
        label="Is this credential right?",
    )
    reason = forms.CharField(
        max_length=255, required=False, label="What is wrong with it", help_text="Needed if it is wrong"
    )


class ShareCreateForm(forms.Form):
    organisation = OrganisationChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        label="Organisation to share with",
        empty_label="Choose an organisation",
        help_text="Only this organisation's HR team can use the code, once, within 7 days",
    )


class ShareRedeemForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        label="Passport code",
        help_text="12 letters and numbers, like ABCD-EFGH-JKLM",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    job_role = forms.ChoiceField(
        choices=[("", "Every role")] + list(JobRole.choices),
        required=False,
        label="Role they are joining as",
        help_text="Your rules for this role decide what is reused",
    )


class CredentialImportForm(forms.Form):
    organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        label="Issuing organisation",
        empty_label="Choose an organisation",
    )
    file = forms.FileField(label="CSV file", help_text="Use the template: one credential a row")
    dry_run = forms.BooleanField(required=False, initial=True, label="Check the file without importing it")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
