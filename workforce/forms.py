"""Forms parse input; the services hold the rules. Service errors are shown beside the field they concern."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from cms.forms import NHSUKDateField

from .models import Employment, JointArrangement, Organisation, PassportCredential, Person, Post, Sector
from .vocabulary import (
    ArrangementStatus,
    CredentialKind,
    CredentialStatus,
    DBSLevel,
    DestinationSector,
    DocumentKind,
    JobRole,
    LegalModel,
    MoveType,
    PartnerRole,
)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _organisations():
    return Organisation.objects.filter(is_active=True).order_by("name")


class JointArrangementForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title of the joint role")
    post_reference = forms.CharField(
        max_length=30,
        label="Post number",
        help_text="The number of the post that spans the organisations, at one of your organisations",
    )
    legal_model = forms.ChoiceField(choices=LegalModel.choices, widget=forms.RadioSelect, label="Legal model")
    status = forms.ChoiceField(choices=ArrangementStatus.choices, initial=ArrangementStatus.ACTIVE)
    employer = OrganisationChoiceField(queryset=_organisations(), label="Legal employer")
    place_of_work = OrganisationChoiceField(queryset=_organisations(), label="Place of work (host)")
    funder = OrganisationChoiceField(queryset=_organisations(), label="Lead funder")
    line_manager = forms.CharField(max_length=200, required=False, label="Line manager (name and job title)")
    line_manager_organisation = OrganisationChoiceField(
        queryset=_organisations(), required=False, label="Line manager's organisation"
    )
    professional_supervisor = forms.CharField(
        max_length=200, required=False, label="Professional supervisor (name and job title)"
    )
    professional_supervisor_organisation = OrganisationChoiceField(
        queryset=_organisations(), required=False, label="Professional supervisor's organisation"
    )
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Purpose and objectives"
    )
    s75_reference = forms.CharField(max_length=100, required=False, label="Section 75 agreement and schedule")
    start_date = NHSUKDateField(label="Start date", help_text="For example, 1 4 2026")
    end_date = NHSUKDateField(label="End date (if fixed)", required=False)
    review_date = NHSUKDateField(label="Review date")

    def __init__(self, *args, posts=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A post number, not a list: a large trust has tens of thousands of posts.
        self.posts = posts if posts is not None else Post.objects.none()
        for name in (
            "employer",
            "place_of_work",
            "funder",
            "line_manager_organisation",
            "professional_supervisor_organisation",
        ):
            self.fields[name].queryset = _organisations()

    def clean_post_reference(self):
        reference = self.cleaned_data["post_reference"].strip()
        post = self.posts.filter(reference__iexact=reference).first()
        if post is None:
            raise ValidationError(f"There is no post number {reference} at your organisations")
        self.cleaned_data["post"] = post
        return reference

    def clean(self):
        data = super().clean()
        if "post_reference" in self.errors:
            data.pop("post", None)
        return data

    @classmethod
    def initial_for(cls, arrangement: JointArrangement) -> dict:
        initial = {name: getattr(arrangement, name) for name in cls.base_fields if name != "post_reference"}
        initial["post_reference"] = arrangement.post.reference
        return initial


class PartnerForm(forms.Form):
    organisation = OrganisationChoiceField(queryset=_organisations(), required=False, label="Organisation")
    roles = forms.MultipleChoiceField(
        choices=PartnerRole.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Roles"
    )
    funding_share = forms.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
        label="Funding share (%)",
    )
    time_share = forms.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
        label="Time share (%)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()

    def clean(self):
        data = super().clean()
        if data.get("organisation") is None:
            if (
                data.get("roles")
                or data.get("funding_share") is not None
                or data.get("time_share") is not None
            ):
                self.add_error("organisation", "Select the partner organisation")
            return data
        if not data.get("roles"):
            self.add_error("roles", "Select at least one role for this partner")
        for name, label in (("funding_share", "funding"), ("time_share", "time")):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, f"Enter the {label} share as a percentage, like 60")
        return data


class BasePartnerFormSet(forms.BaseFormSet):
    def partners(self) -> list[dict]:
        return [
            {
                "organisation": form.cleaned_data["organisation"],
                "roles": form.cleaned_data["roles"],
                "funding_share": form.cleaned_data["funding_share"],
                "time_share": form.cleaned_data["time_share"],
            }
            for form in self.forms
            if form.cleaned_data.get("organisation") is not None
        ]


PartnerFormSet = forms.formset_factory(
    PartnerForm, formset=BasePartnerFormSet, extra=0, max_num=8, absolute_max=8
)


def partner_initial(arrangement: JointArrangement | None, *, rows: int = 4) -> list[dict]:
    initial = []
    if arrangement is not None:
        initial = [
            {
                "organisation": p.organisation,
                "roles": p.roles,
                "funding_share": p.funding_share,
                "time_share": p.time_share,
            }
            for p in arrangement.partners.select_related("organisation")
        ]
    return initial + [{}] * max(0, rows - len(initial))


class AgreementDocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=DocumentKind.choices, label="Type of document")
    title = forms.CharField(max_length=200)
    file = forms.FileField(
        label="File", help_text="A PDF, Word (.docx) or OpenDocument (.odt) file up to 10MB"
    )


class MoveRecordForm(forms.Form):
    move_type = forms.ChoiceField(choices=MoveType.choices, widget=forms.RadioSelect, label="Type of move")
    from_post = forms.ModelChoiceField(queryset=Post.objects.none(), label="Moving from post")
    to_organisation = OrganisationChoiceField(
        queryset=_organisations(),
        required=False,
        label="Moving to organisation",
        help_text="Leave blank for a leaver, a secondment return or a joint role start",
    )
    to_post_reference = forms.CharField(
        max_length=30, required=False, label="Post number at the receiving organisation"
    )
    joint_arrangement_number = forms.IntegerField(
        required=False,
        min_value=1,
        label="Joint arrangement number (joint role start)",
        help_text="Shown on the joint arrangement's page",
    )
    destination_sector = forms.ChoiceField(
        choices=[("", "Not a leaver")] + list(DestinationSector.choices),
        required=False,
        label="Leaver's destination sector",
    )
    offer_date = NHSUKDateField(label="Date the offer was made", required=False)
    effective_date = NHSUKDateField(label="Start date of the move")
    end_date = NHSUKDateField(
        label="Planned end date", required=False, help_text="For secondments and rotations"
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason for the move")

    def __init__(self, *args, from_posts=None, current_posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any post of the user's organisations is accepted (the service then explains if it is not the person's
        # current post), but only the person's current posts are offered.
        field = self.fields["from_post"]
        field.queryset = from_posts if from_posts is not None else Post.objects.none()
        field.widget = forms.RadioSelect(
            choices=[
                (post.pk, f"{post.title} ({post.reference}), {post.organisation.display_name}")
                for post in current_posts
            ]
        )
        self.fields["to_organisation"].queryset = _organisations()

    def clean(self):
        data = super().clean()
        data["joint_arrangement"] = None
        number = data.get("joint_arrangement_number")
        if number:
            data["joint_arrangement"] = JointArrangement.objects.filter(pk=number, status="active").first()
            if data["joint_arrangement"] is None:
                self.add_error(
                    "joint_arrangement_number", f"There is no active joint arrangement number {number}"
                )
        data["to_post"] = None
        reference = (data.get("to_post_reference") or "").strip()
        organisation = data.get("to_organisation")
        if reference:
            if organisation is None:
                self.add_error("to_organisation", "Select the organisation the post belongs to")
            else:
                post = Post.objects.filter(organisation=organisation, reference__iexact=reference).first()
                if post is None:
                    self.add_error(
                        "to_post_reference",
                        f"There is no post number {reference} at {organisation.display_name}",
                    )
                data["to_post"] = post
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text="Up to 20,000 rows, with the column headings of the template or of an ESR staff extract",
    )
    mode = forms.ChoiceField(
        choices=[("dry_run", "Check the file only (dry run)"), ("import", "Import the file")],
        widget=forms.RadioSelect,
        initial="dry_run",
        label="What do you want to do?",
    )


class QuarterForm(forms.Form):
    quarter = forms.ChoiceField(label="Quarter")

    def __init__(self, *args, quarters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q.key, q.label) for q in quarters]


class AsAtForm(forms.Form):
    on_date = NHSUKDateField(label="Count staff in post on")


class CredentialStatusForm(forms.Form):
    credential = forms.ModelChoiceField(queryset=PassportCredential.objects.none(), label="Credential")
    status = forms.ChoiceField(
        choices=[
            (CredentialStatus.REVOKED, "Revoked"),
            (CredentialStatus.REJECTED, "Rejected"),
            (CredentialStatus.ISSUED, "Issued (reinstate: a second person must verify it again)"),
        ],
        widget=forms.RadioSelect,
        label="New status",
    )
    status_reason = forms.CharField(
        max_length=255, required=False, label="Reason", help_text="Needed to reject, revoke or reinstate"
    )

    def __init__(self, *args, credentials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].queryset = (
            credentials if credentials is not None else PassportCredential.objects.none()
        )


class AcceptanceRuleForm(forms.Form):
    organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(), label="Receiving organisation"
    )
    job_role = forms.ChoiceField(
        choices=[("", "Every role")] + list(JobRole.choices), required=False, label="Role"
    )
    kind = forms.ChoiceField(choices=CredentialKind.choices, label="Check")
    subject = forms.CharField(
        max_length=120,
        required=False,
        label="Training subject",
        help_text="For training, such as Safeguarding adults",
    )
    minimum_dbs_level = forms.ChoiceField(
        choices=[("", "Any level")] + list(DBSLevel.choices),
        required=False,
        label="Lowest DBS level accepted",
    )
    requires_update_service = forms.BooleanField(
        required=False, label="The DBS check must be on the update service"
    )
    max_age_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        label="Oldest accepted, in days",
        help_text="Leave blank for any age",
    )
    accepted_issuer_sectors = forms.MultipleChoiceField(
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Accepted when issued by",
        help_text="Leave all unticked to accept any sector",
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )


class ReportingLinesForm(forms.Form):
    """A person's work e-mail and, for each of their open employments the user may change, who they report to.

    A line manager is given by staff number (at the user's organisations) or by work e-mail (anyone the user
    can see in the workforce records); the service then refuses self-management and loops.
    """

    work_email = forms.EmailField(
        label="Work e-mail address",
        required=False,
        max_length=254,
        help_text="Links this record to the person's sign-in account, now or when they get one",
        error_messages={"invalid": "Enter an e-mail address like name@example.nhs.uk"},
    )

    def __init__(self, *args, employments=(), people=None, organisation_ids=(), on_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.employments = list(employments)
        self.people = people if people is not None else Person.objects.none()
        self.organisation_ids = list(organisation_ids)
        self.on_date = on_date
        for employment in self.employments:
            name = self.line_manager_field(employment)
            staff_number = f", staff number {employment.staff_number}" if employment.staff_number else ""
            self.fields[name] = forms.CharField(
                label=f"Line manager at {employment.employer.display_name}{staff_number}",
                required=False,
                max_length=254,
                help_text="Their staff number or work e-mail address. Leave blank if they report to no one here.",
            )
            self.fields[name].employment = employment

    @staticmethod
    def line_manager_field(employment) -> str:
        return f"line_manager_{employment.pk}"

    def clean(self):
        data = super().clean()
        for employment in self.employments:
            name = self.line_manager_field(employment)
            if name in self.errors:
                continue
            data[name] = self._find_manager(name, (data.get(name) or "").strip())
        return data

    def _find_manager(self, name: str, value: str):
        if not value:
            return None
        employment = self.fields[name].employment
        # An unchanged answer keeps the recorded manager, even one this user could not look up themselves.
        if employment.line_manager is not None and value == str(
            self.get_initial_for_field(self.fields[name], name)
        ):
            return employment.line_manager
        if "@" in value:
            found = list(self.people.filter(work_email=value.lower())[:2])
            if not found:
                self.add_error(
                    name, f"No one in your organisations' records has the work e-mail address {value}"
                )
                return None
            return found[0]
        employments = Employment.objects.filter(
            employer_id__in=self.organisation_ids, staff_number__iexact=value
        )
        if self.on_date is not None:
            employments = employments.open_on(self.on_date)
        people = list(Person.objects.filter(pk__in=employments.values("person_id"))[:2])
        if not people:
            self.add_error(name, f"No one at your organisations has the staff number {value}")
            return None
        if len(people) > 1:
            self.add_error(
                name, f"More than one person has the staff number {value}: enter their work e-mail address"
            )
            return None
        return people[0]

    def line_managers(self) -> dict[int, Person | None]:
        return {e.pk: self.cleaned_data.get(self.line_manager_field(e)) for e in self.employments}

    @classmethod
    def initial_for(cls, person: Person, employments, *, on_date) -> dict:
        """The current values, each manager shown by work e-mail, or else by a staff number."""
        initial = {"work_email": person.work_email}
        for employment in employments:
            manager = employment.line_manager
            if manager is None:
                continue
            value = manager.work_email
            if not value:
                value = (
                    Employment.objects.open_on(on_date)
                    .filter(person=manager)
                    .exclude(staff_number="")
                    .values_list("staff_number", flat=True)
                    .first()
                    or manager.full_name
                )
            initial[cls.line_manager_field(employment)] = value
        return initial
