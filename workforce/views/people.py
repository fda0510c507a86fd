"""People: the list, adding and correcting a person, a person's page (and the passport credentials their organisation issued), and their
work e-mail and line management."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cms.audit import audit
from cms.forms import apply_service_errors

from .. import services
from ..filters import PersonFilter
from ..forms import CredentialStatusForm, ReportingLinesForm
from ..record_forms import PersonAddForm, PersonEditForm
from ..selectors.access import hr_organisation_ids, hr_organisations
from ..selectors.moves import arrival_assignments
from ..selectors.passport import credentials_changeable_by
from ..selectors.people import (
    employments_changeable_by,
    people_for_table,
    people_visible_to,
    person_changeable_by,
    person_get_for_user,
    person_page,
)
from ..selectors.reporting_lines import reporting_employments
from ..services.passport import passport_credential_set_status
from ..services.reporting_lines import person_reporting_update
from ..tables import PersonTable
from .base import HOME, HRTableView, hr_required
from .entry import record_form_page, run_service


class PersonListView(HRTableView):
    table_class = PersonTable
    template_name = "workforce/person_list.html"

    filterset_class = PersonFilter
    export_name = "people"
    page_title = "People"
    page_intro = "Everyone employed by or working at your organisations, with the post they hold today."

    def get_base_queryset(self):
        # The selector does the name search (PersonFilter's `q` only shows it): it builds the query around it.
        return people_for_table(user=self.request.user, name_search=self.request.GET.get("q", ""))


@hr_required
@require_http_methods(["GET", "POST"])
def person_detail(request, pk):
    person = person_get_for_user(user=request.user, pk=pk, request=request)
    own_credentials = credentials_changeable_by(user=request.user, person=person)
    status_form = CredentialStatusForm(request.POST or None, credentials=own_credentials)
    status = 200
    if request.method == "POST":
        if status_form.is_valid():
            try:
                passport_credential_set_status(
                    credential=status_form.cleaned_data["credential"],
                    actor=request.user,
                    status=status_form.cleaned_data["status"],
                    reason=status_form.cleaned_data["status_reason"],
                )
            except ValidationError as exc:
                apply_service_errors(status_form, exc)
            else:
                messages.success(request, "Credential status changed")
                return redirect("workforce:person_detail", pk=person.pk)
        status = 400
    else:
        audit(
            action="workforce.person.viewed",
            request=request,
            obj=person,
            summary=f"Viewed person {person.pk}",
        )
    page = person_page(user=request.user, person=person)
    return render(
        request,
        "workforce/person_detail.html",
        {
            "person": person,
            "reporting_lines": page.reporting_lines,
            "direct_reports": page.direct_reports,
            "other_reports": page.other_reports,
            "named_managers": page.named_managers,
            "linkable": page.linkable,
            "can_change_reporting": page.can_change_reporting,
            "timeline": page.timeline,
            "current": page.current_assignments,
            "credentials": page.credentials,
            "status_form": status_form if own_credentials.exists() else None,
            "today": page.today,
            "contracts": employments_changeable_by(user=request.user, person=person),
            "can_record_arrival": arrival_assignments(user=request.user, person=person).exists(),
            "breadcrumbs": [
                ("Home", "/"),
                HOME,
                ("People", reverse("workforce:person_list")),
                (str(person), ""),
            ],
        },
        status=status,
    )


@hr_required
@require_http_methods(["GET", "POST"])
def person_reporting(request, pk):
    """Work e-mail and line managers. Only HR administrators of a current employer may change them."""
    person = person_get_for_user(user=request.user, pk=pk, request=request)
    today = timezone.localdate()
    employments = list(reporting_employments(person=person, user=request.user, on_date=today))
    if not employments:
        raise PermissionDenied
    form = ReportingLinesForm(
        request.POST or None,
        initial=ReportingLinesForm.initial_for(person, employments, on_date=today),
        employments=employments,
        people=people_visible_to(user=request.user),
        organisation_ids=hr_organisation_ids(user=request.user),
        on_date=today,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = person_reporting_update(
                person=person,
                actor=request.user,
                work_email=form.cleaned_data["work_email"],
                line_managers=form.line_managers(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, "Work e-mail and line management saved" if changed else "Nothing was changed"
            )
            return redirect("workforce:person_detail", pk=person.pk)
    return render(
        request,
        "workforce/person_reporting.html",
        {
            "form": form,
            "person": person,
            "breadcrumbs": [
                ("Home", "/"),
                HOME,
                ("People", reverse("workforce:person_list")),
                (person.full_name, reverse("workforce:person_detail", args=[person.pk])),
                ("Work e-mail and line management", ""),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


def _people_crumbs(*more):
    return [("Home", "/"), HOME, ("People", reverse("workforce:person_list")), *more]


@hr_required
@require_http_methods(["GET", "POST"])
def person_add(request):
    """Add someone employed by one of the user's organisations (or match them to their existing record)."""
    form = PersonAddForm(request.POST or None, organisations=hr_organisations(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = run_service(
            form,
            services.person_add,
            actor=request.user,
            **{name: data[name] for name in PERSON_ADD_FIELDS},
        )
        if result is not None:
            person, _, created = result
            messages.success(
                request,
                f"{person.full_name} added"
                if created
                else f"{person.full_name} was already recorded by a "
                "partner organisation: the new contract is added to their record",
            )
            return redirect("workforce:person_detail", pk=person.pk)
    return record_form_page(
        request,
        form,
        page_title="Add a person",
        intro="Add someone who has a contract with one of your organisations. If a partner organisation has "
        "already recorded them, the contract is added to that record instead of making a second one.",
        submit_label="Add person",
        breadcrumbs=_people_crumbs(("Add a person", "")),
        back=("Back to people", reverse("workforce:person_list")),
    )


PERSON_ADD_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "ni_number",
    "employer",
    "staff_number",
    "contract_type",
    "start_date",
    "post",
    "fte",
)


@hr_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    """Correct a person's name or date of birth: HR administrators of one of their employers only."""
    person = person_get_for_user(user=request.user, pk=pk, request=request)
    if not person_changeable_by(user=request.user, person=person):
        raise PermissionDenied
    form = PersonEditForm(
        request.POST or None,
        initial={name: getattr(person, name) for name in ("first_name", "last_name", "date_of_birth")},
    )
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            form, services.person_update, actor=request.user, person=person, **form.cleaned_data
        )
        if changed is not None:
            messages.success(request, "Details saved" if changed else "Nothing was changed")
            return redirect("workforce:person_detail", pk=person.pk)
    return record_form_page(
        request,
        form,
        page_title="Change personal details",
        caption=person.full_name,
        breadcrumbs=_people_crumbs(
            (person.full_name, reverse("workforce:person_detail", args=[person.pk])), ("Change details", "")
        ),
        back=(f"Back to {person.full_name}", reverse("workforce:person_detail", args=[person.pk])),
    )
