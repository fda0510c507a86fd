"""Organisations and memberships: who holds which role where."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from cms.access import require_permission
from cms.accounts.roles import ROLES_BY_KEY, group_for
from cms.audit import audit

from ..models import Membership, Organisation, OrganisationType
from ..roles import MANAGE_ORGANISATIONS
from ..selectors.access import hr_organisations_forget

ORGANISATION_FIELDS = (
    "name",
    "short_name",
    "organisation_type",
    "region",
    "ods_code",
    "cqc_provider_id",
    "local_authority_code",
    "icb",
)


@transaction.atomic
def membership_grant(*, user, organisation: Organisation, role: str, granted_by=None) -> Membership:
    """Give `user` the role at `organisation` (idempotent) and the group that carries the role's permissions."""
    if role not in ROLES_BY_KEY:
        raise ValueError(f"Unknown role {role!r}")
    if ROLES_BY_KEY[role].platform_wide:
        raise ValueError(f"{ROLES_BY_KEY[role].name} is held across the platform, not at one organisation")
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"granted_by": granted_by}
    )
    user.groups.add(group_for(role))
    hr_organisations_forget(user=user)
    if created:
        audit(
            action="membership.granted",
            actor=granted_by,
            obj=membership,
            summary=f"{user.email} made {ROLES_BY_KEY[role].name} at {organisation.name}",
            detail={"user_id": user.pk, "organisation_id": organisation.pk, "role": role},
        )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, revoked_by=None) -> None:
    user, role = membership.user, membership.role
    audit(
        action="membership.revoked",
        actor=revoked_by,
        obj=membership,
        summary=f"{user.email} no longer {ROLES_BY_KEY[role].name} at {membership.organisation.name}",
        detail={"user_id": user.pk, "organisation_id": membership.organisation_id, "role": role},
    )
    membership.delete()
    if not Membership.objects.filter(user=user, role=role).exists():
        user.groups.remove(group_for(role))
    hr_organisations_forget(user=user)


def not_member_message(organisation: Organisation) -> str:
    """The refusal for someone who is not HR administrator at `organisation`."""
    return f"You are not an HR administrator at {organisation.display_name}"


# --- organisations ----------------------------------------------------------------------------------------------


def organisation_validate(*, organisation: Organisation) -> None:
    """The rules every write checks, with the message beside the field: a unique name and ODS code (saying which
    organisation has it), a parent that is an integrated care board, and the model's own validators."""
    errors: dict[str, list[str]] = {}
    others = Organisation.objects.exclude(pk=organisation.pk)
    if organisation.ods_code:
        holder = others.filter(ods_code=organisation.ods_code).first()
        if holder is not None:
            errors.setdefault("ods_code", []).append(
                f"{holder.name} already has the ODS code {organisation.ods_code}"
            )
    if organisation.name and others.filter(name__iexact=organisation.name).exists():
        errors.setdefault("name", []).append("Another organisation already has this name")
    if organisation.icb_id is not None:
        if organisation.icb_id == organisation.pk:
            errors.setdefault("icb", []).append("An organisation cannot be its own integrated care board")
        elif organisation.icb.organisation_type != OrganisationType.INTEGRATED_CARE_BOARD:
            errors.setdefault("icb", []).append("Choose an integrated care board")
    try:
        organisation.full_clean(exclude=["sector", *errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _changes(organisation: Organisation, fields: dict) -> dict:
    changed = {}
    for name, value in fields.items():
        before = getattr(organisation, name)
        if before != value:
            changed[name] = [str(before or ""), str(value or "")]
            setattr(organisation, name, value)
    return changed


@transaction.atomic
def organisation_create(*, actor, **fields) -> Organisation:
    """A platform administrator adds an organisation (actor None: the system itself, for the demo world and
    commands). Its sector follows from its type."""
    _require_platform_admin(actor)
    organisation = Organisation(**{name: fields.get(name) or _blank(name) for name in ORGANISATION_FIELDS})
    organisation.sector = OrganisationType.sector_for(organisation.organisation_type)
    organisation_validate(organisation=organisation)
    organisation.save()
    audit(
        action="organisation.created",
        actor=actor,
        obj=organisation,
        summary=f"Created the organisation {organisation.name}"[:255],
        detail={"ods_code": organisation.ods_code},
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **fields) -> Organisation:
    _require_platform_admin(actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = _changes(
        organisation,
        {name: fields.get(name) or _blank(name) for name in ORGANISATION_FIELDS if name in fields},
    )
    organisation.sector = OrganisationType.sector_for(organisation.organisation_type)
    organisation_validate(organisation=organisation)
    if changed:
        organisation.save()
        audit(
            action="organisation.changed",
            actor=actor,
            obj=organisation,
            summary=f"Changed {', '.join(changed)} of {organisation.name}"[:255],
            detail={"changed": changed},
        )
    return organisation


@transaction.atomic
def organisation_set_active(
    *, actor, organisation: Organisation, active: bool, reason: str = ""
) -> Organisation:
    """Deactivate (or reactivate) an organisation. While inactive its records are out of every member's scope
    (`selectors.access.organisations_for_user`), so its people's roles there open nothing."""
    _require_platform_admin(actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.is_active == active:
        raise ValidationError(f"{organisation.name} is already {'active' if active else 'deactivated'}")
    if not active and not reason.strip():
        raise ValidationError({"reason": "Enter why you are deactivating the organisation"})
    organisation.is_active = active
    organisation.save(update_fields=["is_active"])
    audit(
        action="organisation.reactivated" if active else "organisation.deactivated",
        actor=actor,
        obj=organisation,
        summary=f"{'Reactivated' if active else 'Deactivated'} {organisation.name}"[:255],
        detail={"reason": reason} if reason else None,
    )
    return organisation


def _require_platform_admin(actor) -> None:
    if actor is not None:
        require_permission(actor, MANAGE_ORGANISATIONS)


def _blank(name: str):
    return None if name == "icb" else ""
