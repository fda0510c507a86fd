"""Campaigns: analysts ask for detection (`campaign_detection.py` does it, in the background) and review the groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.access import require_permission
from cms.audit import audit

from ..models.analysis import CampaignGroup
from ..roles import ANALYSE_PERMISSION
from ..tasks import detect_campaigns
from ..vocabulary import CampaignReview

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage


@transaction.atomic
def campaign_review(*, group: CampaignGroup, user, decision: str, request=None) -> CampaignGroup:
    """An analyst confirms a proposed group (it then appears in the outcome) or says it is not one."""
    require_permission(user, ANALYSE_PERMISSION)
    if decision not in (CampaignReview.CONFIRMED, CampaignReview.REJECTED):
        raise ValidationError("Choose confirm or not a campaign")
    group = CampaignGroup.objects.select_for_update().get(pk=group.pk)
    previous = group.review
    group.review, group.reviewed_by, group.reviewed_at = decision, user, timezone.now()
    group.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    audit(
        action=f"consultation.campaign_{decision}",
        actor=user,
        request=request,
        obj=group,
        summary=f"{group.label} ({group.size} responses): {group.get_review_display()}",
        detail={"from": previous, "to": decision, "kind": group.kind, "size": group.size},
    )
    return group


@transaction.atomic
def campaign_detection_request(*, consultation: ConsultationPage, user, request=None) -> None:
    """An analyst asks for campaign detection. It runs in the background (`tasks.detect_campaigns`), as it reads
    every answer of the consultation."""
    require_permission(user, ANALYSE_PERMISSION)
    detect_campaigns.enqueue(consultation_id=consultation.pk)
    audit(
        action="consultation.campaign_detection_requested",
        actor=user,
        request=request,
        obj=consultation,
        summary="Campaign detection requested",
    )
