"""Identity custodians' pages: the requests to learn who made a confidential report, and deciding one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from cms.access import permission_required
from cms.audit import audit
from cms.forms import apply_service_errors

from ..forms.cases import DisclosureDecisionForm
from ..roles import DECIDE_IDENTITY_DISCLOSURE
from ..selectors.identity import disclosure_request_get_for_custodian, disclosure_requests_for_custodian
from ..services import identity
from .form_pages import posted


@permission_required(DECIDE_IDENTITY_DISCLOSURE)
def disclosure_list(request):
    return render(
        request,
        "incidents/disclosure_list.html",
        {"requests": disclosure_requests_for_custodian(user=request.user), "breadcrumbs": [("Home", "/")]},
    )


@login_required
def disclosure_decide(request, pk: int):
    disclosure = disclosure_request_get_for_custodian(user=request.user, pk=pk, request=request)
    form = DisclosureDecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            identity.disclosure_decide(
                disclosure=disclosure,
                actor=request.user,
                authorise=form.cleaned_data["decision"] == "authorise",
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("incidents:disclosure_list")
    audit(
        action="incident.disclosure_viewed", request=request, obj=disclosure.report, summary="Request viewed"
    )
    return render(
        request,
        "incidents/disclosure_decide.html",
        {
            "disclosure": disclosure,
            "form": form,
            "breadcrumbs": [("Home", "/"), ("Identity requests", reverse("incidents:disclosure_list"))],
        },
        status=400 if form.is_bound and form.errors else 200,
    )
