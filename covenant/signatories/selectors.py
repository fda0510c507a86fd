"""Reads for signing the Covenant. Public reads show approved signatures only; staff reads check permissions."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from cms.access import has_permission, require_permission
from workforce.models import Organisation
from workforce.selectors import organisations_for_user

from .models import (
    TIER_RANK,
    CovenantSignature,
    Pledge,
    PledgeProgress,
    RecognitionAward,
    SignaturePledge,
    SignatureStatus,
)
from .roles import (
    APPROVE_SIGNATURE_PERMISSION,
    AWARD_RECOGNITION_PERMISSION,
    RECORD_PROGRESS_PERMISSION,
    REQUEST_SIGNATURE_PERMISSION,
)


def active_pledge_bank() -> QuerySet[Pledge]:
    return Pledge.objects.filter(is_active=True)


def organisations_user_can_sign_for(*, user) -> QuerySet[Organisation]:
    """HR administrators ask to sign for their own organisations."""
    if not has_permission(user, REQUEST_SIGNATURE_PERMISSION):
        return Organisation.objects.none()
    return organisations_for_user(user=user, role="hr_admin").filter(is_active=True)


def live_signature_for(*, organisation: Organisation) -> CovenantSignature | None:
    return (
        CovenantSignature.objects.filter(
            organisation=organisation, status__in=[SignatureStatus.REQUESTED, SignatureStatus.APPROVED]
        )
        .order_by("-requested_at")
        .first()
    )


def _with_pledges(queryset: QuerySet[CovenantSignature]) -> QuerySet[CovenantSignature]:
    return queryset.select_related("organisation").prefetch_related(
        Prefetch(
            "pledges",
            queryset=SignaturePledge.objects.select_related("bank_pledge").prefetch_related(
                Prefetch("progress", queryset=PledgeProgress.objects.order_by("financial_year"))
            ),
        )
    )


def public_signatures() -> QuerySet[CovenantSignature]:
    """Approved signatures with their organisations and pledges, for the public list."""
    return _with_pledges(CovenantSignature.objects.filter(status=SignatureStatus.APPROVED)).order_by(
        "organisation__name"
    )


def public_signature_get(*, pk: int) -> CovenantSignature:
    try:
        return public_signatures().get(pk=pk)
    except CovenantSignature.DoesNotExist as exc:
        raise Http404 from exc


def current_awards(*, organisation_ids, on: datetime.date | None = None) -> dict[int, RecognitionAward]:
    """The highest current award of each organisation, in one query."""
    on = on or timezone.localdate()
    best: dict[int, RecognitionAward] = {}
    awards = RecognitionAward.objects.filter(
        organisation_id__in=organisation_ids, awarded_on__lte=on, expires_on__gt=on
    )
    for award in awards:
        held = best.get(award.organisation_id)
        if held is None or TIER_RANK[award.tier] > TIER_RANK[held.tier]:
            best[award.organisation_id] = award
    return best


def current_award(*, organisation: Organisation, on: datetime.date | None = None) -> RecognitionAward | None:
    return current_awards(organisation_ids=[organisation.pk], on=on).get(organisation.pk)


def current_award_holders(*, on: datetime.date | None = None) -> list[RecognitionAward]:
    on = on or timezone.localdate()
    ids = RecognitionAward.objects.filter(awarded_on__lte=on, expires_on__gt=on).values("organisation_id")
    awards = current_awards(organisation_ids=ids, on=on)
    holders = list(awards.values())
    organisations = Organisation.objects.in_bulk([award.organisation_id for award in holders])
    for award in holders:
        award.organisation = organisations[award.organisation_id]
    return sorted(holders, key=lambda award: (-TIER_RANK[award.tier], award.organisation.name))


# --- staff --------------------------------------------------------------------------------------------------------


def signatures_for_review(*, user) -> QuerySet[CovenantSignature]:
    """Editors see every request; requests waiting for a decision first."""
    require_permission(user, APPROVE_SIGNATURE_PERMISSION)
    return _with_pledges(CovenantSignature.objects.select_related("requested_by", "decided_by")).order_by(
        "status", "-requested_at"
    )


def signature_get_for_review(*, user, pk: int) -> CovenantSignature:
    try:
        return signatures_for_review(user=user).get(pk=pk)
    except CovenantSignature.DoesNotExist as exc:
        raise Http404 from exc


def signatures_for_user_organisations(*, user) -> QuerySet[CovenantSignature]:
    """The signatures (in any state) of the organisations where `user` is an HR administrator."""
    organisation_ids = organisations_for_user(user=user, role="hr_admin").values("pk")
    return _with_pledges(
        CovenantSignature.objects.filter(organisation_id__in=organisation_ids).select_related("decided_by")
    ).order_by("organisation__name", "-requested_at")


def pledge_can_record_progress(*, user, pledge: SignaturePledge) -> bool:
    return (
        has_permission(user, RECORD_PROGRESS_PERMISSION)
        and pledge.signature.status == SignatureStatus.APPROVED
        and organisations_for_user(user=user, role="hr_admin")
        .filter(pk=pledge.signature.organisation_id)
        .exists()
    )


def pledge_get_for_progress(*, user, pk: int) -> SignaturePledge:
    """A pledge of one of the user's organisations' signed Covenants; 404 for anything else."""
    require_permission(user, RECORD_PROGRESS_PERMISSION)
    pledge = (
        SignaturePledge.objects.select_related("signature__organisation", "bank_pledge").filter(pk=pk).first()
    )
    if pledge is None or not pledge_can_record_progress(user=user, pledge=pledge):
        raise Http404
    return pledge


def organisations_for_award(*, user) -> QuerySet[Organisation]:
    require_permission(user, AWARD_RECOGNITION_PERMISSION)
    return (
        Organisation.objects.filter(covenant_signatures__status=SignatureStatus.APPROVED)
        .distinct()
        .order_by("name")
    )
