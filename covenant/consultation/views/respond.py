"""The responding journey: routes of the `ConsultationPage` (start, about you, the questions, check your answers,
confirmation), and the "Send response" POST that `views.public.send_response` also serves at a plain URL.

Each function takes the request and the page. Progress through the form is kept in the session, keyed by page,
until the response is submitted; the optional receipt address is kept out of the session and the database
(receipts.py). Every step has a "Save and come back later" button (views/drafts.py); the token of a saved draft
lives in a sealed cookie of its own, never in the session, so that a signed-in session is not tied to the draft.
This module must not import the page module (models/pages.py imports it for its routes).
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django_ratelimit.core import is_ratelimited

from cms.audit import client_ip

from .. import encryption, receipts
from ..forms import AboutYouForm, QuestionsForm, SendForm
from ..models.responses import ConsultationResponse
from ..selectors.questions import question_sections, questions_for
from ..services.drafts import draft_discard
from ..services.submission import response_submit
from ..tasks import send_response_receipt
from ..vocabulary import Lifecycle, PublishConsent, RespondentType
from .routes import render_route

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage

HONEYPOT_FIELD = "website"
SAVE_ACTION = "save"  # the value of the "Save and come back later" button on every step
DRAFT_COOKIE_AGE = 24 * 60 * 60  # the browser forgets which draft it is working on after a day
ABOUT_FIELDS = (
    "respondent_type",
    "organisation_name",
    "region",
    "publish_consent",
    "respondent_name",
)


def _min_seconds() -> int:
    return int(getattr(settings, "CONSULTATION_MIN_SECONDS", 20))


def _submit_rate() -> str:
    return getattr(settings, "CONSULTATION_SUBMIT_RATE", "10/h")


def _client_key(group, request) -> str:
    return client_ip(request) or "unknown"


def _key(page) -> str:
    return f"consultation-response-{page.pk}"


def _done_key(page) -> str:
    return f"consultation-done-{page.pk}"


def _progress(request, page) -> dict | None:
    return request.session.get(_key(page))


def _save_progress(request, page, progress: dict) -> None:
    request.session[_key(page)] = progress
    request.session.modified = True


def _saving(request) -> bool:
    return request.POST.get("action") == SAVE_ACTION


def draft_cookie_name(page) -> str:
    return f"consultation-draft-{page.pk}"


def draft_token_from_cookie(request, page) -> str:
    """The token of the saved draft this browser is working on, or ""."""
    sealed = request.COOKIES.get(draft_cookie_name(page), "")
    return (encryption.unseal(sealed, max_age=DRAFT_COOKIE_AGE) or "") if sealed else ""


def remember_draft(response, page, token: str) -> None:
    response.set_cookie(
        draft_cookie_name(page),
        encryption.seal(token),
        max_age=DRAFT_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _url(page, name: str, **kwargs) -> str:
    return page.url + page.reverse_subpage(name, kwargs=kwargs or None)


def _rejected(request, page, message: str, status: int = 400):
    return render_route(request, page, "respond_rejected.html", {"message": message}, status=status)


def _not_open(request, page):
    if page.status == Lifecycle.FORTHCOMING:
        return render_route(request, page, "respond_not_open.html", {}, status=403)
    return render_route(request, page, "respond_not_open.html", {}, status=410)


def _honeypot_filled(request) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())


def _steps(page):
    questions = questions_for(consultation=page)
    return questions, question_sections(questions)


def _step_context(page, step: int, total: int) -> dict:
    return {"step": step, "total_steps": total + 2}


def respond_start(request, page: ConsultationPage):
    if not page.is_open:
        return _not_open(request, page)
    if _progress(request, page) is None:
        _save_progress(
            request,
            page,
            {"token": str(uuid.uuid4()), "started": time.time(), "about": None, "answers": {}},
        )
    return HttpResponseRedirect(_url(page, "about_you"))


def about_you(request, page: ConsultationPage):
    if not page.is_open:
        return _not_open(request, page)
    progress = _progress(request, page)
    if progress is None:
        return HttpResponseRedirect(_url(page, "respond_start"))
    _, sections = _steps(page)
    if request.method == "POST":
        if _honeypot_filled(request):
            return _rejected(request, page, "We could not accept this form. Please try again.")
        form = AboutYouForm(request.POST, lenient=_saving(request))
        if form.is_valid():
            data = form.cleaned_data
            about = {key: data.get(key) or "" for key in ABOUT_FIELDS}
            if _saving(request) and not AboutYouForm(request.POST).is_valid():
                # Not complete yet: keep what was typed for the form, not as the answers to send.
                progress["about_typed"] = about
            else:
                progress["about"] = about
                progress.pop("about_typed", None)
            if _saving(request):
                progress["resume_at"] = "about_you"
                redirect = HttpResponseRedirect(_url(page, "save_for_later"))
            elif request.GET.get("change") or not sections:
                redirect = HttpResponseRedirect(_url(page, "check"))
            else:
                redirect = HttpResponseRedirect(_url(page, "questions", step=1))
            _save_progress(request, page, progress)
            receipts.remember_in_cookie(redirect, page, data.get("email") or "")
            return redirect
        status = 400
    else:
        initial = dict(progress.get("about_typed") or progress.get("about") or {})
        initial["email"] = receipts.address_from_cookie(request, page)
        form = AboutYouForm(initial=initial)
        status = 200
    context = {"form": form, "honeypot": HONEYPOT_FIELD, **_step_context(page, 1, len(sections))}
    return render_route(request, page, "respond_about_you.html", context, status=status)


def questions(request, page: ConsultationPage, step: int):
    if not page.is_open:
        return _not_open(request, page)
    progress = _progress(request, page)
    if progress is None:
        return HttpResponseRedirect(_url(page, "respond_start"))
    if not progress.get("about"):
        return HttpResponseRedirect(_url(page, "about_you"))
    _, sections = _steps(page)
    if not 1 <= step <= len(sections):
        raise Http404("No such step")
    section = sections[step - 1]
    if request.method == "POST":
        if _honeypot_filled(request):
            return _rejected(request, page, "We could not accept this form. Please try again.")
        form = QuestionsForm(request.POST, questions=section, lenient=_saving(request))
        forged = [key for key in request.POST if key.startswith("q-") and key not in form.fields]
        if forged:
            return _rejected(
                request,
                page,
                "The form included a question that is not part of this consultation. "
                "Go back to the question page and try again.",
            )
        if form.is_valid():
            progress["answers"].update(form.answers())
            if _saving(request):
                progress["resume_at"] = f"questions:{step}"
                _save_progress(request, page, progress)
                return HttpResponseRedirect(_url(page, "save_for_later"))
            _save_progress(request, page, progress)
            if request.GET.get("change") or step == len(sections):
                return HttpResponseRedirect(_url(page, "check"))
            return HttpResponseRedirect(_url(page, "questions", step=step + 1))
        status = 400
    else:
        form = QuestionsForm(
            initial=QuestionsForm.initial_from(section, progress["answers"]), questions=section
        )
        status = 200
    previous = _url(page, "about_you") if step == 1 else _url(page, "questions", step=step - 1)
    context = {
        "form": form,
        "section": section,
        "section_heading": section[0].section,
        "back_url": previous,
        "honeypot": HONEYPOT_FIELD,
        **_step_context(page, step + 1, len(sections)),
    }
    return render_route(request, page, "respond_questions.html", context, status=status)


def _check_rows(page, progress, questions, sections):
    step_of = {}
    for number, section in enumerate(sections, start=1):
        for question in section:
            step_of[question.pk] = number
    rows = []
    for question in questions:
        answer = progress["answers"].get(str(question.uuid)) or {}
        rows.append(
            {
                "question": question,
                "selected": answer.get("selected") or [],
                "text": answer.get("text", ""),
                "change_url": _url(page, "questions", step=step_of[question.pk]) + "?change=1",
            }
        )
    return rows


def check(request, page: ConsultationPage):
    if not page.is_open and request.method != "POST":
        return _not_open(request, page)
    progress = _progress(request, page)
    if request.method == "POST":
        return _submit(request, page, progress)
    if progress is None:
        return HttpResponseRedirect(_url(page, "respond_start"))
    if not progress.get("about"):
        return HttpResponseRedirect(_url(page, "about_you"))
    return _check_page(request, page, progress)


def _check_page(request, page, progress, *, error: str = "", status: int = 200, form=None):
    questions_list, sections = _steps(page)
    about = progress["about"]
    email = receipts.address_from_cookie(request, page)
    context = {
        "about": about,
        "respondent_type_label": RespondentType(about["respondent_type"]).label,
        "consent_label": PublishConsent(about["publish_consent"]).label,
        "email": email,
        "rows": _check_rows(page, progress, questions_list, sections),
        "form": form or SendForm(initial={"token": progress["token"], "copy_email": email}),
        "save_url": _url(page, "save_for_later") + "?from=check",
        "send_url": reverse("consultation:send", args=[page.pk]),
        "error": error,
        "honeypot": HONEYPOT_FIELD,
        "about_url": _url(page, "about_you") + "?change=1",
        "back_url": _url(page, "questions", step=len(sections)) if sections else _url(page, "about_you"),
        **_step_context(page, len(sections) + 2, len(sections)),
    }
    return render_route(request, page, "respond_check.html", context, status=status)


def send(request, page: ConsultationPage):
    """The "Send response" POST. Served at a plain URL (consultation:send) as well as the page route, so the
    busiest request of a consultation skips Wagtail's page routing."""
    return _submit(request, page, _progress(request, page))


def _submit(request, page, progress):
    form = SendForm(request.POST)
    form.is_valid()
    if "token" in form.errors:
        return _rejected(request, page, "This form has expired. Start your response again.")
    token = str(form.cleaned_data["token"])
    if progress is None or progress.get("token") != token or not progress.get("about"):
        # A repeated submission (double click, refresh, back button) finds the response the first one made.
        existing = ConsultationResponse.objects.filter(idempotency_key=token, consultation=page).first()
        if existing is not None:
            return _confirmed(request, page, existing)
        if not page.is_open:
            return _not_open(request, page)
        return _rejected(request, page, "This form has expired. Start your response again.")
    if form.errors:
        return _check_page(request, page, progress, form=form, status=400)
    if _honeypot_filled(request):
        return _rejected(request, page, "We could not accept this form. Please try again.")
    if time.time() - float(progress.get("started", 0)) < _min_seconds():
        return _check_page(
            request,
            page,
            progress,
            error="You completed the form very quickly. Check your answers, then send your response.",
            status=400,
        )
    if is_ratelimited(
        request, group="consultation-submit", key=_client_key, rate=_submit_rate(), increment=True
    ):
        return render_route(request, page, "respond_rate_limited.html", {}, status=429)
    try:
        # The service returns the existing response for a token it has already seen.
        response, created = response_submit(
            consultation=page,
            about=progress["about"],
            answers=progress["answers"],
            idempotency_key=token,
        )
    except ValidationError as exc:
        if exc.code == "closed":
            return _not_open(request, page)
        return _check_page(request, page, progress, error=" ".join(exc.messages), status=400)
    # One address, one e-mail: the receipt, with the answers when a copy was asked for (to the address given then).
    copy = bool(form.cleaned_data.get("copy"))
    email = form.cleaned_data["copy_email"] if copy else receipts.address_from_cookie(request, page)
    if created and email:
        # The task gets a reference to the address held encrypted in the cache, never the address itself.
        receipt_ref = receipts.hold(email, copy=copy)
        transaction.on_commit(
            lambda: send_response_receipt.enqueue(response_id=response.pk, receipt_ref=receipt_ref)
        )
    return _confirmed(request, page, response)


def _confirmed(request, page, response):
    request.session[_done_key(page)] = response.reference
    request.session.pop(_key(page), None)
    redirect = HttpResponseRedirect(_url(page, "confirmation"))
    receipts.forget_cookie(redirect, page)
    draft_token = draft_token_from_cookie(request, page)
    if draft_token:
        # Sent: the saved draft of this response has done its job, and its link now opens nothing.
        draft_discard(consultation=page, token=draft_token, submission_token=str(response.idempotency_key))
        redirect.delete_cookie(draft_cookie_name(page), samesite="Lax")
    return redirect


def confirmation(request, page: ConsultationPage):
    reference = request.session.get(_done_key(page))
    if not reference:
        return HttpResponseRedirect(page.url)
    return render_route(request, page, "respond_confirmation.html", {"reference": reference})
