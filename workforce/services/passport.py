"""The staff passport: recording a credential, its verification by a second person, the holder's answer, its
status, and the rules by which a receiving organisation reuses checks."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cms.audit import audit

from ..models import AcceptanceRule, CredentialReliance, Organisation, PassportCredential, Person
from ..selectors.access import is_hr_admin
from ..selectors.passport_holders import own_person_ids, person_for_user
from ..selectors.people import people_visible_to
from ..tasks import (
    notify_credential_reinstated,
    notify_credential_rejected_by_holder,
    notify_credential_withdrawn,
)
from ..vocabulary import CredentialKind, CredentialStatus, HolderResponse
from .organisations import not_member_message

CREDENTIAL_FIELDS = (
    "kind",
    "subject",
    "reference",
    "dbs_level",
    "dbs_update_service",
    "register",
    "issued_on",
    "expires_on",
    "evidence_seen",
    "evidence_checked_on",
)


OWN_CREDENTIAL = (
    "This is your own passport: another HR administrator must record, verify or change your checks"
)
WITHDRAWN = (CredentialStatus.REVOKED, CredentialStatus.REJECTED)
LIVE = (CredentialStatus.ISSUED, CredentialStatus.ACCEPTED)


def field_error(field: str, message: str, code: str) -> ValidationError:
    """An error shown beside `field` that also says what went wrong in a word (`error_code`)."""
    return ValidationError({field: [ValidationError(message, code=code)]})


def error_code(error: ValidationError) -> str | None:
    """The code of the first error, whether it was raised for a field or for the whole form."""
    errors = (
        [e for group in error.error_dict.values() for e in group]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    return errors[0].code if errors else None


def credential_validate(*, data: dict, today: datetime.date) -> dict[str, list[str]]:
    """What is wrong with a credential's details, by field: the rules each kind of check has."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    kind = data.get("kind")
    if kind not in CredentialKind.values:
        add("kind", "Choose the kind of check")
    if not (data.get("evidence_seen") or "").strip():
        add("evidence_seen", "Enter the evidence you saw, such as the DBS certificate or the passport")
    checked_on = data.get("evidence_checked_on")
    if checked_on is None:
        add("evidence_checked_on", "Enter the date you saw the evidence")
    elif checked_on > today:
        add("evidence_checked_on", "The date you saw the evidence must be today or in the past")
    issued_on = data.get("issued_on")
    if issued_on is None:
        add("issued_on", "Enter the date the check was issued or done")
    elif issued_on > today:
        add("issued_on", "The issue date must be today or in the past")
    expires_on = data.get("expires_on")
    if expires_on is not None and issued_on is not None and expires_on <= issued_on:
        add("expires_on", "The expiry date must be after the issue date")
    if kind == CredentialKind.DBS:
        if not data.get("dbs_level"):
            add("dbs_level", "Choose the level of the DBS check")
    elif data.get("dbs_level") or data.get("dbs_update_service"):
        add("dbs_level", "DBS level and update service apply only to DBS checks")
    if kind == CredentialKind.PROFESSIONAL_REGISTRATION:
        if not data.get("register"):
            add("register", "Choose the professional register")
        if not (data.get("reference") or "").strip():
            add("reference", "Enter the registration number")
        if expires_on is None:
            add("expires_on", "Enter the date the registration must be renewed by")
    elif data.get("register"):
        add("register", "A register applies only to a professional registration")
    if kind == CredentialKind.TRAINING and not (data.get("subject") or "").strip():
        add("subject", "Enter the training subject, such as Safeguarding adults level 2")
    return errors


def credential_record_check(*, actor, person: Person, organisation: Organisation) -> None:
    if not is_hr_admin(user=actor, organisation=organisation):
        raise ValidationError({"organisation": not_member_message(organisation)})
    if not people_visible_to(user=actor).filter(pk=person.pk).exists():
        raise PermissionDenied("This person does not work for your organisations.")
    if person.pk in own_person_ids(user=actor):
        raise ValidationError(OWN_CREDENTIAL)


@transaction.atomic
def passport_credential_record(
    *, actor, person: Person, organisation: Organisation, data: dict
) -> PassportCredential:
    """HR records a check they saw the evidence for. It waits for a second person to verify it."""
    credential_record_check(actor=actor, person=person, organisation=organisation)
    errors = credential_validate(data=data, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    fields = {name: data.get(name) for name in CREDENTIAL_FIELDS}
    for name in ("subject", "reference", "dbs_level", "register", "evidence_seen"):
        fields[name] = (fields[name] or "").strip()
    fields["dbs_update_service"] = bool(fields["dbs_update_service"])
    credential = PassportCredential(
        person=person, issued_by=organisation, recorded_by=actor, recorded_at=timezone.now(), **fields
    )
    credential.full_clean()
    credential._history_user = actor
    credential.save()
    audit(
        action="workforce.credential.recorded",
        actor=actor,
        obj=credential,
        summary=f"Recorded {credential.get_kind_display()} for person {person.pk}",
        detail={
            "person": person.pk,
            "issued_by": organisation.pk,
            "evidence_checked_on": str(fields["evidence_checked_on"]),
        },
    )
    return credential


@transaction.atomic
def passport_credential_verify(*, actor, credential: PassportCredential) -> PassportCredential:
    """A second HR administrator of the issuing organisation confirms the check: never the one who recorded it."""
    credential = PassportCredential.objects.select_for_update().get(pk=credential.pk)
    if not is_hr_admin(user=actor, organisation=credential.issued_by):
        raise PermissionDenied(
            "Only the issuing organisation's HR administrators can verify this credential."
        )
    if credential.person_id in own_person_ids(user=actor):
        raise field_error("credential", OWN_CREDENTIAL, "holder")
    if credential.recorded_by_id == actor.pk:
        raise field_error(
            "credential", "You recorded this credential, so someone else must verify it", "same_person"
        )
    if credential.is_verified:
        raise field_error("credential", "This credential is already verified", "verified")
    if credential.status == CredentialStatus.REVOKED:
        raise field_error("credential", "A revoked credential cannot be verified", "revoked")
    credential.verified_by = actor
    credential.verified_at = timezone.now()
    credential._history_user = actor
    credential.save(update_fields=["verified_by", "verified_at"])
    audit(
        action="workforce.credential.verified",
        actor=actor,
        obj=credential,
        summary=f"Verified credential {credential.pk}",
        detail={"recorded_by": credential.recorded_by_id},
    )
    return credential


@transaction.atomic
def passport_credential_respond(
    *, actor, credential: PassportCredential, response: str, reason: str = ""
) -> PassportCredential:
    """The holder accepts a credential issued to them, or rejects it with a reason (the issuer's HR is told)."""
    holder = person_for_user(user=actor)
    if holder is None or credential.person_id != holder.pk:
        raise PermissionDenied("Only the person the credential was issued to can accept or reject it.")
    if response not in (HolderResponse.ACCEPTED, HolderResponse.REJECTED):
        raise ValidationError({"response": "Choose whether you accept or reject this credential"})
    reason = reason.strip()
    if response == HolderResponse.REJECTED and not reason:
        raise ValidationError({"reason": "Give the reason you reject this credential, such as what is wrong"})
    credential.holder_response = response
    credential.holder_reason = reason if response == HolderResponse.REJECTED else ""
    credential.holder_responded_at = timezone.now()
    credential._history_user = actor
    credential.save(update_fields=["holder_response", "holder_reason", "holder_responded_at"])
    audit(
        action=f"workforce.credential.holder_{response}",
        actor=actor,
        obj=credential,
        summary=f"Holder {response} credential {credential.pk}",
        detail={"reason": credential.holder_reason},
    )
    if response == HolderResponse.REJECTED:
        pk = credential.pk
        transaction.on_commit(lambda: notify_credential_rejected_by_holder.enqueue(pk))
    return credential


@transaction.atomic
def passport_credential_set_status(
    *, credential: PassportCredential, actor, status: str, reason: str = ""
) -> None:
    """Revoke or reject a credential (each organisation that relied on it hears), or reinstate a revoked or rejected
    one. Reinstating needs a reason and makes it a new record by the one who reinstates it: its verification is
    cleared, so a second HR administrator must verify it again before it is shared or reused, and the
    organisations that relied on it hear. Nobody changes a credential of their own passport."""
    if status not in WITHDRAWN + LIVE:
        raise ValidationError({"status": "Choose the new status"})
    if not is_hr_admin(user=actor, organisation=credential.issued_by):
        raise PermissionDenied(
            "Only the issuing organisation's HR administrators can change this credential."
        )
    credential = PassportCredential.objects.select_for_update().get(pk=credential.pk)
    if credential.person_id in own_person_ids(user=actor):
        raise field_error("credential", OWN_CREDENTIAL, "holder")
    reinstating = status in LIVE and credential.status in WITHDRAWN
    if not reason.strip() and (status in WITHDRAWN or reinstating):
        raise ValidationError(
            {"status_reason": "Give the reason the credential is rejected, revoked or reinstated"}
        )
    previous = credential.status
    credential.status = status
    credential.status_reason = reason.strip()
    fields = ["status", "status_reason"]
    if reinstating:
        credential.recorded_by = actor
        credential.recorded_at = timezone.now()
        credential.verified_by = None
        credential.verified_at = None
        fields += ["recorded_by", "recorded_at", "verified_by", "verified_at"]
    credential._history_user = actor
    credential.save(update_fields=fields)
    audit(
        action="workforce.credential.reinstated" if reinstating else "workforce.credential.status_changed",
        actor=actor,
        obj=credential,
        summary=f"Credential {credential.pk} {'reinstated, to be verified again' if reinstating else status}",
        detail={"reason": reason.strip(), "from": previous, "to": status},
    )
    pk, event = credential.pk, f"{status}:{timezone.now().isoformat()}"
    if status in WITHDRAWN:
        # Every organisation that relied on it hears, once for each withdrawal.
        transaction.on_commit(lambda: notify_credential_withdrawn.enqueue(pk, event))
    elif reinstating:
        transaction.on_commit(lambda: notify_credential_reinstated.enqueue(pk, event))


def credential_reliances_record(
    *, credentials, organisation: Organisation, share=None
) -> list[CredentialReliance]:
    """Remember that `organisation` reused these credentials, so that it hears when one is revoked or expires."""
    known = set(
        CredentialReliance.objects.filter(organisation=organisation, credential__in=credentials).values_list(
            "credential_id", flat=True
        )
    )
    return CredentialReliance.objects.bulk_create(
        [
            CredentialReliance(credential=credential, organisation=organisation, share=share)
            for credential in credentials
            if credential.pk not in known
        ]
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
