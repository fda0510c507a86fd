"""How the app's form pages behave: the POST data (or None), and the small forms on a case, which all save the same
way and go back to the case."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from cms.forms import apply_service_errors


def posted(request):
    """The POST data, or None for a GET: an empty POST still binds the form (all-optional forms validate)."""
    return request.POST if request.method == "POST" else None


def case_breadcrumbs(report):
    return [
        ("Home", "/"),
        ("Cases", reverse("incidents:case_list")),
        (report.reference, reverse("incidents:case_detail", args=[report.pk])),
    ]


def case_form_view(request, report, form, *, heading, submit_label, on_valid, intro="", warning=""):
    """Shared GET/POST handling for the small child-record forms on a case: `on_valid` calls the service."""
    if request.method == "POST" and form.is_valid():
        try:
            on_valid(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{report.reference}: saved.")
            return redirect("incidents:case_detail", pk=report.pk)
    return render(
        request,
        "incidents/case_form.html",
        {
            "report": report,
            "form": form,
            "heading": heading,
            "intro": intro,
            "warning": warning,
            "submit_label": submit_label,
            "breadcrumbs": case_breadcrumbs(report),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
