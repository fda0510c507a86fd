"""Handlers' pages for a case: the case list, the dashboard, the case page, messages and workflow steps.

Every read of a case is audited here, in the view that shows it, because a read has no service of its own.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from cms.access import permission_required
from cms.audit import audit, audit_refusal
from cms.forms import apply_service_errors
from cms.tables import FilteredTableView

from ..encryption import encrypted_field_names
from ..filters import CaseFilter
from ..forms.cases import HandlerMessageForm, TransitionForm
from ..models import IncidentReport, ReportingMode
from ..roles import VIEW_CASES
from ..selectors.cases import (
    case_get_for_handler,
    case_records,
    cases_for_handler,
    handler_organisations,
    handlers_for_case,
    reporter_identity_visible,
    with_next_deadlines,
)
from ..selectors.dashboard import handler_dashboard
from ..selectors.evidence import evidence_for_case, witness_statements_for_case
from ..selectors.reporter_requests import reporter_requests
from ..services import workflow
from ..services.messages import message_post_by_handler
from ..services.sanctions import SANCTION_MOVES
from ..tables import CaseTable
from .form_pages import case_breadcrumbs, posted


@method_decorator(permission_required(VIEW_CASES), name="dispatch")
class CaseListView(FilteredTableView):
    table_class = CaseTable
    filterset_class = CaseFilter
    export_name = "incident-cases"
    page_title = "Cases"
    page_intro = (
        "Violence and abuse reports at your organisations. Narratives and identities are on each case."
    )
    template_name = "incidents/case_list.html"

    def get_base_queryset(self):
        # The list never shows free text or identifying details, so encrypted columns are not loaded (or
        # decrypted) for it.
        return with_next_deadlines(
            cases_for_handler(user=self.request.user).defer(
                *encrypted_field_names(IncidentReport), "receipt_hash"
            )
        )

    def get_table_kwargs(self):
        # One organisation's handler reads its name in the introduction, not in every row.
        if len(self._organisations()) == 1:
            return {"exclude": ("organisation",)}
        return {}

    def _organisations(self):
        if not hasattr(self, "_handler_organisations"):
            self._handler_organisations = list(handler_organisations(user=self.request.user))
        return self._handler_organisations

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["organisations"] = handler_organisations(user=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Home", "/")]
        if len(self._organisations()) == 1:
            context["page_intro"] = self.page_intro.replace(
                "your organisations", self._organisations()[0].name
            )
        audit(
            action="incident.case_list_viewed",
            request=self.request,
            object_type="incidents.incidentreport",
            summary="Case list viewed",
            detail={"filters": {k: v for k, v in self.request.GET.items() if k != "page"}},
        )
        return context

    def on_export(self, *, export_format, row_count):
        audit(
            action="incident.case_list_exported",
            request=self.request,
            object_type="incidents.incidentreport",
            summary=f"Case list exported ({export_format})",
            detail={"filters": dict(self.request.GET.items())},
        )


@permission_required(VIEW_CASES)
def dashboard(request):
    audit(action="incident.dashboard_viewed", request=request, summary="Handler dashboard viewed")
    return render(
        request,
        "incidents/dashboard.html",
        {"dashboard": handler_dashboard(user=request.user), "breadcrumbs": [("Home", "/")]},
    )


def _case_context(request, report: IncidentReport, **extra) -> dict:
    identity_visible = reporter_identity_visible(user=request.user, report=report)
    choices = workflow.transition_choices(report=report, user=request.user)
    records = case_records(report=report)
    context = {
        **records,
        "report": report,
        "identity_visible": identity_visible,
        "transitions": choices,
        "blocked_reasons": list(dict.fromkeys(c.refusal.message for c in choices if not c.allowed)),
        "reporter_requests": reporter_requests(report=report),
        "evidence": evidence_for_case(report=report),
        "witness_statements": witness_statements_for_case(report=report),
        "sanctions": [(s, SANCTION_MOVES.available(s.state)) for s in records["sanctions"]],
        "message_form": HandlerMessageForm(),
        "can_request_identity": report.mode == ReportingMode.CONFIDENTIAL and not identity_visible,
        "breadcrumbs": [("Home", "/"), ("Cases", reverse("incidents:case_list"))],
    }
    context.update(extra)
    return context


@login_required
def case_detail(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    context = _case_context(request, report)
    audit(
        action="incident.viewed",
        request=request,
        obj=report,
        summary=f"{report.reference} viewed",
        detail={"identity_shown": context["identity_visible"] and report.reporter_id is not None},
    )
    return render(request, "incidents/case_detail.html", context)


@login_required
@require_POST
def case_message(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    form = HandlerMessageForm(request.POST)
    if form.is_valid():
        message_post_by_handler(
            report=report,
            author=request.user,
            audience=form.cleaned_data["audience"],
            body=form.cleaned_data["body"],
            request=request,
        )
        messages.success(request, "Message added.")
        return redirect(reverse("incidents:case_detail", args=[pk]) + "#messages")
    return render(
        request, "incidents/case_detail.html", _case_context(request, report, message_form=form), status=400
    )


@login_required
def case_transition(request, pk: int, action: str):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise Http404
    if report.status not in transition.sources:
        audit_refusal(
            user=request.user,
            request=request,
            object_type=report._meta.label_lower,
            object_id=report.pk,
            reason=f"{action}_not_available",
        )
        raise PermissionDenied("That action is not available on this case")
    refusal = workflow.transition_refusal(report=report, action=action, user=request.user)
    if refusal is not None and refusal.permission:
        audit_refusal(
            user=request.user,
            request=request,
            object_type=report._meta.label_lower,
            object_id=report.pk,
            reason=f"{action}_not_permitted",
        )
        raise PermissionDenied(refusal.message)
    form = TransitionForm(
        posted(request), transition=transition, report=report, handlers=handlers_for_case(report=report)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        merge_into = None
        if data.get("merge_into"):
            merge_into = cases_for_handler(user=request.user).filter(pk=data["merge_into"]).first()
        try:
            workflow.case_transition(
                report=report,
                action=action,
                actor=request.user,
                note=data.get("note", ""),
                reason_for_reporter=data.get("reason_for_reporter", ""),
                investigator=data.get("investigator"),
                merge_into=merge_into,
                outcome_for_reporter=data.get("outcome_for_reporter", ""),
                closure_rationale=data.get("closure_rationale", ""),
                message_for_reporter=data.get("message_for_reporter", ""),
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{report.reference}: {transition.label.lower()} – done.")
            return redirect("incidents:case_detail", pk=pk)
    return render(
        request,
        "incidents/case_form.html",
        {
            "report": report,
            "form": form,
            "heading": transition.label,
            "submit_label": transition.label,
            # The case is not ready (a request of the reporter is unanswered): say so before they fill the form.
            "not_ready": refusal.message if refusal is not None and request.method == "GET" else "",
            "breadcrumbs": case_breadcrumbs(report),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
