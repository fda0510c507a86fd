"""Organisations and memberships: who holds which role where."""

from __future__ import annotations

from django.db import transaction

from cms.accounts.roles import ROLES_BY_KEY, group_for
from cms.audit import audit

from ..models import Membership, Organisation
from ..selectors.access import hr_organisations_forget


@transaction.atomic
def membership_grant(*, user, organisation: Organisation, role: str, granted_by=None) -> Membership:
    """Give `user` the role at `organisation` (idempotent) and the group that carries the role's permissions."""
    if role not in ROLES_BY_KEY:
        raise ValueError(f"Unknown role {role!r}")
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
    )
    membership.delete()
    if not Membership.objects.filter(user=user, role=role).exists():
        user.groups.remove(group_for(role))
    hr_organisations_forget(user=user)


def not_member_message(organisation: Organisation) -> str:
    """The refusal for someone who is not HR administrator at `organisation`."""
    return f"You are not an HR administrator at {organisation.display_name}"
