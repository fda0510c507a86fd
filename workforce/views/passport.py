"""The staff passport for HR: recording a credential, verifying colleagues' credentials, the bulk import, and the
rules by which the user's organisations reuse checks instead of repeating them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cms.forms import apply_service_errors

from ..forms import AcceptanceRuleForm
from ..passport_forms import CredentialImportForm, CredentialRecordForm
from ..passport_import import COLUMNS, passport_credentials_import, template_csv
from ..selectors.access import hr_organisations
from ..selectors.passport import (
    acceptance_rule_get_for_user,
    acceptance_rules_visible_to,
    credential_to_verify_get,
    credentials_awaiting_verification,
)
from ..selectors.people import person_get_for_user
from ..services.passport import (
    acceptance_rule_create,
    acceptance_rule_delete,
    passport_credential_record,
    passport_credential_verify,
)
from .base import HOME, hr_required


def posted_id(request, name: str) -> int:
    """A record id posted by a button; anything that is not a number finds nothing (404), never a 500."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else 0


@hr_required
@require_http_methods(["GET", "POST"])
def credential_record(request, person_pk):
    """HR records a check they saw the evidence for; it then waits for a second person to verify it."""
    person = person_get_for_user(user=request.user, pk=person_pk, request=request)
    form = CredentialRecordForm(request.POST or None, organisations=hr_organisations(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        try:
            passport_credential_record(
                actor=request.user, person=person, organisation=organisation, data=data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Credential recorded. A colleague must now verify it.")
            return redirect("workforce:person_detail", pk=person.pk)
    return render(
        request,
        "workforce/passport/credential_form.html",
        {
            "form": form,
            "person": person,
            "breadcrumbs": [
                ("Home", "/"),
                HOME,
                ("People", reverse("workforce:person_list")),
                (person.full_name, reverse("workforce:person_detail", args=[person.pk])),
                ("Record a credential", ""),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@hr_required
@require_http_methods(["GET", "POST"])
def credentials_to_verify(request):
    """Credentials the user's organisations recorded and nobody has verified yet; the recorder cannot verify."""
    error = ""
    if request.method == "POST":
        credential = credential_to_verify_get(user=request.user, pk=posted_id(request, "verify"))
        try:
            passport_credential_verify(actor=request.user, credential=credential)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{credential.description} for {credential.person.full_name} verified")
            return redirect("workforce:credentials_to_verify")
    return render(
        request,
        "workforce/passport/verify.html",
        {
            "credentials": credentials_awaiting_verification(user=request.user),
            "error": error,
            "breadcrumbs": [("Home", "/"), HOME, ("Credentials to verify", "")],
        },
        status=400 if error else 200,
    )


@hr_required
@require_http_methods(["GET", "POST"])
def credential_import(request):
    organisations = hr_organisations(user=request.user)
    form = CredentialImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result = passport_credentials_import(
                upload=form.cleaned_data["file"],
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                dry_run=form.cleaned_data["dry_run"],
            )
            if result.imported:
                messages.success(
                    request, f"Imported {result.created} credentials. Colleagues must now verify them."
                )
                return redirect("workforce:credentials_to_verify")
            status = 200 if result.ok else 400
    return render(
        request,
        "workforce/passport/import.html",
        {
            "form": form,
            "result": result,
            "columns": COLUMNS,
            "breadcrumbs": [("Home", "/"), HOME, ("Import passport credentials", "")],
        },
        status=status,
    )


@hr_required
def credential_import_template(request):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="passport-credentials-template.csv"'
    return response


@hr_required
@require_http_methods(["GET", "POST"])
def acceptance_rules(request):
    organisations = hr_organisations(user=request.user)
    form = AcceptanceRuleForm(None, organisations=organisations)
    status = 200
    if request.method == "POST" and request.POST.get("delete"):
        rule = acceptance_rule_get_for_user(user=request.user, pk=posted_id(request, "delete"))
        acceptance_rule_delete(actor=request.user, rule=rule)
        messages.success(request, "Rule removed")
        return redirect("workforce:acceptance_rules")
    if request.method == "POST":
        form = AcceptanceRuleForm(request.POST, organisations=organisations)
        if form.is_valid():
            data = dict(form.cleaned_data)
            organisation = data.pop("organisation")
            data["minimum_dbs_level"] = data["minimum_dbs_level"] or ""
            try:
                acceptance_rule_create(actor=request.user, organisation=organisation, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Rule added")
                return redirect("workforce:acceptance_rules")
        status = 400
    return render(
        request,
        "workforce/acceptance_rules.html",
        {
            "form": form,
            "rules": acceptance_rules_visible_to(user=request.user),
            "breadcrumbs": [("Home", "/"), HOME, ("Passport acceptance rules", "")],
        },
        status=status,
    )
