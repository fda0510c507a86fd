"""Campaign detection: groups of near-identical responses (template text), found in the background
(`tasks.detect_campaigns`) and proposed to analysts. Kept out of the services package, whose
`campaigns.py` enqueues the task, so that the task can import this module without a loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from cms.access import require_permission
from cms.audit import audit

from . import textanalysis
from .models.analysis import CampaignGroup
from .models.responses import Answer, ConsultationResponse
from .roles import ANALYSE_PERMISSION
from .vocabulary import CampaignKind, CampaignReview, ModerationState

if TYPE_CHECKING:
    from .models.pages import ConsultationPage


def campaign_min_size() -> int:
    return max(2, int(getattr(settings, "CONSULTATION_CAMPAIGN_MIN_SIZE", 5)))


@transaction.atomic
def campaigns_detect(*, consultation: ConsultationPage, user=None) -> list[CampaignGroup]:
    """Group near-identical responses (template text) and propose them to analysts, replacing the previous
    detection. Groups of at least `CONSULTATION_CAMPAIGN_MIN_SIZE` are proposed as campaigns, smaller ones as
    near-duplicates. A group with exactly the same members as before keeps its analyst's review; any other
    waits for one. Candidates come from MinHash LSH and each pair is confirmed by edit distance
    (`textanalysis.near_duplicate_groups`). Short answers are ignored; only responses that are counted take part. No text is stored."""
    if user is not None:
        require_permission(user, ANALYSE_PERMISSION)
    responses = ConsultationResponse.objects.filter(consultation=consultation).exclude(
        moderation_state=ModerationState.INVALID
    )
    texts: dict[int, list[str]] = {}
    for response_id, text in (
        Answer.objects.filter(response__in=responses)
        .exclude(text="")
        .values_list("response_id", "text")
        .iterator()
    ):
        texts.setdefault(response_id, []).append(text)
    # The same words pasted into several boxes are one wording: each distinct answer counts once.
    joined = {key: textanalysis.response_text(list(dict.fromkeys(value))) for key, value in texts.items()}
    groups = textanalysis.near_duplicate_groups(joined.items())
    previous_members: dict[int, set[int]] = {}
    for response_id, group_id in ConsultationResponse.objects.filter(
        consultation=consultation, campaign__isnull=False
    ).values_list("pk", "campaign_id"):
        previous_members.setdefault(group_id, set()).add(response_id)
    reviews = {
        frozenset(previous_members.get(group.pk, ())): group
        for group in CampaignGroup.objects.filter(consultation=consultation).exclude(
            review=CampaignReview.PROPOSED
        )
    }
    ConsultationResponse.objects.filter(consultation=consultation, campaign__isnull=False).update(
        campaign=None
    )
    CampaignGroup.objects.filter(consultation=consultation).delete()
    min_size = campaign_min_size()
    created = []
    numbers = {CampaignKind.CAMPAIGN: 0, CampaignKind.DUPLICATE: 0}
    for members in groups:
        kind = CampaignKind.CAMPAIGN if len(members) >= min_size else CampaignKind.DUPLICATE
        numbers[kind] += 1
        counts: dict[str, int] = {}
        for pk in members:
            print_ = textanalysis.fingerprint(joined[pk])
            counts[print_] = counts.get(print_, 0) + 1
        kept = reviews.get(frozenset(members))
        group = CampaignGroup.objects.create(
            consultation=consultation,
            label=f"{'Campaign' if kind == CampaignKind.CAMPAIGN else 'Duplicates'} {numbers[kind]}",
            kind=kind,
            review=kept.review if kept else CampaignReview.PROPOSED,
            reviewed_by=kept.reviewed_by if kept else None,
            reviewed_at=kept.reviewed_at if kept else None,
            size=len(members),
            exact_duplicates=max(counts.values()) if counts else 0,
        )
        ConsultationResponse.objects.filter(pk__in=members).update(campaign=group)
        created.append(group)
    audit(
        action="consultation.campaigns_detected",
        actor=user,
        obj=consultation,
        summary=f"{len(created)} groups proposed",
        detail={"groups": [[g.kind, g.size] for g in created], "min_size": min_size},
    )
    return created
