"""Moving cases to another handler when one leaves: one case, all of a person's open cases, and the list of open
cases whose owner has gone. For handlers (the organisation's leads); each read and move is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from cms.access import permission_required
from cms.audit import audit
from cms.forms import apply_service_errors

from ..forms.evidence import CaseReassignForm, CasesReassignForm
from ..roles import VIEW_CASES
from ..selectors.cases import case_get_for_handler, handlers_for_case
from ..selectors.reassignment import (
    case_owners_for_lead,
    cases_needing_new_owner,
    departed_owners,
    handlers_for_lead,
)
from ..services.reassignment import case_reassign, cases_reassign_from
from .form_pages import case_form_view, posted


def _breadcrumbs():
    return [("Home", "/"), ("Cases", reverse("incidents:case_list"))]


@login_required
def case_reassign_view(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    owners = get_user_model().objects.filter(pk__in=[report.lead_handler_id, report.investigator_id])
    return case_form_view(
        request,
        report,
        CaseReassignForm(posted(request), owners=owners, handlers=handlers_for_case(report=report)),
        heading="Move this case to another handler",
        submit_label="Move the case",
        intro="The new handler takes over the part the person you choose has in the case (lead handler, "
        "investigator or both) and is told by e-mail.",
        on_valid=lambda d: case_reassign(report=report, actor=request.user, request=request, **d),
    )


@permission_required(VIEW_CASES)
def cases_reassign_view(request):
    form = CasesReassignForm(
        posted(request),
        initial={"from_user": request.GET.get("from")},
        owners=case_owners_for_lead(user=request.user),
        handlers=handlers_for_lead(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = cases_reassign_from(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if result.moved:
                moved = ", ".join(report.reference for report in result.moved)
                messages.success(request, f"{len(result.moved)} moved: {moved}.")
            for report, reason in result.kept:
                messages.warning(request, f"{report.reference} was not moved: {reason}.")
            return redirect("incidents:cases_needing_owner")
    return render(
        request,
        "incidents/cases_reassign.html",
        {"form": form, "breadcrumbs": _breadcrumbs()},
        status=400 if form.is_bound and form.errors else 200,
    )


@permission_required(VIEW_CASES)
def cases_needing_owner(request):
    cases = list(cases_needing_new_owner(user=request.user).select_related("organisation", "investigator"))
    audit(
        action="incident.needs_new_owner_viewed",
        request=request,
        object_type="incidents.incidentreport",
        summary="Cases needing a new owner viewed",
        detail={"cases": [report.pk for report in cases]},
    )
    return render(
        request,
        "incidents/cases_needing_owner.html",
        {
            "cases": cases,
            "gone": departed_owners(cases=cases),
            "reassign_url": reverse("incidents:cases_reassign"),
            "breadcrumbs": _breadcrumbs(),
        },
    )
