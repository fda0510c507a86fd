"""The response journey on the site's one multi-step mechanism (cms/multistep.py): "About you", one page per
section of questions, "Check your answers" with a change button per answer, then send.

Progress travels sealed in the page (no session, no cookie, no cache entry, no row until it is sent); the journey is
served at plain URLs (urls.py, views/public.py) and reads the consultation from its cached snapshot
(selectors/live.py), so a step of an anonymous visitor makes no SQL statement at all. Sending makes one
(services/sending.py), and the confirmation is the response to that POST: a repeat with the same payload finds the
response by its submission key and shows the same reference.

Kept from the earlier journey: the honeypot field, the minimum time from the first page to sending, the sending
rate limit per client address, the closed and forthcoming pages, "Save and come back later" (views/drafts.py), the
receipt or copy of the answers by e-mail (the address travels sealed in the payload, then to the task through
receipts.py, never in the database).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_ratelimit.core import is_ratelimited

from cms import multistep, pageshell
from cms.audit import client_ip
from cms.counters import address_bucket

from .. import receipts
from ..encryption import KEYS
from ..forms import AboutYouForm, QuestionsForm, SendForm
from ..selectors.live import ConsultationSnapshot, fragment_key
from ..services.sending import Sent, response_send, response_sent
from ..throttles import email_refused
from ..vocabulary import PublishConsent, QuestionKind, RespondentType
from . import drafts
from .routes import not_open, page_context, render_page

FRAGMENT_SECONDS = 60 * 60 * 24
HONEYPOT_FIELD = "website"
ABOUT = drafts.ABOUT
SEND = "send"
EMAIL = drafts.EMAIL


def _min_seconds() -> int:
    return int(getattr(settings, "CONSULTATION_MIN_SECONDS", 20))


def _submit_rate() -> str:
    return getattr(settings, "CONSULTATION_SUBMIT_RATE", "10/h")


def _client_key(group, request) -> str:
    # An IPv6 client counts with its /64, as the resume throttle does: else one subscriber rotates addresses.
    return address_bucket(client_ip(request))


section_step_name = drafts.section_step_name


def _last(raw: dict[str, list[str]], name: str) -> str:
    """The value a form's single-value field reads from a list of sent values: the last (as QueryDict.get)."""
    values = raw.get(name) or []
    return values[-1] if values else ""


class ResponseJourney(multistep.Journey):
    name = "consultation-response"
    keyring = KEYS
    sends_from_marks = (
        True  # done() reads the marked answers itself; the service checks them by its own rules
    )
    max_bytes = 160 * 1024  # twelve long answers of the largest size an editor may allow, compressed

    def __init__(self, request, page: ConsultationSnapshot):
        super().__init__(request)
        self.page = page
        # A payload is bound to its consultation: one sealed for another is refused, not answered with its
        # start time (which would skip the minimum time) and answers.
        self.name = f"consultation-response:{page.pk}"

    # --- the steps ---------------------------------------------------------------------------------------------
    def get_steps(self):
        steps = [multistep.Step(ABOUT, AboutYouForm, "About you")]
        for section in self.page.sections:
            steps.append(
                multistep.Step(
                    section_step_name(section),
                    QuestionsForm,
                    section[0].section or "Your views",
                    kwargs={"questions": list(section)},
                )
            )
        return steps

    def start_url(self) -> str:
        return reverse("consultation:respond", args=[self.page.pk])

    def action_url(self) -> str:
        return self.start_url()

    # --- refusals ----------------------------------------------------------------------------------------------
    def handle(self) -> HttpResponse:
        if self.request.method != "POST" and not self.page.is_open:
            return not_open(self.request, self.page)
        response = super().handle()
        response["Cache-Control"] = "no-store"
        return response

    def screen(self) -> HttpResponse | None:
        if self.request.POST.get(HONEYPOT_FIELD, "").strip():
            return self.rejected("We could not accept this form. Please try again.")
        if not self.page.is_open:
            sending = self.request.POST.get(multistep.ACTION) == SEND
            sent = (
                response_sent(consultation=self.page, idempotency_key=self.progress.token)
                if sending
                else None
            )
            return self.confirmed(sent) if sent else not_open(self.request, self.page)
        step = self.step(self.progress.at)
        if step is not None and self.request.POST.get(multistep.ACTION, "continue") == "continue":
            fields = (
                set(AboutYouForm.base_fields)
                if step.name == ABOUT
                else QuestionsForm.field_names(step.kwargs["questions"])
            )
            if any(key.startswith("q-") and key not in fields for key in self.request.POST):
                return self.rejected(
                    "The form included a question that is not part of this consultation. "
                    "Go back to the question page and try again."
                )
        return None

    def rejected(self, message: str) -> HttpResponse:
        return render_page(self.request, self.page, "respond_rejected.html", {"message": message}, status=400)

    def render_error(self, error: multistep.ProgressError) -> HttpResponse:
        response = super().render_error(error)
        response["Cache-Control"] = "no-store"
        return response

    # --- pages -------------------------------------------------------------------------------------------------
    def context(self, **extra) -> dict[str, Any]:
        at, total = self.position()
        return {"journey": self, "honeypot": HONEYPOT_FIELD, "step": at, "total_steps": total, **extra}

    def render_step(self, step: multistep.Step, form, *, status: int = 200) -> HttpResponse:
        if step.name == ABOUT:
            template = "respond_about_you.html"
            context = self.context(form=form, first=True)
        else:
            questions = step.kwargs["questions"]
            template = "respond_questions.html"
            context = self.context(form=form, section=questions, section_heading=questions[0].section)
        if form.is_bound or status != 200:  # the person's answers or errors: rendered for them
            return render_page(self.request, self.page, template, context, status=status)
        # A page nobody has answered yet is the same for everyone who reaches it: kept per publication and filled
        # with the person's payload (cms/pageshell.py).
        response = self.render_shared(
            f"consultation/{template}",
            {**page_context(self.page), **context},
            shared=(fragment_key(self.page, "page"),),
        )
        response["Cache-Control"] = "no-store"
        return response

    def stamp(self, step: multistep.Step) -> str:
        # Each step's form depends on the publication alone (its questions), never on other answers. The digest of
        # the revision, the questions and the forms' rules in code is the same in every server process running
        # this code (selectors/live.py `rules_of`), so a page answered on one is marked on the next whatever cache
        # they share.
        return self.page.rules

    def trusted(self) -> bool:
        """Whether every asked step's answers passed its form on their page, under this publication."""
        return all(self.marked(step) for step in self.asked_steps())

    def about(self) -> dict[str, str]:
        cleaned = self.cleaned(self.step(ABOUT)) or {}
        return {key: str(value or "") for key, value in cleaned.items()}

    def about_as_checked(self) -> dict[str, str]:
        """`about()` read from the answers as sent, which the form accepted on their page (`trusted()`): each a
        stripped string, as the form cleans them."""
        raw = self.progress.answers.get(ABOUT, {})
        return {name: _last(raw, name).strip() for name in AboutYouForm.base_fields}

    def answers_as_checked(self) -> dict[str, dict]:
        """`answers_to_send()` read from the answers as sent, which each section's form accepted on its page
        (`trusted()`), as `QuestionsForm.answers` reads them; the service checks them again by its own rules."""
        answers: dict[str, dict] = {}
        for section in self.page.sections:
            raw = self.progress.answers.get(section_step_name(section)) or {}
            for question in section:
                name = question.field_name
                if question.kind == QuestionKind.FREE_TEXT:
                    answers[str(question.uuid)] = {"selected": [], "text": _last(raw, name).strip()}
                    continue
                if question.kind == QuestionKind.MULTIPLE_CHOICE:
                    selected = list(raw.get(name) or [])
                else:
                    selected = [_last(raw, name)] if _last(raw, name) else []
                answers[str(question.uuid)] = {
                    "selected": selected,
                    "text": _last(raw, f"{name}-why").strip(),
                }
        return answers

    def answers_to_send(self) -> dict[str, dict]:
        answers: dict[str, dict] = {}
        for step in self.asked_steps():
            if step.name == ABOUT or step.name not in self.progress.answers:
                continue
            form = self.checked_form(step)
            if form.is_valid():
                answers.update(form.answers())
        return answers

    def check_rows(self, answers: dict[str, dict] | None = None) -> list[dict]:
        answers = self.answers_to_send() if answers is None else answers
        rows = []
        for section in self.page.sections:
            for question in section:
                answer = answers.get(str(question.uuid)) or {}
                rows.append(
                    {
                        "question": question,
                        "selected": answer.get("selected") or [],
                        "text": answer.get("text", ""),
                        "step": section_step_name(section),
                    }
                )
        return rows

    def render_check(self, *, status: int = 200, error: str = "", form=None) -> HttpResponse:
        trusted = self.trusted()
        about = self.about_as_checked() if trusted else self.about()
        email = about.get(EMAIL, "")
        answers = {
            "about": about,
            "respondent_type_label": RespondentType(about["respondent_type"]).label,
            "consent_label": PublishConsent(about["publish_consent"]).label,
            "email": email,
            "rows": self.check_rows(self.answers_as_checked() if trusted else None),
        }
        if form is not None or error or status != 200:  # an error to show: the whole page for the person
            context = self.context(
                **answers, form=form or SendForm(initial={"copy_email": email}), error=error
            )
            return render_page(self.request, self.page, "respond_check.html", context, status=status)
        # The person's answers and the send form's fields are rendered for them; the rest is kept per publication
        # and filled in (cms/pageshell.py).
        check_answers = render_to_string("consultation/includes/check_answers.html", answers)
        response = self.render_shared(
            "consultation/respond_check.html",
            {**page_context(self.page), **self.context(form=SendForm(), error="")},
            shared=(fragment_key(self.page, "check"),),
            fills={"check_answers": mark_safe(check_answers), "send_fields": self.send_fields(email)},  # noqa: S308  # nosec B308, B703  # rendered by our templates, escaped there
        )
        response["Cache-Control"] = "no-store"
        return response

    def send_fields(self, email: str):
        """The send form's fields (a copy of the answers by e-mail), for a person who gave `email`: the same for
        everyone who gave none, so that case is kept per publication."""
        form = SendForm(initial={"copy_email": email})
        if email:
            return mark_safe(str(form["copy"].as_field_group()) + str(form["copy_email"].as_field_group()))  # noqa: S308  # nosec B308, B703  # Django's escaped field rendering
        key = fragment_key(self.page, "send-fields")
        html = cache.get(key)
        if html is None:
            html = str(form["copy"].as_field_group()) + str(form["copy_email"].as_field_group())
            cache.set(key, html, FRAGMENT_SECONDS)
        return mark_safe(html)  # noqa: S308  # nosec B308, B703  # Django's escaped field rendering

    def confirmed(self, sent: Sent) -> HttpResponse:
        # The same page for everyone but the reference: kept per publication and filled (cms/pageshell.py).
        response = pageshell.render_shared(
            self.request,
            "consultation/respond_confirmation.html",
            page_context(self.page),
            key=(fragment_key(self.page, "confirmation"),),
            fills={"reference": sent.reference},
        )
        response["Cache-Control"] = "no-store"
        return response

    # --- sending -----------------------------------------------------------------------------------------------
    def done(self, cleaned) -> HttpResponse:
        form = SendForm({**self.request.POST.dict(), "token": self.progress.token})
        if not form.is_valid():
            return self.render_check(form=form, status=400)
        if time.time() - self.progress.started < _min_seconds():
            error = "You completed the form very quickly. Check your answers, then send your response."
            return self.render_check(error=error, form=form, status=400)
        limited = is_ratelimited(
            self.request, group="consultation-submit", key=_client_key, rate=_submit_rate(), increment=True
        )
        if limited:
            # Past the limit, a repeat of a response already sent still gets its confirmation.
            sent = response_sent(consultation=self.page, idempotency_key=self.progress.token)
            if sent is not None:
                return self.confirmed(sent)
            return render_page(self.request, self.page, "respond_rate_limited.html", {}, status=429)
        # Answers the forms accepted on their own pages under this publication are not put through the forms
        # again (cms/multistep.py `stamp`); the service checks every answer by its own rules either way.
        trusted = self.trusted()
        about = self.about_as_checked() if trusted else self.about()
        copy = bool(form.cleaned_data.get("copy"))
        # One address, one e-mail: the receipt, with the answers when a copy was asked for (to the address then).
        address = form.cleaned_data["copy_email"] if copy else about.get(EMAIL, "")
        # The copy carries the sender's own words to an address they typed: limited per client and per address.
        if copy and email_refused(self.request, purpose="copy", email=address):
            form.add_error(
                "copy_email",
                "Too many copies have been sent from here or to this address. Send your response without a "
                "copy, or try again in an hour",
            )
            return self.render_check(form=form, status=429)
        # The task gets a reference to the address held sealed in the cache, never the address itself.
        receipt_ref = receipts.hold(address, copy=copy) if address else ""
        try:
            sent = response_send(
                consultation=self.page,
                about={key: value for key, value in about.items() if key != EMAIL},
                answers=self.answers_as_checked() if trusted else self.answers_to_send(),
                idempotency_key=self.progress.token,
                receipt_ref=receipt_ref,
                draft_token=str(self.progress.extra.get("draft") or ""),
            )
        except ValidationError as exc:
            if receipt_ref:
                receipts.discard(receipt_ref)
            if exc.code == "closed":
                return not_open(self.request, self.page)
            return self.render_check(error=" ".join(exc.messages), status=400)
        if receipt_ref and not sent.created:
            receipts.discard(receipt_ref)
        return self.confirmed(sent)

    def other_action(self, action: str) -> HttpResponse | None:
        # "Save and come back later" and its page (views/drafts.py); "return" leaves that page for the journey.
        if action == "return":
            return self.show(self.progress.at)
        return drafts.saving(self, action)
