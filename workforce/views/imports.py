"""Importing people, posts and assignments from a CSV file."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..forms import ImportForm
from ..imports import COLUMNS, workforce_import
from .base import HOME, hr_required


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
            "columns": COLUMNS,
            "breadcrumbs": [("Home", "/"), HOME, ("Import people, posts and assignments", "")],
        },
        status=status,
    )
