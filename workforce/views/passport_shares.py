"""The staff passport for its holder (their credentials, accepting or rejecting one, sharing a code) and for the
receiving HR team (redeeming a code, the passports shared with them, the checks they relied on)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cms.audit import audit
from cms.forms import apply_service_errors

from ..passport_forms import HolderResponseForm, ShareCreateForm, ShareRedeemForm
from ..selectors.access import get_or_refuse
from ..selectors.passport import (
    passport_evaluate,
    reliances_visible_to,
    reusable_credentials,
    shares_redeemed_by,
    with_status_on,
)
from ..selectors.passport_holders import (
    holder_credential_get,
    holder_credentials,
    holder_share_get,
    holder_shares,
    person_for_user,
)
from ..services.passport import error_code, passport_credential_respond
from ..services.passport_shares import (
    SHARE_LIFETIME,
    passport_share_create,
    passport_share_redeem,
    passport_share_withdraw,
)
from .base import HOME, hr_required

MY_PASSPORT = ("Your staff passport", "/workforce/my-passport/")


@login_required
@require_http_methods(["GET", "POST"])
def my_passport(request):
    """The signed-in person's own passport, and sharing it with one organisation through a code shown once."""
    person = person_for_user(user=request.user)
    form = ShareCreateForm(request.POST or None)
    new_share = None
    status = 200
    if request.method == "POST":
        if person is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                new_share = passport_share_create(
                    actor=request.user, organisation=form.cleaned_data["organisation"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                status = 201
                form = ShareCreateForm()
    return render(
        request,
        "workforce/passport/my_passport.html",
        {
            "person": person,
            "credentials": with_status_on(holder_credentials(person=person), day=timezone.localdate())
            if person
            else [],
            "shares": holder_shares(person=person)[:20] if person else [],
            "form": form,
            "new_share": new_share,
            "lifetime_days": SHARE_LIFETIME.days,
            "now": timezone.now(),
            "today": timezone.localdate(),
            "breadcrumbs": [("Home", "/"), ("Your staff passport", "")],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_credential(request, pk):
    """One credential on the holder's own passport: accept it, or reject it with what is wrong."""
    credential = holder_credential_get(user=request.user, pk=pk)
    form = HolderResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passport_credential_respond(
                actor=request.user,
                credential=credential,
                response=form.cleaned_data["response"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Thank you. Your answer has been saved.")
            return redirect("workforce:my_passport")
    return render(
        request,
        "workforce/passport/my_credential.html",
        {
            "credential": credential,
            "form": form,
            "breadcrumbs": [("Home", "/"), MY_PASSPORT, (str(credential), "")],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def my_share_withdraw(request, pk):
    share = holder_share_get(user=request.user, pk=pk)
    try:
        passport_share_withdraw(actor=request.user, share=share)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The code for {share.organisation.display_name} no longer works")
    return redirect("workforce:my_passport")


@hr_required
@require_http_methods(["GET", "POST"])
def share_redeem(request):
    """Receiving HR enters the code the holder gave them."""
    form = ShareRedeemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            share = passport_share_redeem(
                actor=request.user, code=form.cleaned_data["code"], job_role=form.cleaned_data["job_role"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            if error_code(exc) == "rate_limited":
                return _redeem_page(request, form, status=429)
        else:
            return redirect("workforce:shared_passport", pk=share.pk)
    return _redeem_page(request, form, status=400 if request.method == "POST" else 200)


def _redeem_page(request, form, *, status):
    return render(
        request,
        "workforce/passport/redeem.html",
        {"form": form, "breadcrumbs": [("Home", "/"), HOME, ("Use a passport code", "")]},
        status=status,
    )


def _with_credential_status(reliances):
    reliances = list(reliances)
    with_status_on([r.credential for r in reliances], day=timezone.localdate())
    return reliances


@hr_required
def shared_passports(request):
    """The passports shared with the user's organisations, and every credential they relied on, with its status
    today: a revoked or expired one says so."""
    return render(
        request,
        "workforce/passport/shared_list.html",
        {
            "shares": shares_redeemed_by(user=request.user)[:200],
            "reliances": _with_credential_status(reliances_visible_to(user=request.user)[:500]),
            "today": timezone.localdate(),
            "breadcrumbs": [("Home", "/"), HOME, ("Passports shared with you", "")],
        },
    )


@hr_required
def shared_passport(request, pk):
    """A redeemed passport: what the receiving organisation may reuse under its rules, judged today."""
    share = get_or_refuse(shares_redeemed_by, user=request.user, pk=pk, request=request)
    today = timezone.localdate()
    audit(
        action="workforce.passport_share.viewed",
        request=request,
        obj=share,
        summary=f"Viewed shared passport {share.pk}",
    )
    return render(
        request,
        "workforce/passport/shared_detail.html",
        {
            "share": share,
            "checks": passport_evaluate(
                person=share.person, organisation=share.organisation, job_role=share.job_role, on_date=today
            ),
            "credentials": with_status_on(reusable_credentials(person=share.person), day=today),
            "today": today,
            "breadcrumbs": [
                ("Home", "/"),
                HOME,
                ("Passports shared with you", reverse("workforce:passport_relied_on")),
                (share.person.full_name, ""),
            ],
        },
    )
