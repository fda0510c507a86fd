"""Reads for moderators: the queue, a response to moderate, and what holds a response back from publication."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cms.access import require_permission
from cms.accounts.models import AuditEvent

from .. import suggestions
from ..models.responses import ConsultationResponse
from ..roles import MODERATE_PERMISSION
from ..vocabulary import Channel, PublishConsent


def publication_blockers(response: ConsultationResponse) -> list[str]:
    """Why `response` cannot be approved for publication yet, in words a moderator can act on; empty when it
    can. `services.response_moderate` refuses approval while this finds anything. Other checks that must hold
    a response in moderation add their reasons here."""
    reasons = []
    if response.publish_consent == PublishConsent.NONE:
        reasons.append("This respondent asked us not to publish their response, so it cannot be approved")
    reasons += [suggestion.reason for suggestion in suggestions.unresolved_suggestions(response)]
    return reasons


def moderation_queue(*, user) -> QuerySet[ConsultationResponse]:
    require_permission(user, MODERATE_PERMISSION)
    return ConsultationResponse.objects.select_related("consultation", "moderated_by").order_by(
        "submitted_at", "pk"
    )


def response_for_moderation(*, user, pk: int) -> ConsultationResponse:
    require_permission(user, MODERATE_PERMISSION)
    try:
        return ConsultationResponse.objects.select_related("consultation").get(pk=pk)
    except ConsultationResponse.DoesNotExist as exc:
        raise Http404("No such response") from exc


def response_entered_by(*, response: ConsultationResponse) -> str:
    """Who transcribed a response received by e-mail or post, from the audit trail ("" for online ones)."""
    if response.channel == Channel.ONLINE:
        return ""
    event = (
        AuditEvent.objects.filter(
            action="consultation.response_entered",
            object_type=ConsultationResponse._meta.label_lower,
            object_id=str(response.pk),
        )
        .order_by("pk")
        .first()
    )
    return event.actor_label if event is not None else ""
