"""After the report: following up an anonymous report with its code, and a signed-in reporter's own reports.

Anonymous code holders are audited with `audit_anonymous` (no account, no address, the hour only), so the log
cannot unmask them; the case being followed up lives in a sealed cookie, never in a session (`reporter_state`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from cms.audit import audit, audit_anonymous
from cms.forms import apply_service_errors

from .. import throttles
from ..forms.reporting import FollowUpCodeForm, ReporterMessageForm
from ..reporter_state import reporter_state
from ..selectors.evidence import evidence_for_reporter
from ..selectors.follow_up import report_followed_up, report_for_receipt
from ..selectors.reporter_requests import reporter_request_answers
from ..selectors.reporters import messages_for_reporter, report_get_for_reporter, reports_for_reporter
from ..services.messages import message_post_by_reporter
from .form_pages import posted


# --- anonymous follow-up ---------------------------------------------------------------------------------------
@sensitive_post_parameters("code")  # an error report must never carry a reporter's follow-up code
@reporter_state
def follow_up(request):
    form = FollowUpCodeForm(posted(request))
    limited = False
    if request.method == "POST" and form.is_valid():
        # Each attempt is counted before the look-up; a right code is given back (throttles.py), so staff
        # sharing a trust's address never block each other.
        attempt = throttles.follow_up_attempt(request)
        limited = attempt.refused
        if limited:
            form.add_error(None, "Too many attempts. Wait an hour and try again.")
        else:
            report = report_for_receipt(code=form.cleaned_data["code"])
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


@reporter_state
def follow_up_case(request):
    report = report_followed_up(pk=request.reporter_state.follow_up_report_id())
    if report is None:  # no code entered yet, or its time is up
        return redirect("incidents:follow_up")
    if request.method == "GET":
        audit_anonymous(
            action="incident.viewed_by_code", actor_label="code holder", obj=report, summary=report.reference
        )
    return _reporter_case(
        request,
        report,
        author=None,
        done=redirect("incidents:follow_up_case"),
        breadcrumbs=[("Home", "/")],
    )


@require_POST
@reporter_state
def follow_up_leave(request):
    request.reporter_state.follow_up_end()
    return redirect("incidents:follow_up")


# --- a signed-in reporter's own reports ------------------------------------------------------------------------
@login_required
def my_reports(request):
    return render(
        request,
        "incidents/my_reports.html",
        {
            "reports": reports_for_reporter(user=request.user),
            "breadcrumbs": [("Home", "/"), ("Report abuse", reverse("incidents:report_start"))],
        },
    )


@login_required
def my_report(request, pk: int):
    report = report_get_for_reporter(user=request.user, pk=pk, request=request)
    if request.method == "GET":
        audit(action="incident.viewed_by_reporter", request=request, obj=report, summary=report.reference)
    return _reporter_case(
        request,
        report,
        author=request.user,
        done=redirect("incidents:my_report", pk=report.pk),
        breadcrumbs=[("Home", "/"), ("Your reports", reverse("incidents:my_reports"))],
    )


def _reporter_case(request, report, *, author, done, breadcrumbs):
    """The reporter's view of their case (by code or signed in): the messages, the answers to their requests and
    a reply form. A sent reply answers with `done`; `author` is None for a reply by code (anonymous stays so)."""
    form = ReporterMessageForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            message_post_by_reporter(report=report, body=form.cleaned_data["body"], author=author)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Your reply was sent.")
            return done
    return render(
        request,
        "incidents/reporter_case.html",
        {
            "report": report,
            "case_messages": messages_for_reporter(report=report),
            "request_answers": reporter_request_answers(report=report),
            "evidence": evidence_for_reporter(report=report),
            "form": form,
            "follow_up": author is None,
            "breadcrumbs": breadcrumbs,
        },
    )
