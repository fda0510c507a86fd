"""Writes for signing the Covenant. Each service checks who may act, validates its rules and audits itself."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.access import require_permission
from cms.audit import audit
from workforce.models import Organisation

from . import selectors
from .models import (
    AWARD_YEARS,
    TIER_RANK,
    CovenantSignature,
    FinancialYear,
    Pledge,
    PledgeProgress,
    RecognitionAward,
    SignaturePledge,
    SignatureStatus,
    Tier,
)
from .roles import APPROVE_SIGNATURE_PERMISSION, AWARD_RECOGNITION_PERMISSION

MAX_PLEDGES = 10


@dataclass(frozen=True)
class PledgeInput:
    indicator: str
    target: Decimal
    bank_pledge: Pledge | None = None
    own_text: str = ""
    unit: str = ""


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def signature_request(
    *,
    user,
    organisation: Organisation,
    signatory_name: str,
    signatory_role: str,
    signed_on: datetime.date,
    pledges: list[PledgeInput],
    co_signatory_name: str = "",
    co_signatory_role: str = "",
    request=None,
) -> CovenantSignature:
    """An HR administrator asks to sign the Covenant for their organisation; an editor then decides."""
    if not selectors.organisations_user_can_sign_for(user=user).filter(pk=organisation.pk).exists():
        raise PermissionDenied(
            "You can only ask to sign for an organisation where you are an HR administrator"
        )
    errors: dict[str, list[str]] = {}
    if selectors.live_signature_for(organisation=organisation) is not None:
        errors.setdefault("organisation", []).append(
            f"{organisation.display_name} has already signed the Covenant or has a request waiting for approval"
        )
    if signed_on > timezone.localdate():
        errors.setdefault("signed_on", []).append("The date signed must be today or in the past")
    if not signatory_name.strip() or not signatory_role.strip():
        errors.setdefault("signatory_name", []).append("Enter the name and role of the person signing")
    if bool(co_signatory_name.strip()) != bool(co_signatory_role.strip()):
        errors.setdefault("co_signatory_name", []).append(
            "Enter both the name and the role of the co-signatory"
        )
    if not pledges:
        errors.setdefault("pledges", []).append("Make at least one pledge")
    if len(pledges) > MAX_PLEDGES:
        errors.setdefault("pledges", []).append(f"Make no more than {MAX_PLEDGES} pledges")
    bank_ids = [p.bank_pledge.pk for p in pledges if p.bank_pledge is not None]
    if len(bank_ids) != len(set(bank_ids)):
        errors.setdefault("pledges", []).append("Choose each pledge from the bank only once")
    for pledge in pledges:
        if (pledge.bank_pledge is None) == (not pledge.own_text.strip()):
            errors.setdefault("pledges", []).append(
                "Each pledge is either from the bank or in your own words"
            )
        if pledge.bank_pledge is not None and not pledge.bank_pledge.is_active:
            errors.setdefault("pledges", []).append(f"'{pledge.bank_pledge.title}' is no longer offered")
        if not pledge.indicator.strip():
            errors.setdefault("pledges", []).append("Give each pledge a measurable indicator")
        if pledge.target is None or pledge.target < 0:
            errors.setdefault("pledges", []).append("Give each pledge a target of 0 or more")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            signature = CovenantSignature.objects.create(
                organisation=organisation,
                signatory_name=signatory_name.strip(),
                signatory_role=signatory_role.strip(),
                co_signatory_name=co_signatory_name.strip(),
                co_signatory_role=co_signatory_role.strip(),
                signed_on=signed_on,
                requested_by=user,
            )
    except IntegrityError as exc:  # a simultaneous request for the same organisation
        raise ValidationError({"organisation": ["A request for this organisation was just sent"]}) from exc
    SignaturePledge.objects.bulk_create(
        SignaturePledge(
            signature=signature,
            bank_pledge=pledge.bank_pledge,
            own_text="" if pledge.bank_pledge else pledge.own_text.strip(),
            indicator=pledge.indicator.strip(),
            target=pledge.target,
            unit=pledge.unit.strip(),
            sort_order=position,
        )
        for position, pledge in enumerate(pledges)
    )
    audit(
        action="covenant.signature_requested",
        actor=user,
        request=request,
        obj=signature,
        summary=f"Asked to sign the Covenant for {organisation.display_name} with {len(pledges)} pledges",
        detail={"organisation_id": organisation.pk, "pledges": len(pledges)},
    )
    return signature


def _decide(*, signature: CovenantSignature, user, status: str, reason: str, request) -> CovenantSignature:
    require_permission(user, APPROVE_SIGNATURE_PERMISSION)
    locked = CovenantSignature.objects.select_for_update().get(pk=signature.pk)
    if locked.status != SignatureStatus.REQUESTED:
        raise ValidationError("This request has already been decided")
    if locked.requested_by_id == user.pk:
        raise PermissionDenied("You cannot decide a request you sent")
    locked.status = status
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit(
        action=f"covenant.signature_{status}",
        actor=user,
        request=request,
        obj=locked,
        summary=f"{locked.get_status_display()}: {locked.organisation.display_name}",
        detail={"organisation_id": locked.organisation_id},
    )
    return locked


@transaction.atomic
def signature_approve(*, signature: CovenantSignature, user, request=None) -> CovenantSignature:
    return _decide(
        signature=signature, user=user, status=SignatureStatus.APPROVED, reason="", request=request
    )


@transaction.atomic
def signature_reject(*, signature: CovenantSignature, user, reason: str, request=None) -> CovenantSignature:
    if not reason.strip():
        raise ValidationError(
            {"reason": ["Say why the request is not approved, so the organisation can fix it"]}
        )
    return _decide(
        signature=signature,
        user=user,
        status=SignatureStatus.REJECTED,
        reason=reason.strip(),
        request=request,
    )


@transaction.atomic
def pledge_progress_record(
    *, pledge: SignaturePledge, user, year: FinancialYear, value: Decimal, note: str = "", request=None
) -> PledgeProgress:
    """An HR administrator of the signing organisation records where a pledge's indicator stood in a year."""
    pledge = SignaturePledge.objects.select_related("signature__organisation").get(pk=pledge.pk)
    if not selectors.pledge_can_record_progress(user=user, pledge=pledge):
        raise PermissionDenied
    errors = {}
    if value is None or value < 0:
        errors["value"] = ["Enter a value of 0 or more"]
    if year.end < pledge.signature.signed_on or year.start > timezone.localdate():
        errors["financial_year"] = ["Choose a financial year since the Covenant was signed, up to this one"]
    if errors:
        raise ValidationError(errors)
    progress, created = PledgeProgress.objects.update_or_create(
        pledge=pledge,
        financial_year=year.start_year,
        defaults={"value": value, "note": note.strip(), "recorded_by": user},
    )
    audit(
        action="covenant.pledge_progress_recorded",
        actor=user,
        request=request,
        obj=progress,
        summary=f"Progress {value} for {year.label} on a pledge of {pledge.signature.organisation.display_name}",
        detail={"pledge_id": pledge.pk, "year": year.start_year, "value": str(value), "created": created},
    )
    return progress


@transaction.atomic
def recognition_award(
    *, organisation: Organisation, tier: str, evidence: str, awarded_on: datetime.date, user, request=None
) -> RecognitionAward:
    """An editor (as assessor) awards a tier against the published criteria; it lapses after five years."""
    require_permission(user, AWARD_RECOGNITION_PERMISSION)
    errors: dict[str, list[str]] = {}
    if tier not in Tier.values:
        errors["tier"] = ["Choose bronze, silver or gold"]
    if not evidence.strip():
        errors["evidence"] = ["Describe the evidence for each criterion"]
    if awarded_on > timezone.localdate():
        errors["awarded_on"] = ["The award date must be today or in the past"]
    signature = selectors.live_signature_for(organisation=organisation)
    if signature is None or signature.status != SignatureStatus.APPROVED or signature.signed_on > awarded_on:
        errors.setdefault("organisation", []).append(
            "Only an organisation that had signed the Covenant by the award date can be recognised"
        )
    if tier in Tier.values and tier != Tier.BRONZE:
        required = Tier.BRONZE if tier == Tier.SILVER else Tier.SILVER
        current = selectors.current_award(organisation=organisation, on=awarded_on)
        if current is None or TIER_RANK[current.tier] < TIER_RANK[required]:
            errors.setdefault("tier", []).append(
                f"{Tier(tier).label} needs a current {Tier(required).label.lower()} award first"
            )
    if errors:
        raise ValidationError(errors)
    award = RecognitionAward.objects.create(
        organisation=organisation,
        tier=tier,
        evidence=evidence.strip(),
        awarded_on=awarded_on,
        expires_on=_add_years(awarded_on, AWARD_YEARS),
        awarded_by=user,
    )
    audit(
        action="covenant.recognition_awarded",
        actor=user,
        request=request,
        obj=award,
        summary=f"{award.get_tier_display()} award to {organisation.display_name}",
        detail={"organisation_id": organisation.pk, "tier": tier, "expires_on": award.expires_on.isoformat()},
    )
    return award
