"""Making a report: anyone anonymously, signed-in staff under their name or in confidence. The draft and the
confirmation that shows the follow-up code once never go into an account's session: see `reporter_state`."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cms.forms import apply_service_errors

from ..forms.reporting import ReportForm
from ..models import ReportingMode
from ..reporter_state import DRAFT_SECONDS, reporter_state
from ..selectors.reporters import organisations_to_report_to, reporter_organisations
from ..services.reporting import receipt_format, report_submit


def report_start(request):
    return render(
        request,
        "incidents/report_start.html",
        {
            "signed_in": request.user.is_authenticated,
            "can_report_named": request.user.is_authenticated
            and reporter_organisations(user=request.user).exists(),
            "breadcrumbs": [("Home", "/")],
        },
    )


@reporter_state
def report_form(request, mode: str):
    if mode not in ReportingMode.values:
        raise Http404
    anonymous = mode == ReportingMode.ANONYMOUS
    if not anonymous and not request.user.is_authenticated:
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
    organisations = organisations_to_report_to(user=request.user, anonymous=anonymous)
    if not anonymous and not organisations.exists():
        raise PermissionDenied("You need to belong to an organisation to report under your name")
    state = request.reporter_state
    restored = False
    if request.method == "POST":
        form = ReportForm(request.POST, organisations=organisations, anonymous=anonymous)
        # Keep what was typed, so nothing is lost if the page is left or an error comes back.
        state.draft_keep(mode, ReportForm.draft_from_post(request.POST))
        if form.is_valid():
            try:
                report, code = report_submit(
                    reporter=request.user if not anonymous else None,
                    mode=mode,
                    data=form.report_data(),
                    subject_emails=form.subject_emails(),
                    request=request,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                state.draft_drop(mode)
                state.receipt_keep(
                    {
                        "reference": report.reference,
                        "pk": report.pk if not anonymous else None,
                        "code": receipt_format(code) if code else None,
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
