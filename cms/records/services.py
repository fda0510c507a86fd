"""Changes to the records schedule: a kind's retention period, and legal holds placed and lifted. Each checks the
permission, validates, and writes its own audit row (docs/records.md)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.access import require_permission
from cms.audit import audit
from cms.retention import holdable_types, kind_get, kinds

from .models import LegalHold, RetentionPeriod

MANAGE = "records.manage_records"
MAX_DAYS = 100 * 365


@transaction.atomic
def retention_period_set(*, actor, kind: str, days: int, reason: str, request=None) -> RetentionPeriod:
    """Set the period of a kind of record (days from the moment its kind counts from)."""
    require_permission(actor, MANAGE)
    try:
        record_kind = kind_get(kind)
    except KeyError as exc:
        raise ValidationError({"kind": "Choose a kind of record from the schedule"}) from exc
    errors = {}
    if days is None or days < record_kind.minimum_days:
        errors["days"] = f"Enter {record_kind.minimum_days} days or more for {record_kind.label.lower()}"
    elif days > MAX_DAYS:
        errors["days"] = f"Enter {MAX_DAYS} days or fewer"
    if not (reason or "").strip():
        errors["reason"] = "Enter why the period is changing"
    if errors:
        raise ValidationError(errors)
    existing = RetentionPeriod.objects.select_for_update().filter(kind=kind).first()
    before = existing.days if existing is not None else record_kind.default_days
    period, _ = RetentionPeriod.objects.update_or_create(
        kind=kind,
        defaults={"days": days, "reason": reason.strip(), "changed_by": actor, "changed_at": timezone.now()},
    )
    audit(
        action="records.period_set",
        actor=actor,
        request=request,
        object_type="records.kind",
        object_id=kind,
        summary=f"{record_kind.label}: kept {days} days (was {before})",
        detail={"days": days, "before": before, "reason": reason.strip()},
    )
    return period


@transaction.atomic
def legal_hold_place(
    *, actor, reason: str, kind: str = "", object_type: str = "", object_id: str = "", request=None
) -> LegalHold:
    """Hold a whole kind of record, or one record, back from the purge and from erasure."""
    require_permission(actor, MANAGE)
    kind, object_type, object_id = kind.strip(), object_type.strip(), str(object_id).strip()
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Enter the reason for the hold"
    if kind:
        if kind not in {record_kind.key for record_kind in kinds()}:
            errors["kind"] = "Choose a kind of record from the schedule"
    elif object_type not in holdable_types():
        errors["object_type"] = "Choose the kind of record to hold"
    elif not object_id:
        errors["object_id"] = "Enter the record's number"
    elif not _record_exists(object_type, object_id):
        errors["object_id"] = "There is no such record: check the number"
    if errors:
        raise ValidationError(errors)
    hold = LegalHold.objects.create(
        kind=kind,
        object_type="" if kind else object_type,
        object_id="" if kind else object_id,
        reason=reason.strip(),
        placed_by=actor,
    )
    audit(
        action="records.hold_placed",
        actor=actor,
        request=request,
        obj=hold,
        summary=f"Legal hold placed on {kind or f'{object_type} {object_id}'}"[:255],
        detail={
            "kind": kind,
            "object_type": hold.object_type,
            "object_id": hold.object_id,
            "reason": hold.reason,
        },
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, hold: LegalHold, reason: str, request=None) -> LegalHold:
    require_permission(actor, MANAGE)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the hold is lifted"})
    if hold.lifted_at is not None:
        raise ValidationError("This hold has already been lifted")
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    hold.lift_reason = reason.strip()
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit(
        action="records.hold_lifted",
        actor=actor,
        request=request,
        obj=hold,
        summary=f"Legal hold lifted from {hold.kind or f'{hold.object_type} {hold.object_id}'}"[:255],
        detail={"reason": hold.lift_reason},
    )
    return hold


def _record_exists(object_type: str, object_id: str) -> bool:
    """Whether the record a hold names exists (the model is found by its label, so cms imports no app)."""
    app_label, model_name = object_type.split(".", 1)
    model = apps.get_model(app_label, model_name)
    try:
        return model._default_manager.filter(pk=object_id).exists()
    except (ValueError, TypeError, ValidationError):
        return False
