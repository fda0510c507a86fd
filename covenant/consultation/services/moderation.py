"""A moderator's decision on a response: approve it for publication, do not publish it, or mark it invalid."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.access import require_permission
from cms.audit import audit

from ..models.responses import ConsultationResponse
from ..roles import MODERATE_PERMISSION
from ..safeguarding import referral_detect, safeguarding_blockers
from ..selectors.moderation import publication_blockers
from ..vocabulary import ModerationState


def response_moderate(
    *, response: ConsultationResponse, moderator, decision: str, note: str = "", request=None
) -> ConsultationResponse:
    """Record a moderation decision. Approval is refused, with every reason, while `publication_blockers`
    finds anything (consent refused, a personal-data suggestion not yet redacted or dismissed, ...).

    Approval fails closed on safeguarding: the automatic check runs here, whether or not the background check
    (`response_check`) has run yet, and a possible disclosure opens a referral (in its own transaction, so it
    stays when the approval is refused) that blocks the approval until the safeguarding lead decides it."""
    require_permission(moderator, MODERATE_PERMISSION)
    if decision not in (ModerationState.APPROVED, ModerationState.REJECTED, ModerationState.INVALID):
        raise ValidationError("Choose approve, do not publish, or invalid")
    if decision == ModerationState.APPROVED:
        referral_detect(response=response, request=request)
    return _record(response=response, moderator=moderator, decision=decision, note=note, request=request)


@transaction.atomic
def _record(
    *, response: ConsultationResponse, moderator, decision: str, note: str, request
) -> ConsultationResponse:
    # Lock the row so that a redaction undone, or a safeguarding concern raised, at the same moment cannot slip
    # past the gate.
    locked = ConsultationResponse.objects.select_for_update().get(pk=response.pk)
    if decision == ModerationState.APPROVED:
        blockers = publication_blockers(locked) + safeguarding_blockers(locked)
        if blockers:
            raise ValidationError(blockers, code="blocked")
    previous = locked.moderation_state
    response.moderation_state = decision
    response.moderation_note = note[:300]
    response.moderated_by = moderator
    response.moderated_at = timezone.now()
    response.save(update_fields=["moderation_state", "moderation_note", "moderated_by", "moderated_at"])
    audit(
        action=f"consultation.response_{decision}",
        actor=moderator,
        request=request,
        obj=response,
        summary=f"Response {response.reference}: {response.get_moderation_state_display()}",
        detail={"from": previous, "to": decision, "note": note[:300]},
    )
    return response
