"""Reading a saved draft back by the token in its resume link."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..models.drafts import SavedDraft, token_hash

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def draft_progress(*, consultation: ConsultationPage, token: str) -> dict[str, Any] | None:
    """The progress saved under `token` for this consultation, or None for a token that opens nothing here
    (mistyped, made up, used for a response already sent, or another consultation's)."""
    if not TOKEN_SHAPE.match(token or ""):
        return None
    draft = SavedDraft.objects.filter(consultation_id=consultation.pk, token_hash=token_hash(token)).first()
    if draft is None:
        return None
    try:
        progress = json.loads(draft.progress)
    except ValueError:
        return None
    return progress if isinstance(progress, dict) else None
