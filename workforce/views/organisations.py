"""Organisations: the list an administrator sees, adding, changing, deactivating and importing them (platform
administrators), and who holds what at one organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cms.access import has_permission, permission_required
from cms.audit import audit
from cms.forms import apply_service_errors
from cms.tables import FilteredTableView

from ..ods import organisations_import
from ..organisation_forms import OdsImportForm, OrganisationForm, OrganisationStatusForm
from ..organisation_tables import MembershipFilter, MembershipTable, OrganisationFilter, OrganisationTable
from ..roles import MANAGE_ACCOUNTS, MANAGE_ORGANISATIONS
from ..selectors.organisations import (
    invitations_pending,
    is_platform_admin,
    organisation_get_for_admin,
    organisation_memberships,
    organisations_for_table,
)
from ..services.organisations import (
    ORGANISATION_FIELDS,
    organisation_create,
    organisation_set_active,
    organisation_update,
)

LIST = ("Organisations", "/workforce/organisations/")
platform_admin_required = permission_required(MANAGE_ORGANISATIONS)


class AdminTableView(FilteredTableView):
    """A table for administrators of organisations (platform or organisation administrators)."""

    crumbs: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_permission(request.user, MANAGE_ACCOUNTS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Home", "/"), *self.get_crumbs(), (self.page_title, "")]
        return context

    def get_crumbs(self):
        return self.crumbs

    def on_export(self, *, export_format, row_count):
        audit(
            action="organisation.exported",
            request=self.request,
            object_type=self.export_name,
            summary=f"Exported {self.export_name} as {export_format.upper()}",
            detail={"filters": {k: v for k, v in self.request.GET.items() if k != self.export_trigger_param}},
        )


class OrganisationListView(AdminTableView):
    table_class = OrganisationTable
    filterset_class = OrganisationFilter
    export_name = "organisations"
    page_title = "Organisations"
    template_name = "workforce/organisation_list.html"

    @property
    def page_intro(self):
        if is_platform_admin(user=self.request.user):
            return "Every organisation on the service. Open one to see and change who holds which role there."
        return "The organisations you administer. Open one to invite people and change their roles."

    def get_base_queryset(self):
        return organisations_for_table(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_platform_admin"] = is_platform_admin(user=self.request.user)
        return context


class OrganisationDetailView(AdminTableView):
    """Who holds what at one organisation: one row per role held, exportable, with the waiting invitations."""

    table_class = MembershipTable
    filterset_class = MembershipFilter
    export_name = "roles"
    template_name = "workforce/organisation_detail.html"
    crumbs = (LIST,)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_permission(request.user, MANAGE_ACCOUNTS):
            self.organisation = organisation_get_for_admin(
                user=request.user, pk=kwargs["pk"], request=request
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def page_title(self):
        return self.organisation.name

    def get_base_queryset(self):
        return organisation_memberships(organisation=self.organisation)

    def export_filename(self, export_format):
        code = self.organisation.ods_code or self.organisation.pk
        return f"roles-{code}-{super().export_filename(export_format)}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            organisation=self.organisation,
            invitations=invitations_pending(organisation=self.organisation),
            is_platform_admin=is_platform_admin(user=self.request.user),
        )
        return context


def _form_page(request, form, *, title, crumbs, status=200, extra=None):
    return render(
        request,
        "workforce/organisation_form.html",
        {"form": form, "title": title, "breadcrumbs": [("Home", "/"), *crumbs, (title, "")], **(extra or {})},
        status=status,
    )


def _organisation_fields(form) -> dict:
    return {name: form.cleaned_data.get(name) for name in ORGANISATION_FIELDS}


@platform_admin_required
@require_http_methods(["GET", "POST"])
def organisation_create_view(request):
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                organisation = organisation_create(actor=request.user, **_organisation_fields(form))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{organisation.name} added. Now invite its administrator.")
                return redirect("workforce:organisation_detail", pk=organisation.pk)
        return _form_page(request, form, title="Add an organisation", crumbs=[LIST], status=400)
    return _form_page(request, form, title="Add an organisation", crumbs=[LIST])


@platform_admin_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = organisation_get_for_admin(user=request.user, pk=pk, request=request)
    form = OrganisationForm(request.POST if request.method == "POST" else None, instance=organisation)
    crumbs = [LIST, (organisation.name, reverse("workforce:organisation_detail", args=[pk]))]
    status_form = OrganisationStatusForm()
    extra = {"organisation": organisation, "status_form": status_form}
    if request.method == "POST":
        if form.is_valid():
            try:
                organisation_update(
                    actor=request.user, organisation=organisation, **_organisation_fields(form)
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Organisation details saved")
                return redirect("workforce:organisation_detail", pk=pk)
        return _form_page(
            request, form, title="Change the organisation", crumbs=crumbs, status=400, extra=extra
        )
    return _form_page(request, form, title="Change the organisation", crumbs=crumbs, extra=extra)


@platform_admin_required
@require_http_methods(["GET", "POST"])
def organisation_status(request, pk):
    """Deactivate an active organisation (with a reason), or reactivate a deactivated one."""
    organisation = organisation_get_for_admin(user=request.user, pk=pk, request=request)
    form = OrganisationStatusForm(request.POST if request.method == "POST" else None)
    crumbs = [LIST, (organisation.name, reverse("workforce:organisation_detail", args=[pk]))]
    title = "Deactivate the organisation" if organisation.is_active else "Reactivate the organisation"
    if request.method == "POST" and form.is_valid():
        try:
            organisation_set_active(
                actor=request.user,
                organisation=organisation,
                active=not organisation.is_active,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{organisation.name} {'reactivated' if not organisation.is_active else 'deactivated'}",
            )
            return redirect("workforce:organisation_detail", pk=pk)
    return render(
        request,
        "workforce/organisation_status.html",
        {
            "form": form,
            "organisation": organisation,
            "title": title,
            "breadcrumbs": [("Home", "/"), *crumbs, (title, "")],
        },
        status=400 if form.errors else 200,
    )


@platform_admin_required
@require_http_methods(["GET", "POST"])
def organisation_import(request):
    form = OdsImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = organisations_import(
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                actor=request.user,
                dry_run=form.cleaned_data["mode"] == "dry_run",
            )
            if result.imported:
                messages.success(
                    request,
                    f"Imported {result.rows} organisations: {len(result.created)} new, "
                    f"{len(result.updated)} updated, {len(result.deactivated)} deactivated",
                )
                return redirect("workforce:organisation_list")
            status = 200 if result.ok else 400
        else:
            status = 400
    title = "Import organisations from an ODS file"
    return render(
        request,
        "workforce/organisation_import.html",
        {"form": form, "result": result, "title": title, "breadcrumbs": [("Home", "/"), LIST, (title, "")]},
        status=status,
    )
