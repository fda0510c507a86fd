"""Safeguarding referrals: a possible disclosure of risk in a response goes to a named safeguarding lead, who
decides within SAFEGUARDING_DEADLINE whether to refer it to the local authority.

One subdomain in one module: the writes (services: keyword-only, atomic, audited) and the reads (selectors: they
check the permission). Kept apart from services/ and selectors/ so the moderation code only calls in here.
The audit trail records who read, raised, noted and decided a referral, never the words of the response or of
any note.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cms.access import has_permission, require_permission
from cms.audit import audit

from . import detection
from .models.responses import ConsultationResponse
from .models.safeguarding import SAFEGUARDING_DEADLINE, SafeguardingNote, SafeguardingReferral
from .roles import MODERATE_PERMISSION, SAFEGUARDING_PERMISSION
from .tasks import notify_safeguarding_lead
from .vocabulary import ModerationState, ReferralOrigin, ReferralStatus

DECISIONS = (ReferralStatus.REFERRED, ReferralStatus.NO_FURTHER_ACTION)


# --- reads ----------------------------------------------------------------------------------------------------


def safeguarding_blockers(response: ConsultationResponse) -> list[str]:
    """Why this response may not be approved for publication yet, as far as safeguarding goes ([] if nothing)."""
    open_referral = response.safeguarding_referrals.filter(status=ReferralStatus.OPEN).first()
    if open_referral is None:
        return []
    return [
        f"Safeguarding referral {open_referral.reference} is open: the response cannot be approved until the "
        "safeguarding lead has decided it"
    ]


def referrals_for_response(*, user, response: ConsultationResponse) -> QuerySet[SafeguardingReferral]:
    """What a moderator sees of the referrals on a response: status, owner and deadline."""
    if not (has_permission(user, MODERATE_PERMISSION) or has_permission(user, SAFEGUARDING_PERMISSION)):
        raise PermissionDenied
    return response.safeguarding_referrals.select_related("lead", "raised_by", "decided_by").order_by("-pk")


def referral_queue(*, user, status: str = "") -> QuerySet[SafeguardingReferral]:
    """Every referral for the safeguarding leads, open ones first by deadline."""
    require_permission(user, SAFEGUARDING_PERMISSION)
    referrals = SafeguardingReferral.objects.select_related(
        "response__consultation", "lead", "raised_by", "decided_by"
    )
    if status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    return referrals.order_by("-status", "due_at", "pk")  # "open" sorts after "no_action" and "referred"


def referral_for_lead(*, user, pk: int) -> SafeguardingReferral:
    require_permission(user, SAFEGUARDING_PERMISSION)
    try:
        return SafeguardingReferral.objects.select_related(
            "response__consultation", "lead", "raised_by", "decided_by"
        ).get(pk=pk)
    except SafeguardingReferral.DoesNotExist as exc:
        raise Http404("No such referral") from exc


def response_disclosures(response: ConsultationResponse) -> list[str]:
    """The phrases the automatic check finds in the response's answers."""
    return [
        flag.text
        for text in response.answers.exclude(text="").values_list("text", flat=True)
        for flag in detection.find_safeguarding(text)
    ]


# --- writes ---------------------------------------------------------------------------------------------------


def _notify(referral: SafeguardingReferral) -> None:
    transaction.on_commit(lambda: notify_safeguarding_lead.enqueue(referral_id=referral.pk))


@transaction.atomic
def referral_raise(
    *,
    response: ConsultationResponse,
    origin: str,
    raised_by=None,
    concern: str = "",
    request=None,
) -> tuple[SafeguardingReferral, bool]:
    """Open a referral to the consultation's safeguarding lead, due SAFEGUARDING_DEADLINE from now.

    A moderator raises one with their concern; the system raises one when the automatic check finds a possible
    disclosure. While one is open for the response, raising again adds nothing (a moderator's concern is kept
    as a note on it). Returns (referral, created)."""
    if origin == ReferralOrigin.MODERATOR:
        require_permission(raised_by, MODERATE_PERMISSION)
        concern = concern.strip()
        if not concern:
            raise ValidationError({"concern": "Say what the concern is"})
        if len(concern) > 2000:
            raise ValidationError({"concern": "The concern must be 2,000 characters or fewer"})
    elif origin != ReferralOrigin.DETECTED:
        raise ValidationError("Unknown origin")
    response = (
        ConsultationResponse.objects.select_for_update().select_related("consultation").get(pk=response.pk)
    )
    existing = response.safeguarding_referrals.filter(status=ReferralStatus.OPEN).first()
    if existing is not None:
        existing.withdrawn = _withdraw(
            response, existing, raised_by=raised_by, origin=origin, request=request
        )
        if origin == ReferralOrigin.MODERATOR:
            SafeguardingNote.objects.create(referral=existing, author=raised_by, text=concern)
            audit(
                action="consultation.safeguarding_concern_added",
                actor=raised_by,
                request=request,
                obj=existing,
                summary=f"Concern added to {existing.reference} (response {response.reference})",
                detail={"response": response.pk},
            )
        return existing, False
    now = timezone.now()
    referral = SafeguardingReferral(
        response=response,
        origin=origin,
        raised_by=raised_by if origin == ReferralOrigin.MODERATOR else None,
        raised_at=now,
        due_at=now + SAFEGUARDING_DEADLINE,
        lead=response.consultation.safeguarding_lead,
        concern=concern,
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:  # opened by a concurrent request a moment ago
        existing = response.safeguarding_referrals.get(status=ReferralStatus.OPEN)
        existing.withdrawn = _withdraw(
            response, existing, raised_by=raised_by, origin=origin, request=request
        )
        return existing, False
    if not response.safeguarding_flagged:
        response.safeguarding_flagged = True
        response.save(update_fields=["safeguarding_flagged"])
    audit(
        action="consultation.safeguarding_referral_opened",
        actor=raised_by if origin == ReferralOrigin.MODERATOR else None,
        actor_label="" if origin == ReferralOrigin.MODERATOR else "system",
        request=request,
        obj=referral,
        summary=f"Safeguarding referral {referral.reference} opened for response {response.reference}",
        detail={
            "response": response.pk,
            "origin": origin,
            "lead": referral.lead_id,
            "due_at": referral.due_at.isoformat(),
        },
    )
    referral.withdrawn = _withdraw(response, referral, raised_by=raised_by, origin=origin, request=request)
    _notify(referral)
    return referral, True


def _withdraw(
    response: ConsultationResponse, referral: SafeguardingReferral, *, raised_by, origin: str, request
) -> bool:
    """Take an approved response out of publication while `referral` is open: back to pending, audited.
    `response` is the row locked by the caller. Returns whether it was published."""
    if response.moderation_state != ModerationState.APPROVED:
        return False
    by = raised_by if origin == ReferralOrigin.MODERATOR else None
    response.moderation_state = ModerationState.PENDING
    response.moderation_note = f"Withdrawn from publication: safeguarding referral {referral.reference}"
    response.moderated_by = by
    response.moderated_at = timezone.now()  # also changes the summaries' cache stamp
    response.save(update_fields=["moderation_state", "moderation_note", "moderated_by", "moderated_at"])
    audit(
        action="consultation.response_withdrawn",
        actor=by,
        actor_label="" if by else "system",
        request=request,
        obj=response,
        summary=f"Response {response.reference} withdrawn from publication: {referral.reference} is open",
        detail={"from": ModerationState.APPROVED, "to": ModerationState.PENDING, "referral": referral.pk},
    )
    return True


def referral_detect(*, response: ConsultationResponse, request=None) -> SafeguardingReferral | None:
    """Open a referral when the automatic check finds a possible disclosure and the response has never had one
    (a lead's decision is not reopened each time someone looks). Returns the new referral, or None."""
    if response.safeguarding_referrals.exists():
        return None
    if not response_disclosures(response):
        return None
    referral, created = referral_raise(response=response, origin=ReferralOrigin.DETECTED, request=request)
    return referral if created else None


@transaction.atomic
def referral_note_add(*, referral: SafeguardingReferral, lead, text: str, request=None) -> SafeguardingNote:
    require_permission(lead, SAFEGUARDING_PERMISSION)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter a note"})
    if len(text) > 4000:
        raise ValidationError({"text": "The note must be 4,000 characters or fewer"})
    note = SafeguardingNote.objects.create(referral=referral, author=lead, text=text)
    audit(
        action="consultation.safeguarding_note_added",
        actor=lead,
        request=request,
        obj=referral,
        summary=f"Note added to {referral.reference}",
        detail={"note": note.pk},
    )
    return note


@transaction.atomic
def referral_decide(
    *, referral: SafeguardingReferral, lead, decision: str, reason: str, request=None
) -> SafeguardingReferral:
    """The lead's decision: referred to the local authority, or no further action, with the reason. A lead who
    decides an unowned referral becomes its owner. The response can then be moderated as usual.

    Any safeguarding lead may decide a referral owned by another named lead, on purpose: a risk to life cannot
    wait for one person's return from leave. The owner stays the named lead; the decision is audited as made
    for them (`consultation.safeguarding_referral_decided_for_another_lead`, naming both), and the referral page
    tells the deciding lead whose referral it is."""
    require_permission(lead, SAFEGUARDING_PERMISSION)
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Choose referred to the local authority or no further action"})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the decision"})
    if len(reason) > 4000:
        raise ValidationError({"reason": "The reason must be 4,000 characters or fewer"})
    referral = SafeguardingReferral.objects.select_for_update().get(pk=referral.pk)
    if not referral.is_open:
        raise ValidationError("This referral has already been decided")
    now = timezone.now()
    named_lead_id = referral.lead_id
    covering = named_lead_id is not None and named_lead_id != lead.pk
    referral.status = decision
    referral.decision_reason = reason
    referral.decided_by = lead
    referral.decided_at = now
    if referral.lead_id is None:
        referral.lead = lead
    referral.save(update_fields=["status", "decision_reason", "decided_by", "decided_at", "lead"])
    audit(
        action="consultation.safeguarding_referral_decided",
        actor=lead,
        request=request,
        obj=referral,
        summary=f"{referral.reference}: {referral.get_status_display()}",
        detail={
            "response": referral.response_id,
            "decision": decision,
            "overdue": now > referral.due_at,
            "named_lead": named_lead_id,
            "decided_by_named_lead": not covering,
        },
    )
    if covering:
        audit(
            action="consultation.safeguarding_referral_decided_for_another_lead",
            actor=lead,
            request=request,
            obj=referral,
            summary=f"{referral.reference} decided by {lead.email} for the named lead {referral.lead.email}",
            detail={"response": referral.response_id, "named_lead": named_lead_id, "decided_by": lead.pk},
        )
    return referral
