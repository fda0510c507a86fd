"""Campaign and duplicate groups of a consultation's responses, as analysts review them and the outcome shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count
from django.http import Http404

from cms import disclosure
from cms.disclosure import AdditiveTable, Audience

from .. import publication
from ..models.analysis import CampaignGroup
from ..vocabulary import CampaignKind, CampaignReview
from .summaries import counted_responses

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage


def campaign_groups(*, consultation: ConsultationPage, confirmed_only: bool = False) -> list[CampaignGroup]:
    """Campaign and duplicate groups, each with `example`: redacted text from an approved member, or "".
    The outcome passes `confirmed_only`: only groups an analyst confirmed are published."""
    groups = CampaignGroup.objects.filter(consultation=consultation).select_related("reviewed_by")
    if confirmed_only:
        groups = groups.filter(review=CampaignReview.CONFIRMED)
    groups = list(groups.order_by("kind", "-size", "pk"))
    for group in groups:
        group.example = publication.campaign_example(group)
        # As published (the outcome report): through cms/disclosure.py, audience: consultation.
        cells = disclosure.protect(
            AdditiveTable.hierarchy(
                {
                    "size": {
                        "exact": group.exact_duplicates,
                        "rest": max(group.size - group.exact_duplicates, 0),
                    }
                }
            ),
            audience=Audience.CONSULTATION,
        )
        group.published_size, group.published_exact_duplicates = cells["size"], cells["exact"]
    return groups


def duplicate_groups(*, consultation: ConsultationPage) -> list[dict]:
    """Responses with exactly the same free text once normalised, as groups with counts."""
    return list(
        counted_responses(consultation=consultation)
        .exclude(fingerprint="")
        .values("fingerprint")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by("-count")
    )


def campaign_group_for(*, consultation: ConsultationPage, pk) -> CampaignGroup:
    """One of the consultation's groups, by a posted id; 404 for anything else."""
    try:
        return CampaignGroup.objects.get(consultation=consultation, pk=int(pk))
    except (CampaignGroup.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404("No such group") from exc


def campaign_totals(*, consultation: ConsultationPage) -> dict:
    """Counted responses split into those sent from a confirmed campaign's template and the rest, as a GOV.UK
    outcome reports campaigns separately: through cms/disclosure.py (audience: consultation) as one table with
    its total."""
    counted = counted_responses(consultation=consultation)
    campaign = counted.filter(
        campaign__review=CampaignReview.CONFIRMED, campaign__kind=CampaignKind.CAMPAIGN
    ).count()
    total = counted.count()
    cells = disclosure.protect(
        AdditiveTable.hierarchy({"total": {"campaign": campaign, "individual": total - campaign}}),
        audience=Audience.CONSULTATION,
    )
    return {**cells, "any": campaign > 0}
