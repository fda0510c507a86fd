"""Importing people, posts and assignments from a CSV file, and the template to fill in."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cms.audit import audit

from ..forms import ImportForm
from ..import_columns import COLUMNS, ESR_HEADINGS, ESR_REQUIRED, HEADINGS
from ..import_template import allowed_values, template_csv, template_xlsx
from ..imports import workforce_import
from ..selectors.access import hr_organisations
from .base import HOME, hr_required

TEMPLATE_TYPES = {
    "csv": ("text/csv; charset=utf-8", template_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", template_xlsx),
}


@hr_required
@require_http_methods(["GET", "POST"])
def import_csv(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = workforce_import(
                upload=form.cleaned_data["file"],
                actor=request.user,
                dry_run=form.cleaned_data["mode"] == "dry_run",
            )
            if result.imported:
                messages.success(
                    request,
                    f"Imported {result.assignments_created} rows: {result.people_created} new people, "
                    f"{result.people_matched} matched, {result.posts_created} new posts",
                )
                return redirect("workforce:person_list")
            status = 200 if result.ok else 400
        else:
            status = 400
    return render(
        request,
        "workforce/import.html",
        {
            "form": form,
            "result": result,
            "headings": [HEADINGS[code] for code in COLUMNS],
            "esr_headings": [h for h in ESR_HEADINGS if h in ESR_REQUIRED],
            "esr_optional": [h for h in ESR_HEADINGS if h not in ESR_REQUIRED],
            "allowed": allowed_values(list(hr_organisations(user=request.user).order_by("name"))),
            "breadcrumbs": [("Home", "/"), HOME, ("Import people, posts and assignments", "")],
        },
        status=status,
    )


@hr_required
@require_GET
def import_template(request, file_format):
    """The template with the user's organisations' codes in its allowed values."""
    if file_format not in TEMPLATE_TYPES:
        raise Http404("No such format")
    content_type, build = TEMPLATE_TYPES[file_format]
    organisations = list(hr_organisations(user=request.user).order_by("name"))
    response = HttpResponse(build(organisations=organisations), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="workforce-import-template.{file_format}"'
    audit(
        action="workforce.import.template_downloaded",
        request=request,
        object_type="workforce.person",
        summary=f"Downloaded the import template as {file_format.upper()}",
    )
    return response
