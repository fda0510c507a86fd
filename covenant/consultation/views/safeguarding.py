"""The safeguarding lead's screens: the referrals, and one referral to note and decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cms.audit import audit
from cms.forms import apply_service_errors

from .. import detection, safeguarding
from ..forms import SafeguardingDecisionForm, SafeguardingNoteForm
from .staff import bad_request


@login_required
def safeguarding_queue(request):
    status = request.GET.get("status", "open")
    referrals = safeguarding.referral_queue(user=request.user, status=status)
    audit(
        action="consultation.safeguarding_queue_viewed",
        request=request,
        summary="Viewed the safeguarding referrals",
        detail={"status": status},
    )
    context = {
        "referrals": referrals[:500],
        "status": status,
        "now": timezone.now(),
        "breadcrumbs": [("Safeguarding referrals", "")],
    }
    return render(request, "consultation/staff/safeguarding_queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def safeguarding_referral(request, pk: int):
    referral = safeguarding.referral_for_lead(user=request.user, pk=pk)
    note_form, decision_form, status = SafeguardingNoteForm(), SafeguardingDecisionForm(), 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "note":
            note_form = SafeguardingNoteForm(request.POST)
            if note_form.is_valid():
                try:
                    safeguarding.referral_note_add(
                        referral=referral,
                        lead=request.user,
                        text=note_form.cleaned_data["text"],
                        request=request,
                    )
                except ValidationError as exc:
                    apply_service_errors(note_form, exc)
                else:
                    messages.success(request, "Note added.")
                    return redirect("consultation:safeguarding_referral", pk=referral.pk)
        elif action == "decide":
            decision_form = SafeguardingDecisionForm(request.POST)
            if decision_form.is_valid():
                try:
                    safeguarding.referral_decide(
                        referral=referral,
                        lead=request.user,
                        decision=decision_form.cleaned_data["decision"],
                        reason=decision_form.cleaned_data["reason"],
                        request=request,
                    )
                except ValidationError as exc:
                    apply_service_errors(decision_form, exc)
                else:
                    messages.success(
                        request, f"{referral.reference} decided. The response can now be moderated."
                    )
                    return redirect("consultation:safeguarding_queue")
        else:
            return bad_request(request, "Unknown action")
        status = 400
    audit(
        action="consultation.safeguarding_referral_viewed",
        request=request,
        obj=referral,
        summary=f"Viewed {referral.reference}",
        detail={"response": referral.response_id},
    )
    response = referral.response
    answers = [
        {
            "answer": answer,
            "pieces": detection.highlight(answer.text, detection.find_safeguarding(answer.text)),
        }
        for answer in response.answers.select_related("question").exclude(text="")
    ]
    context = {
        "referral": referral,
        "response": response,
        "answers": answers,
        "notes": referral.notes.select_related("author"),
        "note_form": note_form,
        "decision_form": decision_form,
        "breadcrumbs": [
            ("Safeguarding referrals", reverse("consultation:safeguarding_queue")),
            (referral.reference, ""),
        ],
    }
    return render(request, "consultation/staff/safeguarding_referral.html", context, status=status)
