"""The small forms on a case: exclusions, the legal hold, asking to know the reporter, RIDDOR, the police outcome,
decisions on the reporter's requests and actions. Each gets the case through the handler selector, then saves
through its service (`form_pages.case_form_view`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import dateformat
from django.views.decorators.http import require_POST

from cms.times import DATE_FORMAT

from ..forms.cases import (
    CaseActionForm,
    DisclosureRequestForm,
    ExclusionForm,
    LegalHoldForm,
    PoliceOutcomeForm,
    ReporterRequestDecisionForm,
    RiddorForm,
)
from ..models import RiddorAssessment
from ..selectors.cases import case_get_for_handler, case_record_get, handlers_for_case
from ..selectors.reporter_requests import reporter_requests
from ..services.actions import action_complete, action_create
from ..services.exclusions import exclusion_add
from ..services.external_reporting import police_outcome_record, riddor_record
from ..services.identity import disclosure_request_create
from ..services.reporter_requests import reporter_request_decide
from ..services.retention import case_legal_hold_set
from .form_pages import case_form_view, posted


@login_required
def case_exclusion_add(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    return case_form_view(
        request,
        report,
        ExclusionForm(posted(request)),
        heading="Exclude someone from this case",
        submit_label="Exclude",
        intro="The person will no longer see this case, be notified of it or be assignable to it. If they are "
        "named as the source, everyone above them in line management (from the workforce records) is excluded too.",
        on_valid=lambda d: exclusion_add(
            report=report, actor=request.user, email=d["email"], reason=d["reason"], request=request
        ),
    )


@login_required
def case_legal_hold(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    return case_form_view(
        request,
        report,
        LegalHoldForm(posted(request), initial={"on": "no" if report.legal_hold else "yes"}),
        heading="Legal hold",
        submit_label="Save",
        intro=f"Retention: this case may be destroyed after {report.destroy_after:%-d %B %Y} once archived, "
        f"unless a legal hold is in place. It is {'on hold' if report.legal_hold else 'not on hold'} now.",
        on_valid=lambda d: case_legal_hold_set(
            report=report, actor=request.user, on=d["on"], reason=d["reason"], request=request
        ),
    )


@login_required
def case_identity_request(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    return case_form_view(
        request,
        report,
        DisclosureRequestForm(posted(request)),
        heading="Ask to know who made this report",
        submit_label="Send the request",
        intro="The reporter asked for confidentiality. An identity custodian will decide; you will see the "
        "reporter's name on the case only if they authorise it.",
        on_valid=lambda d: disclosure_request_create(
            report=report, actor=request.user, reason=d["reason"], request=request
        ),
    )


@login_required
def riddor_edit(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    current = getattr(report, "riddor", None) if hasattr(report, "riddor") else None
    initial = (
        {
            "state": current.state,
            "kind": current.kind,
            "hse_reference": current.hse_reference,
            "reason": current.reason,
        }
        if current
        else {}
    )
    deadline = current.deadline if current else None
    return case_form_view(
        request,
        report,
        RiddorForm(posted(request), initial=initial),
        heading="RIDDOR",
        submit_label="Save",
        intro="Work-related violence must be reported to HSE within 15 days of the incident when it causes an "
        "over-7-day injury, and within 10 days when it causes a death or a specified injury"
        + (f". This case: by {dateformat.format(deadline, DATE_FORMAT)}." if deadline else "."),
        on_valid=lambda d: riddor_record(
            report=report,
            actor=request.user,
            state=d["state"],
            kind=d["kind"] or RiddorAssessment.Kind.OVER_SEVEN_DAY,
            hse_reference=d["hse_reference"],
            reported_on=d["reported_on"],
            reason=d["reason"],
            request=request,
        ),
    )


@login_required
def police_edit(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    current = report.police_outcome if hasattr(report, "police_outcome") else None
    initial = (
        {
            "state": current.state,
            "crime_reference": current.crime_reference,
            "aewa_eligible": current.aewa_eligible,
            "victim_impact_statement_offered": current.victim_impact_statement_offered,
        }
        if current
        else {"crime_reference": report.crime_reference}
    )
    return case_form_view(
        request,
        report,
        PoliceOutcomeForm(posted(request), initial=initial),
        heading="Police and criminal justice",
        submit_label="Save",
        on_valid=lambda d: police_outcome_record(report=report, actor=request.user, request=request, **d),
    )


@login_required
def request_decision(request, pk: int, topic: str):
    report = case_get_for_handler(user=request.user, pk=pk)
    asked = {r.topic: r for r in reporter_requests(report=report) if r.decidable}
    if topic not in asked:
        raise Http404
    current = asked[topic].decision
    initial = (
        {"reason": current.reason, "answer_for_reporter": current.answer_for_reporter} if current else {}
    )
    return case_form_view(
        request,
        report,
        ReporterRequestDecisionForm(posted(request), initial=initial, wants_feedback=report.wants_feedback),
        heading=f"Decision on the reporter's request for {asked[topic].label}",
        submit_label="Record the decision",
        intro="Record why the request was not met in the usual way (no support offered, police not involved) "
        "or how it was met outside this case. The reason is internal."
        + (" The reporter asked for feedback and will read your answer." if report.wants_feedback else ""),
        on_valid=lambda d: reporter_request_decide(
            report=report, actor=request.user, topic=topic, request=request, **d
        ),
    )


@login_required
def action_add(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    return case_form_view(
        request,
        report,
        CaseActionForm(posted(request), handlers=handlers_for_case(report=report)),
        heading="Add an action",
        submit_label="Add the action",
        on_valid=lambda d: action_create(report=report, actor=request.user, request=request, **d),
    )


@login_required
@require_POST
def action_done(request, pk: int, action_pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    action = case_record_get(user=request.user, records=report.actions, pk=action_pk, request=request)
    try:
        action_complete(action=action, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("incidents:case_detail", args=[pk]) + "#actions")
