"""Responses received by e-mail or post: a moderator transcribes one through the online form's own classes."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cms.forms import apply_service_errors

from ..forms import OfflineResponseForm, QuestionsForm, StaffAboutYouForm
from ..selectors.consultations import consultation_for_entry
from ..selectors.questions import questions_for
from ..services.submission import received_on_errors, response_enter_offline
from ..vocabulary import Lifecycle


@login_required
@require_http_methods(["GET", "POST"])
def response_add(request, pk: int):
    """A moderator transcribes a response received by e-mail or post, through the online form's own classes."""
    consultation = consultation_for_entry(user=request.user, pk=pk)
    questions = questions_for(consultation=consultation)
    concluded = consultation.status == Lifecycle.CONCLUDED
    status = 200
    if request.method == "POST" and not concluded:
        entry_form = OfflineResponseForm(request.POST)
        about_form = StaffAboutYouForm(request.POST)
        questions_form = QuestionsForm(request.POST, questions=questions)
        valid = [entry_form.is_valid(), about_form.is_valid(), questions_form.is_valid()]
        if entry_form.is_valid():
            problem = received_on_errors(
                consultation=consultation, received_on=entry_form.cleaned_data["received_on"]
            )
            if problem:
                entry_form.add_error("received_on", problem)
        forged = [key for key in request.POST if key.startswith("q-") and key not in questions_form.fields]
        if forged:
            entry_form.add_error(
                None,
                "The form included a question that is not part of this consultation. "
                "Check the answers below and save again.",
            )
        if all(valid) and entry_form.is_valid():
            try:
                response, created = response_enter_offline(
                    consultation=consultation,
                    channel=entry_form.cleaned_data["channel"],
                    received_on=entry_form.cleaned_data["received_on"],
                    about=about_form.about(),
                    answers=questions_form.answers(),
                    idempotency_key=entry_form.cleaned_data["token"],
                    entered_by=request.user,
                    request=request,
                )
            except ValidationError as exc:
                apply_service_errors(entry_form, exc)
            else:
                if created:
                    messages.success(
                        request,
                        f"Response {response.reference} saved. It is waiting for moderation like any other.",
                    )
                else:
                    messages.info(request, f"This response was already saved as {response.reference}.")
                return redirect("consultation:moderate", pk=response.pk)
        status = 400
    else:
        if request.method == "POST":
            status = 409
        entry_form = OfflineResponseForm(initial={"token": uuid.uuid4()})
        about_form = StaffAboutYouForm()
        questions_form = QuestionsForm(questions=questions)
    context = {
        "consultation": consultation,
        "concluded": concluded,
        "entry_form": entry_form,
        "about_form": about_form,
        "questions_form": questions_form,
        "closes_on": timezone.localdate(consultation.closes_at),
        "breadcrumbs": [
            ("Moderation", reverse("consultation:moderation_queue")),
            (consultation.title, ""),
        ],
    }
    return render(request, "consultation/staff/response_add.html", context, status=status)
