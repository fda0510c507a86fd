"""Writes for the workforce app. Every service is atomic and writes its own audit record."""

from __future__ import annotations

from django.db import transaction

from cms.accounts.roles import ROLES_BY_KEY, group_for
from cms.audit import audit

from .models import Membership, Organisation


@transaction.atomic
def membership_grant(*, user, organisation: Organisation, role: str, granted_by=None) -> Membership:
    """Give `user` the role at `organisation` (idempotent) and the group that carries the role's permissions."""
    if role not in ROLES_BY_KEY:
        raise ValueError(f"Unknown role {role!r}")
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"granted_by": granted_by}
    )
    user.groups.add(group_for(role))
    if created:
        audit(
            action="membership.granted",
            actor=granted_by,
            obj=membership,
            summary=f"{user.email} made {ROLES_BY_KEY[role].name} at {organisation.name}",
            actor_label="" if granted_by else "system",
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
        actor_label="" if revoked_by else "system",
    )
    membership.delete()
    if not Membership.objects.filter(user=user, role=role).exists():
        user.groups.remove(group_for(role))
