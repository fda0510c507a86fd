"""The records pages: the retention schedule with its periods and legal holds, and subject access and erasure
(docs/records.md). Thin: each parses a form, calls one service or selector, renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cms.access import permission_required
from cms.forms import apply_service_errors
from cms.retention import kind_get

from .forms import EraseForm, HoldForm, LiftForm, PeriodForm, SubjectForm
from .models import LegalHold
from .selectors import hold_target_label, holds_list, period_days, schedule
from .services import MANAGE, legal_hold_lift, legal_hold_place, retention_period_set
from .subject import SUBJECT_ACCESS, subject_counts, subject_erase, subject_export, subject_find


def _posted(request):
    return request.POST if request.method == "POST" else None


def _crumbs(*extra):
    return [("Home", "/"), *extra]


def _form_page(request, form, *, heading, submit_label, intro="", caption="", crumbs=()):
    return render(
        request,
        "records/form.html",
        {
            "form": form,
            "heading": heading,
            "submit_label": submit_label,
            "intro": intro,
            "caption": caption,
            "breadcrumbs": _crumbs(("Records", reverse("records:schedule")), *crumbs),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@permission_required(MANAGE)
def retention_schedule(request):
    holds = [(hold, hold_target_label(hold)) for hold in holds_list()]
    lifted = [(hold, hold_target_label(hold)) for hold in holds_list(active=False)[:20]]
    return render(
        request,
        "records/schedule.html",
        {"rows": schedule(), "holds": holds, "lifted": lifted, "breadcrumbs": _crumbs()},
    )


@permission_required(MANAGE)
def period_edit(request, key: str):
    try:
        kind = kind_get(key)
    except KeyError as exc:
        raise Http404("No such kind of record") from exc
    form = PeriodForm(_posted(request), initial={"days": period_days(key)})
    if request.method == "POST" and form.is_valid():
        try:
            retention_period_set(
                actor=request.user,
                kind=key,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{kind.label}: period saved.")
            return redirect("records:schedule")
    return _form_page(
        request,
        form,
        heading=f"How long to keep {kind.label.lower()}",
        caption="Retention period",
        submit_label="Save the period",
        intro=f"Counted from {kind.counts_from}. The default is {kind.default_days} days; the least allowed is "
        f"{kind.minimum_days}. {kind.basis}",
    )


@permission_required(MANAGE)
def hold_place(request):
    form = HoldForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_kind = data["scope"] == "kind"
        try:
            legal_hold_place(
                actor=request.user,
                reason=data["reason"],
                kind=data["kind"] if by_kind else "",
                object_type="" if by_kind else data["object_type"],
                object_id="" if by_kind else data["object_id"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Legal hold placed: the purge and erasure will leave what it covers.")
            return redirect("records:schedule")
    return _form_page(
        request,
        form,
        heading="Place a legal hold",
        caption="Legal holds",
        submit_label="Place the hold",
        intro="A hold stops the scheduled purge and erasure of what it covers until it is lifted, whatever the "
        "retention period says.",
    )


@permission_required(MANAGE)
def hold_lift(request, pk: int):
    hold = get_object_or_404(LegalHold, pk=pk, lifted_at__isnull=True)
    form = LiftForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            legal_hold_lift(
                actor=request.user, hold=hold, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Legal hold lifted.")
            return redirect("records:schedule")
    return _form_page(
        request,
        form,
        heading=f"Lift the hold on {hold_target_label(hold)}",
        caption="Legal holds",
        submit_label="Lift the hold",
        intro=f"Placed {timezone.localtime(hold.placed_at):%-d %B %Y}: {hold.reason}",
    )


@permission_required(SUBJECT_ACCESS)
def subject_access(request):
    # Posted, not in the query string: a person's e-mail address stays out of server logs and browser history.
    form = SubjectForm(_posted(request))
    subject = counts = None
    if form.is_bound and form.is_valid():
        subject = subject_find(
            user=request.user,
            email=form.cleaned_data["email"],
            number=form.cleaned_data["number"],
            request=request,
        )
        if subject.found:
            counts = subject_counts(subject=subject)
        else:
            form.add_error("email", "Nothing is held under this e-mail address or record number")
    return render(
        request,
        "records/subject.html",
        {
            "form": form,
            "subject": subject if counts is not None else None,
            "counts": counts,
            "erase_form": EraseForm(initial=form.cleaned_data if counts is not None else None),
            "breadcrumbs": _crumbs(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@permission_required(SUBJECT_ACCESS)
@require_POST
def subject_export_view(request):
    form = SubjectForm(request.POST)
    if not form.is_valid():
        return redirect("records:subject_access")
    subject = subject_find(
        user=request.user,
        email=form.cleaned_data["email"],
        number=form.cleaned_data["number"],
        request=request,
    )
    if not subject.found:
        return redirect("records:subject_access")
    response = StreamingHttpResponse(subject_export(user=request.user, subject=subject, request=request))
    response["Content-Type"] = "application/zip"
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{timezone.localdate():%Y-%m-%d}.zip"'
    )
    response["Cache-Control"] = "no-store"
    return response


@permission_required(SUBJECT_ACCESS)
@require_POST
def subject_erase_view(request):
    form = EraseForm(request.POST)
    subject = None
    if form.is_valid():
        subject = subject_find(
            user=request.user,
            email=form.cleaned_data["email"],
            number=form.cleaned_data["number"],
            request=request,
        )
        if not subject.found:
            form.add_error("email", "Nothing is held under this e-mail address or record number")
    if not form.is_valid():
        return render(
            request,
            "records/subject.html",
            {"form": SubjectForm(), "erase_form": form, "erase_only": True, "breadcrumbs": _crumbs()},
            status=400,
        )
    outcomes = subject_erase(
        user=request.user, subject=subject, reason=form.cleaned_data["reason"], request=request
    )
    return render(
        request,
        "records/erasure_result.html",
        {
            "erased": [outcome for outcome in outcomes if outcome.erased],
            "refused": [outcome for outcome in outcomes if not outcome.erased],
            "breadcrumbs": _crumbs(("Subject access", reverse("records:subject_access"))),
        },
    )
