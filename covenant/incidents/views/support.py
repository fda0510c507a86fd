"""Support on a case: offering it, recording what became of it (`SUPPORT_MOVES`) and its check-ins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required

from ..forms.cases import CheckInForm, SupportOfferForm, SupportUpdateForm
from ..models import SupportCheckIn
from ..selectors.cases import case_get_for_handler, case_record_get
from ..services.support import (
    SUPPORT_MOVES,
    support_check_in_complete,
    support_offer_create,
    support_offer_update,
)
from .form_pages import case_form_view, posted


@login_required
def support_add(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    return case_form_view(
        request,
        report,
        SupportOfferForm(posted(request)),
        heading="Offer support",
        submit_label="Record the offer",
        on_valid=lambda d: support_offer_create(
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
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    offer = case_record_get(user=request.user, records=report.support_offers, pk=offer_pk, request=request)
    return case_form_view(
        request,
        report,
        SupportUpdateForm(posted(request), moves=SUPPORT_MOVES),
        heading=f"Update support for {offer.staff_member}",
        submit_label="Save",
        intro=f"Currently: {offer.get_state_display()}. Accepting schedules check-ins at 3 days, 1 week and 4 weeks.",
        on_valid=lambda d: support_offer_update(
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
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    check_in = case_record_get(
        user=request.user,
        records=SupportCheckIn.objects.filter(offer__report=report),
        pk=check_in_pk,
        request=request,
    )
    return case_form_view(
        request,
        report,
        CheckInForm(posted(request)),
        heading=f"Record the check-in due {check_in.due_on:%-d %B %Y}",
        submit_label="Record the check-in",
        on_valid=lambda d: support_check_in_complete(
            check_in=check_in, actor=request.user, note=d["note"], request=request
        ),
    )
