"""Who did it on a case (handlers), and the leads' list of repeat perpetrators across their organisations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from cms.access import permission_required
from cms.audit import audit

from ..forms.perpetrators import PerpetratorForm
from ..roles import VIEW_CASES
from ..selectors.cases import case_get_for_handler
from ..selectors.perpetrators import repeat_perpetrator_groups
from ..services.perpetrators import case_perpetrator_record
from .form_pages import case_form_view, posted


@login_required
def case_perpetrator(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    initial = {
        "nhs_number": report.perpetrator_nhs_number,
        "staff_email": report.perpetrator_person.work_email if report.perpetrator_person else "",
    }
    return case_form_view(
        request,
        report,
        PerpetratorForm(posted(request), initial=initial),
        heading="Who did it",
        submit_label="Save",
        intro="Leads see when reports at their organisations name the same patient or the same member of staff. "
        "Clear a box to remove what was recorded.",
        on_valid=lambda d: case_perpetrator_record(
            report=report,
            actor=request.user,
            nhs_number=d["nhs_number"],
            staff_email=d["staff_email"],
            request=request,
        ),
    )


@permission_required(VIEW_CASES)
def repeat_perpetrators(request):
    groups = repeat_perpetrator_groups(user=request.user)
    audit(
        action="incident.repeat_perpetrators_viewed",
        request=request,
        object_type="incidents.incidentreport",
        summary=f"Repeat perpetrators viewed ({len(groups)} group{'s' if len(groups) != 1 else ''})",
        detail={"groups": [{"kind": group.kind, "cases": group.case_ids} for group in groups]},
    )
    return render(
        request,
        "incidents/repeat_perpetrators.html",
        {
            "patient_groups": [group for group in groups if group.kind == "patient"],
            "staff_groups": [group for group in groups if group.kind == "staff"],
            "breadcrumbs": [("Home", "/"), ("Cases", reverse("incidents:case_list"))],
        },
    )
