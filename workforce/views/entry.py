"""What the HR data-entry screens share: one form page, and running a service with its errors put beside the
fields they concern."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render

from cms.forms import apply_service_errors


def run_service(form, service, *, aliases=None, **kwargs):
    """Call `service`; on a ValidationError put its messages on the form and return None."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        apply_service_errors(form, exc, aliases=aliases)
        return None


def record_form_page(
    request, form, *, page_title, breadcrumbs, caption="", intro="", submit_label="Save", back=None
):
    """The form page; a POST that got here failed, so it answers 400."""
    back_label, back_url = back or ("", "")
    return render(
        request,
        "workforce/record_form.html",
        {
            "form": form,
            "page_title": page_title,
            "caption": caption,
            "intro": intro,
            "submit_label": submit_label,
            "back_label": back_label,
            "back_url": back_url,
            "breadcrumbs": breadcrumbs,
        },
        status=400 if request.method == "POST" else 200,
    )
