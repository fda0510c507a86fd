"""Public list of signatories and recognition; HR screens to sign and report progress; editor screens to decide.

Anonymous visitors to staff screens are sent to sign in; signed-in users without the permission get 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods
from django_filters.views import FilterView

from cms.access import has_permission, permission_required
from cms.forms import apply_service_errors
from cms.pagination import paginate
from cms.reports import pdf_response

from . import selectors, services
from .filters import SignatoryFilter
from .forms import AwardForm, DecisionForm, PledgeFormSet, ProgressForm, SignatureForm
from .models import TIER_CRITERIA, FinancialYear, SignatureStatus, Tier
from .reports import AnnualCovenantReport
from .roles import (
    APPROVE_SIGNATURE_PERMISSION,
    AWARD_RECOGNITION_PERMISSION,
    RECORD_PROGRESS_PERMISSION,
    REQUEST_SIGNATURE_PERMISSION,
)

SIGNATORIES = ("Signatories", "/covenant/signatories/")


# --- public -------------------------------------------------------------------------------------------------------


class SignatoryListView(FilterView):
    template_name = "signatories/signatory_list.html"
    filterset_class = SignatoryFilter
    paginate_by = 20

    def get_queryset(self):
        return selectors.public_signatures()

    def paginate_queryset(self, queryset, page_size):
        # A page number that is not a number or out of range shows the first or last page, never a 404.
        page_obj = paginate(queryset, self.request, per_page=page_size)
        return page_obj.paginator, page_obj, page_obj.object_list, page_obj.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        signatures = list(context["page_obj"].object_list) if context.get("page_obj") else []
        awards = selectors.current_awards(organisation_ids=[s.organisation_id for s in signatures])
        context["rows"] = [(signature, awards.get(signature.organisation_id)) for signature in signatures]
        context["result_count"] = context["paginator"].count if context.get("paginator") else 0
        context["breadcrumbs"] = [("Home", "/")]
        return context


def signatory_detail(request, pk: int):
    signature = selectors.public_signature_get(pk=pk)
    return render(
        request,
        "signatories/signatory_detail.html",
        {
            "signature": signature,
            "award": selectors.current_award(organisation=signature.organisation),
            "breadcrumbs": [("Home", "/"), SIGNATORIES],
        },
    )


def recognition(request):
    return render(
        request,
        "signatories/recognition.html",
        {
            "tiers": [(tier, TIER_CRITERIA[tier]) for tier in Tier],
            "holders": selectors.current_award_holders(),
            "breadcrumbs": [("Home", "/"), SIGNATORIES],
        },
    )


def how_to_sign(request):
    """Where "Ask to sign the Covenant" leads: what an organisation's representative does, for every visitor.

    Anonymous visitors are told to sign in (and come back to the request form) or how to ask for an account;
    a signed-in user without the role is told why they cannot start a request; one with it goes straight on."""
    return render(
        request,
        "signatories/how_to_sign.html",
        {
            "can_request": has_permission(request.user, REQUEST_SIGNATURE_PERMISSION),
            "max_pledges": services.MAX_PLEDGES,
            "sign_in_url": f"{reverse('accounts:login')}?{urlencode({'next': reverse('signatories:sign_start')})}",
            "breadcrumbs": [("Home", "/"), SIGNATORIES],
        },
    )


# --- HR administrators -------------------------------------------------------------------------------------------


@permission_required(REQUEST_SIGNATURE_PERMISSION)
@require_http_methods(["GET", "POST"])
def sign(request):
    organisations = selectors.organisations_user_can_sign_for(user=request.user)
    if not organisations.exists():
        raise PermissionDenied
    bank = selectors.active_pledge_bank()
    form = SignatureForm(request.POST or None, organisations=organisations)
    formset = PledgeFormSet(request.POST or None, bank=bank, prefix="pledges")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            signature = services.signature_request(
                user=request.user,
                organisation=data["organisation"],
                signatory_name=data["signatory_name"],
                signatory_role=data["signatory_role"],
                co_signatory_name=data["co_signatory_name"],
                co_signatory_role=data["co_signatory_role"],
                signed_on=data["signed_on"],
                pledges=formset.pledge_inputs(),
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Your request to sign the Covenant for {signature.organisation.display_name} was sent. "
                "An editor will check it.",
            )
            return redirect("signatories:my_signatures")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "signatories/sign.html",
        {
            "form": form,
            "formset": formset,
            "bank": bank,
            "breadcrumbs": [("Home", "/"), SIGNATORIES],
        },
        status=status,
    )


@permission_required(REQUEST_SIGNATURE_PERMISSION)
def my_signatures(request):
    return render(
        request,
        "signatories/my_signatures.html",
        {
            "signatures": selectors.signatures_for_user_organisations(user=request.user),
            "can_sign": selectors.organisations_user_can_sign_for(user=request.user).exists(),
            "breadcrumbs": [("Home", "/"), SIGNATORIES],
        },
    )


@permission_required(RECORD_PROGRESS_PERMISSION)
@require_http_methods(["GET", "POST"])
def pledge_progress(request, pk: int):
    pledge = selectors.pledge_get_for_progress(user=request.user, pk=pk)
    form = ProgressForm(request.POST or None, pledge=pledge)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_progress_record(
                pledge=pledge,
                user=request.user,
                year=form.year,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Progress recorded")
            return redirect("signatories:my_signatures")
    return render(
        request,
        "signatories/pledge_progress.html",
        {
            "pledge": pledge,
            "form": form,
            "breadcrumbs": [
                ("Home", "/"),
                ("Your organisation's Covenant", reverse("signatories:my_signatures")),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


# --- editors -----------------------------------------------------------------------------------------------------


@permission_required(APPROVE_SIGNATURE_PERMISSION)
def review_list(request):
    signatures = selectors.signatures_for_review(user=request.user)
    return render(
        request,
        "signatories/review_list.html",
        {
            "waiting": [s for s in signatures if s.status == SignatureStatus.REQUESTED],
            "decided": [s for s in signatures if s.status != SignatureStatus.REQUESTED][:50],
            "breadcrumbs": [("Home", "/"), SIGNATORIES],
        },
    )


@permission_required(APPROVE_SIGNATURE_PERMISSION)
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    signature = selectors.signature_get_for_review(user=request.user, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and signature.status == SignatureStatus.REQUESTED and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.signature_approve(signature=signature, user=request.user, request=request)
                messages.success(request, f"{signature.organisation.display_name} has signed the Covenant")
            else:
                services.signature_reject(
                    signature=signature,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(
                    request, f"The request from {signature.organisation.display_name} was not approved"
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("signatories:review_list")
    return render(
        request,
        "signatories/review_detail.html",
        {
            "signature": signature,
            "form": form,
            "is_own_request": signature.requested_by_id == request.user.pk,
            "breadcrumbs": [("Home", "/"), ("Requests to sign", reverse("signatories:review_list"))],
        },
        status=400 if request.method == "POST" else 200,
    )


@permission_required(AWARD_RECOGNITION_PERMISSION)
@require_http_methods(["GET", "POST"])
def award_new(request):
    form = AwardForm(request.POST or None, organisations=selectors.organisations_for_award(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            award = services.recognition_award(
                organisation=data["organisation"],
                tier=data["tier"],
                evidence=data["evidence"],
                awarded_on=data["awarded_on"],
                user=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{award.get_tier_display()} award made to {award.organisation.display_name}, "
                f"until {award.expires_on:%-d %B %Y}",
            )
            return redirect("signatories:recognition")
    return render(
        request,
        "signatories/award_form.html",
        {
            "form": form,
            "tiers": [(tier, TIER_CRITERIA[tier]) for tier in Tier],
            "breadcrumbs": [("Home", "/"), ("Recognition", reverse("signatories:recognition"))],
        },
        status=400 if request.method == "POST" else 200,
    )


# --- the annual report (public) ----------------------------------------------------------------------------------

FIRST_REPORT_YEAR = 2024


def _report_year(key: str) -> FinancialYear:
    year = FinancialYear.parse(key)
    current = FinancialYear.containing(timezone.localdate())
    if year is None or not FIRST_REPORT_YEAR <= year.start_year <= current.start_year:
        raise Http404("No report for that year")
    return year


def report_index(request):
    current = FinancialYear.containing(timezone.localdate())
    years = [FinancialYear(y) for y in range(current.start_year, FIRST_REPORT_YEAR - 1, -1)]
    return render(
        request,
        "signatories/report_index.html",
        {"years": years, "breadcrumbs": [("Home", "/")]},
    )


def annual_report(request, year: str):
    report_year = _report_year(year)
    report = AnnualCovenantReport(year=report_year)
    report.pdf_url = reverse("signatories:annual_report_pdf", args=[report_year.key])
    report.breadcrumbs = [("Home", "/"), ("Annual Covenant reports", reverse("signatories:report_index"))]
    return HttpResponse(report.render_html(request))


def annual_report_pdf(request, year: str):
    report = AnnualCovenantReport(year=_report_year(year))
    return pdf_response(report)
