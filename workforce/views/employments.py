"""A person's contracts (employments): adding one with the user's organisation, and changing it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ..record_forms import EMPLOYMENT_EDITABLE, EmploymentForm
from ..selectors.access import hr_organisations
from ..selectors.people import employment_get_for_user, person_get_for_user
from ..services.people import employment_add as employment_add_service
from ..services.people import employment_update
from .base import HOME, hr_required
from .entry import record_form_page, run_service


def _crumbs(person, last):
    return [
        ("Home", "/"),
        HOME,
        ("People", reverse("workforce:person_list")),
        (person.full_name, reverse("workforce:person_detail", args=[person.pk])),
        (last, ""),
    ]


def _back(person):
    return (f"Back to {person.full_name}", reverse("workforce:person_detail", args=[person.pk]))


@hr_required
@require_http_methods(["GET", "POST"])
def employment_add(request, person_pk):
    person = person_get_for_user(user=request.user, pk=person_pk, request=request)
    form = EmploymentForm(request.POST or None, organisations=hr_organisations(user=request.user))
    if request.method == "POST" and form.is_valid():
        employment = run_service(
            form, employment_add_service, actor=request.user, person=person, **form.cleaned_data
        )
        if employment is not None:
            messages.success(request, f"Contract with {employment.employer.display_name} added")
            return redirect("workforce:person_detail", pk=person.pk)
    return record_form_page(
        request,
        form,
        page_title="Add a contract",
        caption=person.full_name,
        intro="A contract with one of your organisations: for example a second job, bank work or a joint "
        "appointment.",
        submit_label="Add contract",
        breadcrumbs=_crumbs(person, "Add a contract"),
        back=_back(person),
    )


@hr_required
@require_http_methods(["GET", "POST"])
def employment_edit(request, pk):
    """Only the employer's HR administrators reach a contract; others get 404 (the selector audits it)."""
    employment = employment_get_for_user(user=request.user, pk=pk, request=request)
    person = employment.person
    form = EmploymentForm(request.POST or None, employment=employment)
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            form,
            employment_update,
            actor=request.user,
            employment=employment,
            **{name: form.cleaned_data[name] for name in EMPLOYMENT_EDITABLE},
        )
        if changed is not None:
            messages.success(request, "Contract saved" if changed else "Nothing was changed")
            return redirect("workforce:person_detail", pk=person.pk)
    return record_form_page(
        request,
        form,
        page_title=f"Change the contract with {employment.employer.display_name}",
        caption=person.full_name,
        breadcrumbs=_crumbs(person, "Change a contract"),
        back=_back(person),
    )
