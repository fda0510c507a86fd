"""Saving a response part-way, so that the respondent can come back to it later with a link.

The token in the link is made here and returned once; the row keeps its SHA-256 (`models.drafts.token_hash`) and
the answers so far, encrypted. No account, client address or browser is recorded, so a draft stays unlinkable to
whoever saved it, signed in or not. A draft is deleted when its response is sent and, once its consultation
closes, by `drafts_purge_closed` (`manage.py consultation_purge_drafts`). Nothing is audited: the respondent's own
unsent answers are not an action on a record."""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models.drafts import SavedDraft, token_hash

if TYPE_CHECKING:
    import datetime

    from ..models.pages import ConsultationPage
    from ..selectors.live import ConsultationSnapshot

# What a draft keeps of the journey's progress (cms/multistep.py): the submission key, when it was started, the
# answers as typed, keyed by step, and the page it was saved on. The receipt address is never among them: the
# journey takes it out of the answers before saving (views/journey.py).
DRAFT_KEYS = ("token", "started", "answers", "at")


def _same_response(draft: SavedDraft, progress: dict[str, Any]) -> bool:
    """Whether the draft holds this response in progress (the journey's submission token), not another one the
    same browser started afresh since."""
    try:
        saved = json.loads(draft.progress)
    except ValueError:
        return False
    return isinstance(saved, dict) and saved.get("token") == progress.get("token")


@transaction.atomic
def draft_save(
    *, consultation: ConsultationPage | ConsultationSnapshot, progress: dict[str, Any], token: str = ""
) -> str:
    """Keep the answers so far; returns the resume token. Saving again with the token of this response's draft
    replaces its answers and keeps its link. A token with no draft yet (the journey draws it when it shows the save
    page, sealed in its payload: never one a visitor chose) makes the draft under that token; otherwise (no
    token, or the draft of another response) a new draft and token are made.

    Raises ValidationError (code "closed") when the consultation is not open."""
    if not consultation.is_open:
        raise ValidationError("This consultation is not open for responses", code="closed")
    payload = json.dumps({key: progress.get(key) for key in DRAFT_KEYS})
    if token:
        draft = (
            SavedDraft.objects.select_for_update()
            .filter(consultation_id=consultation.pk, token_hash=token_hash(token))
            .first()
        )
        if draft is not None and _same_response(draft, progress):
            draft.progress = payload
            draft.save(update_fields=["progress"])
            return token
        if draft is None:
            SavedDraft.objects.create(
                consultation_id=consultation.pk, token_hash=token_hash(token), progress=payload
            )
            return token
    token = secrets.token_urlsafe(32)
    SavedDraft.objects.create(consultation_id=consultation.pk, token_hash=token_hash(token), progress=payload)
    return token


def draft_forget(*, consultation_id: int, token: str) -> int:
    """Delete the draft behind `token` in one statement: its response has been sent. The token comes from the
    journey's own sealed progress (the draft it was resumed from or saved to), so it is always this response's."""
    deleted, _ = SavedDraft.objects.filter(
        consultation_id=consultation_id, token_hash=token_hash(token)
    ).delete()
    return deleted


def drafts_of_ended(moment: datetime.datetime) -> QuerySet[SavedDraft]:
    """The drafts of every consultation that had closed or concluded by `moment` (the records schedule's kind
    "consultation.drafts" counts its period from there: covenant/consultation/retention.py)."""
    ended = Q(consultation__closes_at__lte=moment) | (
        Q(consultation__outcome_published_at__lte=timezone.localdate(moment))
        & ~Q(consultation__outcome_summary="")
    )
    return SavedDraft.objects.filter(ended)


def drafts_purge_closed(*, now: datetime.datetime | None = None) -> int:
    """Delete every draft of a consultation that has closed or concluded. Returns how many went."""
    deleted, _ = drafts_of_ended(now or timezone.now()).delete()
    return deleted
