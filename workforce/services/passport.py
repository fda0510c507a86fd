"""The staff passport: the status of a credential, and the rules by which a receiving organisation reuses checks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cms.audit import audit

from ..models import AcceptanceRule, Organisation, PassportCredential
from ..selectors.access import is_hr_admin
from ..vocabulary import CredentialKind, CredentialStatus
from .organisations import not_member_message


@transaction.atomic
def passport_credential_set_status(
    *, credential: PassportCredential, actor, status: str, reason: str = ""
) -> None:
    if status in (CredentialStatus.REJECTED, CredentialStatus.REVOKED) and not reason.strip():
        raise ValidationError({"status_reason": "Give the reason the credential is rejected or revoked"})
    if not is_hr_admin(user=actor, organisation=credential.issued_by):
        raise PermissionDenied(
            "Only the issuing organisation's HR administrators can change this credential."
        )
    credential.status = status
    credential.status_reason = reason.strip()
    credential._history_user = actor
    credential.save(update_fields=["status", "status_reason"])
    audit(
        action="workforce.credential.status_changed",
        actor=actor,
        obj=credential,
        summary=f"Credential {credential.pk} {status}",
        detail={"reason": reason},
    )


@transaction.atomic
def acceptance_rule_create(*, actor, organisation: Organisation, **fields) -> AcceptanceRule:
    """A receiving organisation's rule for reusing a passport check instead of repeating it."""
    if not is_hr_admin(user=actor, organisation=organisation):
        raise ValidationError({"organisation": not_member_message(organisation)})
    if fields.get("kind") != CredentialKind.DBS and (
        fields.get("minimum_dbs_level") or fields.get("requires_update_service")
    ):
        raise ValidationError({"minimum_dbs_level": "DBS level and update service apply only to DBS checks"})
    rule = AcceptanceRule(organisation=organisation, **fields)
    rule.full_clean()
    rule.save()
    audit(action="workforce.acceptance_rule.created", actor=actor, obj=rule, summary=str(rule))
    return rule


@transaction.atomic
def acceptance_rule_delete(*, actor, rule: AcceptanceRule) -> None:
    if not is_hr_admin(user=actor, organisation=rule.organisation):
        raise PermissionDenied(not_member_message(rule.organisation))
    audit(action="workforce.acceptance_rule.deleted", actor=actor, obj=rule, summary=str(rule))
    rule.delete()
