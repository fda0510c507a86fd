""" "Save and come back later": routes of the `ConsultationPage` that save the answers so far as a draft and open it
again from its link.

Saving keeps the session's progress as a draft (services/drafts.py), shows the link once and, if the respondent
gives an address, e-mails it by a task that gets the address and link sealed in the cache (receipts.py); the
session's progress is then cleared, so a shared computer does not keep the answers. The link restores the answers
in any browser and continues at the page where they were saved. The draft's token lives in the browser's own
sealed cookie (respond.py), never in the session, so that the draft cannot be tied to a signed-in account. This
module must not import the page module (models/pages.py imports it for its routes).
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect

from .. import receipts
from ..forms import SaveForLaterForm
from ..selectors.drafts import draft_progress
from ..services.drafts import draft_save
from ..tasks import send_resume_link
from ..throttles import resume_attempt
from ..vocabulary import Lifecycle
from .respond import (
    _key,
    _not_open,
    _progress,
    _save_progress,
    _steps,
    _url,
    draft_token_from_cookie,
    remember_draft,
)
from .routes import render_route

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage


def _no_store(response):
    # The page carries a link that opens the answers: no cache, shared or private, may keep it.
    response["Cache-Control"] = "no-store"
    return response


def save_for_later(request, page: ConsultationPage):
    if not page.is_open:
        return _not_open(request, page)
    progress = _progress(request, page)
    if progress is None:
        return HttpResponseRedirect(_url(page, "respond_start"))
    if request.method != "POST":
        if request.GET.get("from") == "check" and progress.get("about"):
            progress["resume_at"] = "check"
            _save_progress(request, page, progress)
        context = {"form": SaveForLaterForm(), "back_url": _resume_url(page, progress)}
        return render_route(request, page, "respond_save.html", context)
    form = SaveForLaterForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "back_url": _resume_url(page, progress)}
        return render_route(request, page, "respond_save.html", context, status=400)
    try:
        token = draft_save(consultation=page, progress=progress, token=draft_token_from_cookie(request, page))
    except ValidationError:
        return _not_open(request, page)
    link = request.build_absolute_uri(_url(page, "resume", token=token))
    email = form.cleaned_data["email"]
    if email:
        # The task gets a reference to the address and the link, held sealed in the cache; never either of them.
        receipt_ref = receipts.hold(email, link=link)
        transaction.on_commit(
            lambda: send_resume_link.enqueue(consultation_id=page.pk, receipt_ref=receipt_ref)
        )
    request.session.pop(_key(page), None)
    # Shown here, once: the link is not kept anywhere it could be shown again.
    response = render_route(request, page, "respond_saved.html", {"link": link, "emailed": bool(email)})
    remember_draft(response, page, token)
    return _no_store(response)


def _resume_url(page, progress: dict) -> str:
    """The page to carry on from: where the draft was saved, if it still exists in the form as it is now."""
    if not progress.get("about"):
        return _url(page, "about_you")
    where = str(progress.get("resume_at") or "")
    _, sections = _steps(page)
    if where.startswith("questions:"):
        try:
            step = int(where.partition(":")[2])
        except ValueError:
            step = 0
        if 1 <= step <= len(sections):
            return _url(page, "questions", step=step)
    elif where == "about_you":
        return _url(page, "about_you")
    return _url(page, "check") if sections or where == "check" else _url(page, "about_you")


def _restored(page, saved: dict) -> dict:
    """The saved progress made safe to continue with: answers only to the questions the form asks now (an
    editor may have retired one since), and a fresh submission token if the saved one is unreadable."""
    questions, _ = _steps(page)
    current = {str(question.uuid) for question in questions}
    answers = saved.get("answers") if isinstance(saved.get("answers"), dict) else {}
    try:
        token = str(uuid.UUID(str(saved.get("token"))))
    except ValueError:
        token = str(uuid.uuid4())
    try:
        started = float(saved.get("started") or 0)
    except (TypeError, ValueError):
        started = 0.0
    progress = {
        "token": token,
        "started": started or time.time(),
        "about": saved.get("about") if isinstance(saved.get("about"), dict) else None,
        "answers": {key: value for key, value in answers.items() if key in current},
        "resume_at": saved.get("resume_at") or "",
    }
    if isinstance(saved.get("about_typed"), dict):
        progress["about_typed"] = saved["about_typed"]
    return progress


def resume(request, page: ConsultationPage, token: str):
    if page.status == Lifecycle.FORTHCOMING:
        return _not_open(request, page)
    if not page.is_open:
        return render_route(request, page, "respond_resume_expired.html", {}, status=410)
    attempt = resume_attempt(request)
    if attempt.refused:
        return render_route(request, page, "respond_resume_throttled.html", {}, status=429)
    saved = draft_progress(consultation=page, token=token)
    if saved is None:
        return render_route(request, page, "respond_resume_unknown.html", {}, status=404)
    attempt.give_back()
    progress = _restored(page, saved)
    _save_progress(request, page, progress)
    response = HttpResponseRedirect(_resume_url(page, progress))
    remember_draft(response, page, token)
    return response
