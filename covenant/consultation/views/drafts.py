""" "Save and come back later" in the response journey (views/journey.py): save the answers so far as a draft, and
open it again from its link.

"Save and come back later" on any page keeps that page's answers as typed (nothing is required yet, but too long
or not one of the options is still refused beside the field) and shows the save page, which carries the payload
like any page. Saving writes the draft from the payload's answers (services/drafts.py), without the receipt
address, shows the link once and, if the respondent gives an address, e-mails it by a task that gets the address
and link sealed in the cache (receipts.py). The saved page carries no payload, so a shared computer keeps nothing.
The link opens a new payload built from the draft, at the page where it was saved, in any browser; the draft's
token travels in that payload (`extra["draft"]`), so saving again keeps one draft and one link, and sending the
response deletes it. Nothing is in a session or a cookie.
"""

from __future__ import annotations

import secrets
import time
import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from cms import multistep

from .. import receipts
from ..forms import SaveForLaterForm
from ..services.drafts import draft_save
from ..tasks import send_resume_link
from ..throttles import email_refused
from .routes import not_open, render_page

if TYPE_CHECKING:
    from .journey import ResponseJourney

ABOUT = "about"
EMAIL = "email"
SAVE = "save"  # the "Save and come back later" button
SAVE_CONFIRM = "save-confirm"  # the "Save my answers" button of the save page
DRAFT = "draft"  # the key of the draft's token in the payload's `extra`


def section_step_name(section) -> str:
    """A section's step is named after its first question's UUID, which outlives edits to the other pages."""
    return f"s-{section[0].uuid}"


def resume_url(page, token: str) -> str:
    return reverse("consultation:resume", args=[page.pk, token])


def _lenient_form(journey: ResponseJourney, step: multistep.Step):
    return step.form_class(journey.request.POST, lenient=True, **journey.form_kwargs(step))


def save_page(journey: ResponseJourney, form=None, *, status: int = 200):
    context = {"journey": journey, "form": form or SaveForLaterForm()}
    return render_page(journey.request, journey.page, "respond_save.html", context, status=status)


def saving(journey: ResponseJourney, action: str):
    """The journey's own actions: SAVE (keep this page's answers, show the save page) and SAVE_CONFIRM (save)."""
    if action == SAVE:
        step = journey.step(journey.progress.at)
        if step is not None:
            form = _lenient_form(journey, step)
            if not form.is_valid():
                return journey.render_step(step, form, status=400)
            # Kept without a mark: the lenient form did not check what the step's own form checks.
            journey.keep_answers(step, multistep.raw_answers(form, journey.request.POST))
        # The draft's token is drawn now and sealed in the save page's payload, so saving from that page again
        # (or replaying it) keeps one draft, not one per post.
        journey.progress.extra.setdefault(DRAFT, secrets.token_urlsafe(32))
        return save_page(journey)
    if action == SAVE_CONFIRM:
        return _save(journey)
    return None


def _save(journey: ResponseJourney):
    form = SaveForLaterForm(journey.request.POST)
    if not form.is_valid():
        return save_page(journey, form, status=400)
    # A save page replayed in a loop would make drafts, and e-mail links to any address, without end.
    if email_refused(journey.request, purpose="save", email=form.cleaned_data["email"]):
        form.add_error(
            "email" if form.cleaned_data["email"] else None,
            "Too many saves from here or links to this address. Try again in an hour",
        )
        return save_page(journey, form, status=429)
    progress = journey.progress
    answers = {step: dict(values) for step, values in progress.answers.items()}
    answers.get(ABOUT, {}).pop(EMAIL, None)  # the receipt address is never saved with the answers
    kept = {"token": progress.token, "started": progress.started, "answers": answers, "at": progress.at}
    try:
        token = draft_save(
            consultation=journey.page, progress=kept, token=str(progress.extra.get(DRAFT) or "")
        )
    except ValidationError:
        return not_open(journey.request, journey.page)
    link = journey.request.build_absolute_uri(resume_url(journey.page, token))
    email = form.cleaned_data["email"]
    if email:
        # The task gets a reference to the address and the link, held sealed in the cache; never either of them.
        receipt_ref = receipts.hold(email, link=link)
        page_id = journey.page.pk
        transaction.on_commit(
            lambda: send_resume_link.enqueue(consultation_id=page_id, receipt_ref=receipt_ref)
        )
    # Shown here, once, and with no payload: the link is not kept anywhere it could be shown again.
    context = {"link": link, "emailed": bool(email)}
    return render_page(journey.request, journey.page, "respond_saved.html", context)


# --- resuming ------------------------------------------------------------------------------------------------
def _float(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _from_earlier_release(journey: ResponseJourney, saved: dict[str, Any]) -> tuple[dict, str]:
    """(answers by step, page) from a draft saved by the session-based journey: "about" and "answers" by
    question UUID as {"selected": [...], "text": ...}, and "resume_at"."""
    raw: dict[str, dict[str, list[str]]] = {}
    about = saved.get("about") if isinstance(saved.get("about"), dict) else saved.get("about_typed")
    if isinstance(about, dict):
        raw[ABOUT] = {key: [str(value)] for key, value in about.items() if value}
    answers = saved.get("answers") if isinstance(saved.get("answers"), dict) else {}
    names = []
    for section in journey.page.sections:
        name = section_step_name(section)
        names.append(name)
        for question in section:
            answer = answers.get(str(question.uuid))
            if not isinstance(answer, dict):
                continue
            selected = [str(value) for value in answer.get("selected") or []]
            text = str(answer.get("text") or "")
            values = raw.setdefault(name, {})
            if question.kind == "free_text":
                values[question.field_name] = [text]
            else:
                values[question.field_name] = selected
                if text:
                    values[f"{question.field_name}-why"] = [text]
    where = str(saved.get("resume_at") or "")
    at = ABOUT
    if where.startswith("questions:") and where.partition(":")[2].isdigit():
        number = int(where.partition(":")[2])
        at = names[number - 1] if 1 <= number <= len(names) else multistep.CHECK
    elif where == "check":
        at = multistep.CHECK
    return raw, at


def resumed(journey: ResponseJourney, saved: dict[str, Any], token: str):
    """The journey continued from a draft: a new payload with its answers, at the page where it was saved. Only
    the fields the form asks now are kept (an editor may have retired a question since)."""
    if "resume_at" in saved or "about_typed" in saved or "about" in saved:
        stored, at = _from_earlier_release(journey, saved)
    else:
        stored = saved.get("answers") if isinstance(saved.get("answers"), dict) else {}
        at = str(saved.get("at") or ABOUT)
    answers = {}
    for step in journey.steps():
        values = stored.get(step.name)
        if isinstance(values, dict):
            data = MultiValueDict(
                {
                    key: [str(value) for value in items]
                    for key, items in values.items()
                    if isinstance(items, list)
                }
            )
            answers[step.name] = multistep.raw_answers(journey.form(step, {}), data)
    try:
        submission_key = uuid.UUID(str(saved.get("token"))).hex
    except ValueError:
        submission_key = uuid.uuid4().hex
    journey.progress = multistep.Progress(
        journey=journey.name,
        token=submission_key,
        started=_float(saved.get("started")) or time.time(),
        answers=answers,
        extra={DRAFT: token},
    )
    return journey.show(at)
