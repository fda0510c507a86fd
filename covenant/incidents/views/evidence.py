"""Evidence on a case: files sent by handlers and reporters, witness statements and handler-only notes.

Every read of a file goes through `_file_response`, which audits it: a handler or a signed-in reporter with
`audit`, a code holder with `audit_anonymous` (no account, no address, the hour only), so that even a member of
staff who is signed in while following up an anonymous report is not recorded. Files are served as downloads
(`Content-Disposition: attachment`), never sniffed and never cached.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

from cms.audit import audit, audit_anonymous
from cms.forms import apply_service_errors

from .. import throttles
from ..forms.evidence import CaseNoteForm, EvidenceForm, WitnessStatementForm
from ..models import Evidence, Message
from ..reporter_state import reporter_state
from ..selectors.cases import case_get_for_handler
from ..selectors.evidence import (
    evidence_bytes,
    evidence_for_case,
    evidence_get_for_handler,
    evidence_get_for_reporter,
)
from ..selectors.follow_up import report_followed_up
from ..selectors.reporters import report_get_for_reporter
from ..services.evidence import evidence_add, witness_statement_record
from ..services.messages import message_post_by_handler
from .form_pages import case_breadcrumbs, case_form_view, posted

TOO_MANY = "You have sent too many files in the last hour. Wait an hour and try again."


def _file_response(evidence: Evidence, *, record) -> HttpResponse:
    """The file as a download, after `record(summary, detail)` has audited the read."""
    data = evidence_bytes(evidence=evidence)
    record(
        f"{evidence.get_kind_display()} on {evidence.report.reference} opened",
        {"evidence": evidence.pk, "report": evidence.report_id},
    )
    response = HttpResponse(data, content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition_header(True, evidence.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


def _evidence_page(request, *, report, form, done, breadcrumbs, save, status=None):
    """The upload page: on a valid POST, `save(upload, description)` keeps the file and the page answers `done`."""
    if request.method == "POST" and status is None and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            save(upload.name, upload.read(), form.cleaned_data["description"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Your file was added.")
            return done
    return render(
        request,
        "incidents/evidence_form.html",
        {"report": report, "form": form, "breadcrumbs": breadcrumbs},
        status=status or (400 if form.is_bound and form.errors else 200),
    )


def _reporter_upload_limited(request, form, *, report_id) -> int | None:
    if request.method != "POST":
        return None
    if throttles.evidence_upload_attempt(request, report_id=report_id).refused:
        form.add_error("file", TOO_MANY)
        return 429
    return None


# --- handlers ---------------------------------------------------------------------------------------------------
@login_required
def evidence_upload(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    return _evidence_page(
        request,
        report=report,
        form=EvidenceForm(posted(request), request.FILES or None),
        done=redirect(reverse("incidents:case_detail", args=[pk]) + "#evidence"),
        breadcrumbs=case_breadcrumbs(report),
        save=lambda name, data, description: evidence_add(
            report=report,
            name=name,
            data=data,
            description=description,
            uploaded_by=request.user,
            from_reporter=False,
            request=request,
        ),
    )


@login_required
def evidence_download(request, pk: int, evidence_pk: int):
    evidence = evidence_get_for_handler(user=request.user, case_pk=pk, pk=evidence_pk, request=request)
    return _file_response(
        evidence,
        record=lambda summary, detail: audit(
            action="incident.evidence_opened", request=request, obj=evidence, summary=summary, detail=detail
        ),
    )


@login_required
def witness_statement_add(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    return case_form_view(
        request,
        report,
        WitnessStatementForm(posted(request), evidence=evidence_for_case(report=report)),
        heading="Record a witness statement",
        submit_label="Save the statement",
        intro="Witness statements are for handlers only: the reporter never sees them. The witness's name and "
        "the statement are stored encrypted.",
        on_valid=lambda d: witness_statement_record(report=report, actor=request.user, request=request, **d),
    )


@login_required
def case_note_add(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    return case_form_view(
        request,
        report,
        CaseNoteForm(posted(request)),
        heading="Add a note for handlers",
        submit_label="Add the note",
        on_valid=lambda d: message_post_by_handler(
            report=report,
            author=request.user,
            audience=Message.Audience.INTERNAL,
            body=d["body"],
            request=request,
        ),
    )


# --- a signed-in reporter ---------------------------------------------------------------------------------------
@login_required
def my_report_evidence_upload(request, pk: int):
    report = report_get_for_reporter(user=request.user, pk=pk, request=request)
    form = EvidenceForm(posted(request), request.FILES or None)
    return _evidence_page(
        request,
        report=report,
        form=form,
        status=_reporter_upload_limited(request, form, report_id=report.pk),
        done=redirect(reverse("incidents:my_report", args=[pk]) + "#evidence"),
        breadcrumbs=[
            ("Home", "/"),
            ("Your reports", reverse("incidents:my_reports")),
            (report.reference, reverse("incidents:my_report", args=[pk])),
        ],
        save=lambda name, data, description: evidence_add(
            report=report,
            name=name,
            data=data,
            description=description,
            uploaded_by=request.user,
            from_reporter=True,
            request=request,
        ),
    )


@login_required
def my_report_evidence(request, pk: int, evidence_pk: int):
    report = report_get_for_reporter(user=request.user, pk=pk, request=request)
    evidence = evidence_get_for_reporter(report=report, pk=evidence_pk, user=request.user, request=request)
    return _file_response(
        evidence,
        record=lambda summary, detail: audit(
            action="incident.evidence_opened_by_reporter",
            request=request,
            obj=evidence,
            summary=summary,
            detail=detail,
        ),
    )


# --- an anonymous reporter, by follow-up code --------------------------------------------------------------------
@reporter_state
def follow_up_evidence_upload(request):
    report = report_followed_up(pk=request.reporter_state.follow_up_report_id())
    if report is None:
        return redirect("incidents:follow_up")
    form = EvidenceForm(posted(request), request.FILES or None)
    return _evidence_page(
        request,
        report=report,
        form=form,
        status=_reporter_upload_limited(request, form, report_id=report.pk),
        done=redirect(reverse("incidents:follow_up_case") + "#evidence"),
        breadcrumbs=[("Home", "/"), (f"Your report {report.reference}", reverse("incidents:follow_up_case"))],
        save=lambda name, data, description: evidence_add(
            report=report, name=name, data=data, description=description, uploaded_by=None, from_reporter=True
        ),
    )


@reporter_state
def follow_up_evidence(request):
    report = report_followed_up(pk=request.reporter_state.follow_up_report_id())
    if report is None:
        return redirect("incidents:follow_up")
    evidence_pk = request.GET.get("file", "")
    if not evidence_pk.isdigit() or len(evidence_pk) > 18:
        raise Http404("No such file")
    evidence = evidence_get_for_reporter(report=report, pk=int(evidence_pk))
    return _file_response(
        evidence,
        record=lambda summary, detail: audit_anonymous(
            action="incident.evidence_opened_by_code",
            actor_label="code holder",
            obj=evidence,
            summary=summary,
            detail=detail,
        ),
    )
