"""Views for reporting, following up and handling incidents. Thin: a form, one service or selector, a template.

Every read of a case by a handler or a reporter is audited here, in the view that shows it, because a read has
no service of its own. Anonymous code holders are audited with `audit_anonymous` (no account, no address, the hour
only), so the log cannot unmask them. Drafts, the follow-up code and the case being followed up never go into an
account's session: see `reporter_state`.
"""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from cms import disclosure
from cms.audit import audit, audit_anonymous, audit_refusal
from cms.disclosure import Audience
from cms.reports import pdf_response
from cms.tables import FilteredTableView
from workforce.models import Organisation

from . import selectors, services, throttles
from .encryption import encrypted_field_names
from .filters import CaseFilter
from .forms import (
    CaseActionForm,
    CheckInForm,
    DisclosureDecisionForm,
    DisclosureRequestForm,
    ExclusionForm,
    FollowUpCodeForm,
    HandlerMessageForm,
    LegalHoldForm,
    PoliceOutcomeForm,
    ReporterMessageForm,
    ReporterRequestDecisionForm,
    ReportForm,
    RiddorForm,
    SanctionMoveForm,
    SanctionProposeForm,
    StatisticsForm,
    SupportOfferForm,
    SupportUpdateForm,
    SurveyPrevalenceForm,
    TransitionForm,
)
from .models import (
    IncidentReport,
    ReportingMode,
    SupportCheckIn,
    SurveyPrevalence,
)
from .reporter_state import DRAFT_SECONDS, reporter_state
from .reports import BoardReport, statistics_breakdowns
from .tables import CaseTable


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names (or at the top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _posted(request):
    """The POST data, or None for a GET: an empty POST still binds the form (all-optional forms validate)."""
    return request.POST if request.method == "POST" else None


def _require_handler(request) -> None:
    if not request.user.has_perm("incidents.view_cases"):
        raise PermissionDenied


# --- reporting -------------------------------------------------------------------------------------------------
def report_start(request):
    return render(
        request,
        "incidents/report_start.html",
        {
            "signed_in": request.user.is_authenticated,
            "can_report_named": request.user.is_authenticated
            and selectors.reporter_organisations(user=request.user).exists(),
            "breadcrumbs": [("Home", "/")],
        },
    )


@reporter_state
def report_form(request, mode: str):
    if mode not in ReportingMode.values:
        raise Http404
    anonymous = mode == ReportingMode.ANONYMOUS
    if not anonymous:
        if not request.user.is_authenticated:
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        organisations = selectors.reporter_organisations(user=request.user)
        if not organisations.exists():
            raise PermissionDenied("You need to belong to an organisation to report under your name")
    else:
        organisations = Organisation.objects.filter(is_active=True)
    state = request.reporter_state
    restored = False
    if request.method == "POST":
        form = ReportForm(request.POST, organisations=organisations, anonymous=anonymous)
        # Keep what was typed, so nothing is lost if the page is left or an error comes back.
        state.draft_keep(mode, ReportForm.draft_from_post(request.POST))
        if form.is_valid():
            try:
                report, code = services.report_submit(
                    reporter=request.user if not anonymous else None,
                    mode=mode,
                    data=form.report_data(),
                    subject_emails=form.subject_emails(),
                    request=request,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                state.draft_drop(mode)
                state.receipt_keep(
                    {
                        "reference": report.reference,
                        "pk": report.pk if not anonymous else None,
                        "code": services.receipt_format(code) if code else None,
                        "wants_support": report.wants_support,
                    }
                )
                return redirect("incidents:report_done")
    else:
        form = ReportForm(organisations=organisations, anonymous=anonymous)
        draft = state.draft(mode)
        if draft:
            form = ReportForm(
                initial=form.initial_from_draft(draft), organisations=organisations, anonymous=anonymous
            )
            restored = True
        elif organisations.count() == 1 and not anonymous:
            form = ReportForm(
                initial={"organisation": organisations.first()}, organisations=organisations, anonymous=False
            )
    return render(
        request,
        "incidents/report_form.html",
        {
            "form": form,
            "mode": mode,
            "mode_label": ReportingMode(mode).label,
            "restored": restored,
            "draft_minutes": DRAFT_SECONDS // 60,
            "breadcrumbs": [("Home", "/"), ("Report abuse", reverse("incidents:report_start"))],
        },
    )


@require_POST
@reporter_state
def report_draft_discard(request, mode: str):
    if mode not in ReportingMode.values:
        raise Http404
    request.reporter_state.draft_drop(mode)
    return redirect("incidents:report_form", mode=mode)


@reporter_state
def report_done(request):
    # The code is shown once: its cookie is deleted by this page.
    receipt = request.reporter_state.receipt_take()
    return render(request, "incidents/report_done.html", {"receipt": receipt})


# --- anonymous follow-up ---------------------------------------------------------------------------------------
@sensitive_post_parameters("code")  # an error report must never carry a reporter's follow-up code
@reporter_state
def follow_up(request):
    form = FollowUpCodeForm(_posted(request))
    limited = False
    if request.method == "POST" and form.is_valid():
        # Each attempt is counted before the look-up; a right code is given back (throttles.py), so staff
        # sharing a trust's address never block each other.
        attempt = throttles.follow_up_attempt(request)
        limited = attempt.refused
        if limited:
            form.add_error(None, "Too many attempts. Wait an hour and try again.")
        else:
            report = selectors.report_for_receipt(code=form.cleaned_data["code"])
            if report is None:
                form.add_error("code", "We could not find a report with that code. Check it and try again.")
            else:
                attempt.give_back()
                request.reporter_state.follow_up_start(report.pk)
                return redirect("incidents:follow_up_case")
    response = render(request, "incidents/follow_up.html", {"form": form, "breadcrumbs": [("Home", "/")]})
    if limited:
        response.status_code = 429
    return response


def _follow_up_report(request) -> IncidentReport:
    pk = request.reporter_state.follow_up_report_id()
    report = IncidentReport.objects.filter(pk=pk, mode=ReportingMode.ANONYMOUS).first() if pk else None
    if report is None:
        raise PermissionDenied("Enter your follow-up code first")
    return report


@reporter_state
def follow_up_case(request):
    try:
        report = _follow_up_report(request)
    except PermissionDenied:
        return redirect("incidents:follow_up")
    form = ReporterMessageForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.message_post_by_reporter(report=report, body=form.cleaned_data["body"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Your reply was sent.")
            return redirect("incidents:follow_up_case")
    if request.method == "GET":
        audit_anonymous(
            action="incident.viewed_by_code", actor_label="code holder", obj=report, summary=report.reference
        )
    return render(
        request,
        "incidents/reporter_case.html",
        {
            "report": report,
            "case_messages": selectors.messages_for_reporter(report=report),
            "request_answers": selectors.reporter_request_answers(report=report),
            "form": form,
            "follow_up": True,
            "breadcrumbs": [("Home", "/")],
        },
    )


@require_POST
@reporter_state
def follow_up_leave(request):
    request.reporter_state.follow_up_end()
    return redirect("incidents:follow_up")


# --- a signed-in reporter's own reports ------------------------------------------------------------------------
@login_required
def my_reports(request):
    reports = selectors.reports_for_reporter(user=request.user)
    return render(
        request,
        "incidents/my_reports.html",
        {
            "reports": reports,
            "breadcrumbs": [("Home", "/"), ("Report abuse", reverse("incidents:report_start"))],
        },
    )


@login_required
def my_report(request, pk: int):
    report = selectors.report_get_for_reporter(user=request.user, pk=pk, request=request)
    form = ReporterMessageForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.message_post_by_reporter(
                report=report, body=form.cleaned_data["body"], author=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Your reply was sent.")
            return redirect("incidents:my_report", pk=report.pk)
    if request.method == "GET":
        audit(action="incident.viewed_by_reporter", request=request, obj=report, summary=report.reference)
    return render(
        request,
        "incidents/reporter_case.html",
        {
            "report": report,
            "case_messages": selectors.messages_for_reporter(report=report),
            "request_answers": selectors.reporter_request_answers(report=report),
            "form": form,
            "follow_up": False,
            "breadcrumbs": [("Home", "/"), ("Your reports", reverse("incidents:my_reports"))],
        },
    )


# --- handlers --------------------------------------------------------------------------------------------------
class CaseListView(LoginRequiredMixin, FilteredTableView):
    table_class = CaseTable
    filterset_class = CaseFilter
    export_name = "incident-cases"
    page_title = "Cases"
    page_intro = (
        "Violence and abuse reports at your organisations. Narratives and identities are on each case."
    )
    template_name = "incidents/case_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_handler(request)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        # The list never shows free text or identifying details, so encrypted columns are not loaded (or
        # decrypted) for it.
        return selectors.cases_for_handler(user=self.request.user).defer(
            *encrypted_field_names(IncidentReport), "receipt_hash"
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["organisations"] = selectors.handler_organisations(user=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Home", "/")]
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


def _case_context(request, report: IncidentReport, **extra) -> dict:
    identity_visible = selectors.reporter_identity_visible(user=request.user, report=report)
    choices = services.transition_choices(report=report, user=request.user)
    context = {
        "report": report,
        "identity_visible": identity_visible,
        "transitions": choices,
        "blocked_reasons": list(dict.fromkeys(c.refusal.message for c in choices if not c.allowed)),
        "reporter_requests": selectors.reporter_requests(report=report),
        "history": report.transitions.select_related("actor"),
        "case_messages": report.messages.select_related("author"),
        "support_offers": report.support_offers.prefetch_related("check_ins"),
        "sanctions": [(s, services.sanction_moves_available(s)) for s in report.sanctions.all()],
        "case_actions": report.actions.select_related("owner"),
        "exclusions": report.exclusions.select_related("user"),
        "riddor": getattr(report, "riddor", None) if hasattr(report, "riddor") else None,
        "police": report.police_outcome if hasattr(report, "police_outcome") else None,
        "disclosures": report.disclosure_requests.select_related("requested_by", "decided_by"),
        "message_form": HandlerMessageForm(),
        "can_request_identity": report.mode == ReportingMode.CONFIDENTIAL and not identity_visible,
        "breadcrumbs": [("Home", "/"), ("Cases", reverse("incidents:case_list"))],
    }
    context.update(extra)
    return context


@login_required
def case_detail(request, pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
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
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    form = HandlerMessageForm(request.POST)
    if form.is_valid():
        services.message_post_by_handler(
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
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    transition = services.TRANSITIONS.get(action)
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
    refusal = services.transition_refusal(report=report, action=action, user=request.user)
    if refusal is not None and refusal.permission:
        audit_refusal(
            user=request.user,
            request=request,
            object_type=report._meta.label_lower,
            object_id=report.pk,
            reason=f"{action}_not_permitted",
        )
        raise PermissionDenied(refusal.message)
    handlers = selectors.handlers_for_case(report=report)
    form = TransitionForm(_posted(request), transition=transition, report=report, handlers=handlers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        merge_into = None
        if data.get("merge_into"):
            merge_into = selectors.cases_for_handler(user=request.user).filter(pk=data["merge_into"]).first()
        try:
            services.case_transition(
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
            _apply_errors(form, exc)
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
            "breadcrumbs": _case_breadcrumbs(report),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _case_breadcrumbs(report):
    return [
        ("Home", "/"),
        ("Cases", reverse("incidents:case_list")),
        (report.reference, reverse("incidents:case_detail", args=[report.pk])),
    ]


def _case_form_view(request, report, form, *, heading, submit_label, on_valid, intro="", warning=""):
    """Shared GET/POST handling for the small child-record forms on a case."""
    if request.method == "POST" and form.is_valid():
        try:
            on_valid(form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
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
            "breadcrumbs": _case_breadcrumbs(report),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def case_exclusion_add(request, pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    form = ExclusionForm(_posted(request))
    return _case_form_view(
        request,
        report,
        form,
        heading="Exclude someone from this case",
        submit_label="Exclude",
        intro="The person will no longer see this case, be notified of it or be assignable to it. If they are "
        "named as the source, everyone above them in line management (from the workforce records) is excluded too.",
        on_valid=lambda d: services.exclusion_add(
            report=report, actor=request.user, email=d["email"], reason=d["reason"], request=request
        ),
    )


@login_required
def case_legal_hold(request, pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    form = LegalHoldForm(_posted(request), initial={"on": "no" if report.legal_hold else "yes"})
    return _case_form_view(
        request,
        report,
        form,
        heading="Legal hold",
        submit_label="Save",
        intro=f"Retention: this case may be destroyed after {report.destroy_after:%-d %B %Y} once archived, "
        f"unless a legal hold is in place. It is {'on hold' if report.legal_hold else 'not on hold'} now.",
        on_valid=lambda d: services.case_legal_hold_set(
            report=report, actor=request.user, on=d["on"], reason=d["reason"], request=request
        ),
    )


@login_required
def case_identity_request(request, pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    form = DisclosureRequestForm(_posted(request))
    return _case_form_view(
        request,
        report,
        form,
        heading="Ask to know who made this report",
        submit_label="Send the request",
        intro="The reporter asked for confidentiality. An identity custodian will decide; you will see the "
        "reporter's name on the case only if they authorise it.",
        on_valid=lambda d: services.disclosure_request_create(
            report=report, actor=request.user, reason=d["reason"], request=request
        ),
    )


@login_required
def support_add(request, pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    form = SupportOfferForm(_posted(request))
    return _case_form_view(
        request,
        report,
        form,
        heading="Offer support",
        submit_label="Record the offer",
        on_valid=lambda d: services.support_offer_create(
            report=report,
            actor=request.user,
            staff_member=d["staff_member"],
            route=d["route"],
            notes=d["notes"],
            request=request,
        ),
    )


@login_required
def support_update(request, pk: int, offer_pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    offer = selectors.case_record_get(
        user=request.user, records=report.support_offers, pk=offer_pk, request=request
    )
    form = SupportUpdateForm(_posted(request))
    return _case_form_view(
        request,
        report,
        form,
        heading=f"Update support for {offer.staff_member}",
        submit_label="Save",
        intro=f"Currently: {offer.get_state_display()}. Accepting schedules check-ins at 3 days, 1 week and 4 weeks.",
        on_valid=lambda d: services.support_offer_update(
            offer=offer,
            actor=request.user,
            move=d["move"],
            escalated_to=d["escalated_to"],
            note=d["note"],
            request=request,
        ),
    )


@login_required
def check_in_done(request, pk: int, check_in_pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    check_in = selectors.case_record_get(
        user=request.user,
        records=SupportCheckIn.objects.filter(offer__report=report),
        pk=check_in_pk,
        request=request,
    )
    form = CheckInForm(_posted(request))
    return _case_form_view(
        request,
        report,
        form,
        heading=f"Record the check-in due {check_in.due_on:%-d %B %Y}",
        submit_label="Record the check-in",
        on_valid=lambda d: services.support_check_in_complete(
            check_in=check_in, actor=request.user, note=d["note"], request=request
        ),
    )


@login_required
def riddor_edit(request, pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    current = getattr(report, "riddor", None) if hasattr(report, "riddor") else None
    initial = (
        {"state": current.state, "hse_reference": current.hse_reference, "reason": current.reason}
        if current
        else {}
    )
    form = RiddorForm(_posted(request), initial=initial)
    deadline = current.deadline if current else None
    return _case_form_view(
        request,
        report,
        form,
        heading="RIDDOR",
        submit_label="Save",
        intro="Over-7-day injuries from work-related violence must be reported to HSE within 15 days of the incident"
        + (f": by {deadline:%-d %B %Y}." if deadline else "."),
        on_valid=lambda d: services.riddor_record(
            report=report,
            actor=request.user,
            state=d["state"],
            hse_reference=d["hse_reference"],
            reported_on=d["reported_on"],
            reason=d["reason"],
            request=request,
        ),
    )


@login_required
def police_edit(request, pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
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
    form = PoliceOutcomeForm(_posted(request), initial=initial)
    return _case_form_view(
        request,
        report,
        form,
        heading="Police and criminal justice",
        submit_label="Save",
        on_valid=lambda d: services.police_outcome_record(
            report=report, actor=request.user, request=request, **d
        ),
    )


@login_required
def request_decision(request, pk: int, topic: str):
    report = selectors.case_get_for_handler(user=request.user, pk=pk)
    asked = {r.topic: r for r in selectors.reporter_requests(report=report) if r.decidable}
    if topic not in asked:
        raise Http404
    current = asked[topic].decision
    initial = (
        {"reason": current.reason, "answer_for_reporter": current.answer_for_reporter} if current else {}
    )
    form = ReporterRequestDecisionForm(
        _posted(request), initial=initial, wants_feedback=report.wants_feedback
    )
    return _case_form_view(
        request,
        report,
        form,
        heading=f"Decision on the reporter's request for {asked[topic].label}",
        submit_label="Record the decision",
        intro="Record why the request was not met in the usual way (no support offered, police not involved) "
        "or how it was met outside this case. The reason is internal."
        + (" The reporter asked for feedback and will read your answer." if report.wants_feedback else ""),
        on_valid=lambda d: services.reporter_request_decide(
            report=report, actor=request.user, topic=topic, request=request, **d
        ),
    )


SANCTION_WARNING = (
    "Emergency treatment is never withheld, whatever sanction is in place. A sanction may change where or how "
    "non-emergency care is given; it never stops urgent or emergency care."
)


@login_required
def sanction_add(request, pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    form = SanctionProposeForm(_posted(request))
    return _case_form_view(
        request,
        report,
        form,
        heading="Propose a sanction",
        submit_label="Propose",
        warning=SANCTION_WARNING,
        intro="A clinician reviews capacity and medical factors, then someone other than you approves it.",
        on_valid=lambda d: services.sanction_propose(report=report, actor=request.user, request=request, **d),
    )


@login_required
def sanction_move(request, pk: int, sanction_pk: int, move: str):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    sanction = selectors.case_record_get(
        user=request.user, records=report.sanctions, pk=sanction_pk, request=request
    )
    labels = dict(services.sanction_moves_available(sanction))
    if move not in labels:
        raise Http404
    form = SanctionMoveForm(_posted(request), move=move)
    return _case_form_view(
        request,
        report,
        form,
        heading=f"{sanction.get_kind_display()}: {labels[move].lower()}",
        submit_label=labels[move],
        warning=SANCTION_WARNING,
        on_valid=lambda d: services.sanction_advance(
            sanction=sanction, actor=request.user, move=move, request=request, **d
        ),
    )


@login_required
def action_add(request, pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    form = CaseActionForm(_posted(request), handlers=selectors.handlers_for_case(report=report))
    return _case_form_view(
        request,
        report,
        form,
        heading="Add an action",
        submit_label="Add the action",
        on_valid=lambda d: services.action_create(report=report, actor=request.user, request=request, **d),
    )


@login_required
@require_POST
def action_done(request, pk: int, action_pk: int):
    report = selectors.case_get_for_handler(user=request.user, pk=pk, request=request)
    action = selectors.case_record_get(
        user=request.user, records=report.actions, pk=action_pk, request=request
    )
    try:
        services.action_complete(action=action, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("incidents:case_detail", args=[pk]) + "#actions")


@login_required
def dashboard(request):
    _require_handler(request)
    audit(action="incident.dashboard_viewed", request=request, summary="Handler dashboard viewed")
    return render(
        request,
        "incidents/dashboard.html",
        {"dashboard": selectors.handler_dashboard(user=request.user), "breadcrumbs": [("Home", "/")]},
    )


# --- identity custodians ---------------------------------------------------------------------------------------
@login_required
def disclosure_list(request):
    if not request.user.has_perm("incidents.decide_identity_disclosure"):
        raise PermissionDenied
    requests = selectors.disclosure_requests_for_custodian(user=request.user)
    return render(
        request, "incidents/disclosure_list.html", {"requests": requests, "breadcrumbs": [("Home", "/")]}
    )


@login_required
def disclosure_decide(request, pk: int):
    disclosure = selectors.disclosure_request_get_for_custodian(user=request.user, pk=pk, request=request)
    form = DisclosureDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.disclosure_decide(
                disclosure=disclosure,
                actor=request.user,
                authorise=form.cleaned_data["decision"] == "authorise",
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
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


# --- statistics and the board report ---------------------------------------------------------------------------
def _statistics_scope(request):
    if not request.user.has_perm("incidents.view_incident_statistics"):
        raise PermissionDenied
    organisations = selectors.statistics_organisations(user=request.user)
    periods = selectors.recent_half_years()
    form = StatisticsForm(request.GET or None, organisations=organisations, periods=periods)
    chosen, period = None, periods[0][0]
    if form.is_valid():
        chosen = form.cleaned_data.get("organisation")
        period = form.cleaned_data.get("period") or period
    elif form.is_bound:
        return form, None, None, None
    scope = organisations.filter(pk=chosen.pk) if chosen else organisations
    return form, scope, chosen, period


@login_required
def statistics(request):
    form, scope, chosen, period = _statistics_scope(request)
    if scope is None:
        return render(request, "incidents/statistics.html", {"form": form}, status=400)
    start, end = selectors.half_year_bounds(period)
    if request.GET.get("format") == "csv":
        return _statistics_csv(request, scope=scope, period=period, start=start, end=end)
    audience = selectors.statistics_audience(user=request.user, organisations=scope)
    stats = selectors.incident_statistics(organisations=scope, start=start, end=end, audience=audience)
    audit(action="incident.statistics_viewed", request=request, summary="Incident statistics viewed")
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "incidents/statistics.html",
        {
            "form": form,
            "stats": stats,
            "organisation": chosen,
            "period": period,
            "exact_for": list(scope.order_by("name").values_list("name", flat=True))
            if audience.exact
            else [],
            "breakdowns": statistics_breakdowns(stats),
            "board_report_url": reverse("incidents:board_report") + "?" + request.GET.urlencode(),
            "export_url": reverse("incidents:statistics") + "?" + query.urlencode(),
            "breadcrumbs": [("Home", "/")],
        },
    )


def _statistics_csv(request, *, scope, period, start, end):
    """The figures as CSV: protected for every reader, handlers included (an export travels)."""
    stats = selectors.incident_statistics(organisations=scope, start=start, end=end, audience=Audience.EXPORT)
    audit(
        action="incident.statistics_exported",
        request=request,
        summary=f"Incident statistics exported {period}",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incident-figures-{period}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Section", "Measure", "Value"])
    writer.writerows(stats.export_rows())
    writer.writerow([])
    writer.writerow(["Note", disclosure.EXPLANATION, ""])
    return response


@login_required
def board_report(request):
    form, scope, chosen, period = _statistics_scope(request)
    if scope is None:
        return render(request, "incidents/statistics.html", {"form": form}, status=400)
    report = BoardReport(
        organisations=scope,
        organisation=chosen,
        period=period,
        pdf_url=reverse("incidents:board_report") + "?" + request.GET.urlencode() + "&format=pdf",
    )
    audit(
        action="incident.board_report_viewed",
        request=request,
        summary=f"Board report {period}",
        detail={"format": request.GET.get("format", "html")},
    )
    if request.GET.get("format") == "pdf":
        return pdf_response(report)
    return HttpResponse(report.render_html(request))


@login_required
def survey_figures(request):
    """Handlers enter their organisation's Staff Survey prevalence, for the under-reporting index."""
    _require_handler(request)
    organisations = selectors.handler_organisations(user=request.user)
    form = SurveyPrevalenceForm(_posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_prevalence_record(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Staff Survey figures saved.")
            return redirect("incidents:survey_figures")
    return render(
        request,
        "incidents/survey_figures.html",
        {
            "form": form,
            "figures": SurveyPrevalence.objects.filter(organisation__in=organisations).select_related(
                "organisation"
            ),
            "breadcrumbs": [("Home", "/"), ("Figures", reverse("incidents:statistics"))],
        },
        status=400 if form.is_bound and form.errors else 200,
    )
