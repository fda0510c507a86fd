"""People and their roles at an organisation: invitations, granting and revoking roles, leavers.

An organisation's administrators (role `org_admin`) act for their own active organisations and hand out only the
roles whose powers stay within it; platform administrators act for any and hand out every role. An invitation
carries the authority of whoever sent it: it works only while they still administer the organisation, and their
waiting invitations are cancelled when they stop. Every write is audited and tells the person affected by e-mail,
queued in the same transaction (`transaction.on_commit`), so nothing is sent for a change that rolled back. An
organisation always keeps one administrator: the last one cannot lose the role or leave.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cms.accounts.roles import ORGANISATION_ROLES, ROLES_BY_KEY
from cms.accounts.services import (
    user_account_create,
    user_account_reactivate,
    user_deactivate,
    user_sessions_end,
)
from cms.audit import audit

from ..models import Invitation, Membership, Organisation
from ..roles import ORG_ADMIN
from ..selectors.organisations import (
    administered_organisations,
    administers,
    invitation_problem,
    invitation_token,
    invitations_sent_since,
    invitations_to_address_since,
    is_platform_admin,
    organisation_admins,
    roles_grantable_by,
    token_hash,
)
from ..tasks import notify_account_change, send_invitation
from .organisations import membership_grant, membership_revoke

ORGANISATION_ROLE_KEYS = frozenset(role.key for role in ORGANISATION_ROLES)
LAST_ADMIN_MESSAGE = (
    "{name} is the last administrator of {organisation}. Make someone else an administrator first."
)


def _require_admin(*, actor, organisation: Organisation) -> None:
    if not administers(user=actor, organisation=organisation):
        raise PermissionDenied("You do not administer this organisation")
    if not organisation.is_active:
        raise ValidationError(f"{organisation.name} is deactivated. Reactivate it first.")


def _tell(event) -> None:
    transaction.on_commit(lambda: notify_account_change.enqueue(event_id=event.pk))


def _check_roles(roles, *, actor, field: str = "roles") -> list[str]:
    """The roles, once each, if they are roles at an organisation that `actor` may hand out."""
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise ValidationError({field: "Choose at least one role"})
    unknown = [role for role in roles if role not in ORGANISATION_ROLE_KEYS]
    if unknown:
        raise ValidationError({field: f"Not a role at an organisation: {', '.join(unknown)}"})
    grantable = {role.key for role in roles_grantable_by(user=actor)}
    beyond = [ROLES_BY_KEY[role].name for role in roles if role not in grantable]
    if beyond:
        raise ValidationError(
            {
                field: f"Only a platform administrator can give the role of {', '.join(beyond)}: "
                "its powers reach beyond one organisation"
            }
        )
    return roles


def _invitations_of_former_admin_cancel(*, inviter, actor, request=None) -> None:
    """Cancel the waiting invitations `inviter` sent to organisations they no longer administer (they left, lost
    the role or the account), so none hands out roles on their authority afterwards."""
    now = timezone.now()
    stale = list(
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(invited_by=inviter, accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=now)
        .exclude(organisation__in=administered_organisations(user=inviter))
    )
    for invitation in stale:
        invitation.cancelled_at = now
        invitation.save(update_fields=["cancelled_at"])
        audit(
            action="invitation.cancelled",
            actor=actor,
            request=request,
            obj=invitation,
            summary=f"Cancelled the invitation of {invitation.email}: its sender no longer administers "
            f"{invitation.organisation.name}"[:255],
            detail={"reason": "inviter_no_longer_administers", "invited_by": inviter.pk},
        )


# --- invitations ------------------------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, actor, organisation: Organisation, email: str, roles, request=None) -> Invitation:
    """Invite `email` to take `roles` at `organisation`: a link that works once, for INVITATION_VALID_DAYS.
    A waiting invitation of the same address to the same organisation is replaced. Rate limited per inviter
    and per address."""
    _require_admin(actor=actor, organisation=organisation)
    email = get_user_model().objects.normalize_email(email or "").strip().lower()
    roles = _check_roles(roles, actor=actor)
    now = timezone.now()
    if invitations_sent_since(user=actor, since=now - datetime.timedelta(hours=1)) >= (
        settings.INVITATIONS_PER_HOUR
    ):
        raise ValidationError(
            {
                "email": f"You have sent {settings.INVITATIONS_PER_HOUR} invitations in the last hour. "
                "Try again later."
            }
        )
    if invitations_to_address_since(email=email, since=now - datetime.timedelta(days=1)) >= (
        settings.INVITATIONS_PER_ADDRESS_PER_DAY
    ):
        raise ValidationError({"email": "This address has been invited too often today. Try again tomorrow."})
    existing = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if existing is not None and existing.memberships.filter(organisation=organisation).exists():
        raise ValidationError(
            {"email": f"{existing.email} already has a role here: change their roles on their page instead"}
        )
    Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        roles=roles,
        nonce=secrets.token_hex(32),
        token_hash=secrets.token_hex(32),  # replaced below, once the id the token carries is known
        invited_by=actor,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.token_hash = token_hash(invitation_token(invitation))
    invitation.save(update_fields=["token_hash"])
    audit(
        action="invitation.sent",
        actor=actor,
        request=request,
        obj=invitation,
        summary=f"Invited {email} to {organisation.name}"[:255],
        detail={"email": email, "organisation_id": organisation.pk, "roles": roles},
    )
    transaction.on_commit(lambda: send_invitation.enqueue(invitation_id=invitation.pk))
    return invitation


@transaction.atomic
def invitation_cancel(*, actor, invitation: Invitation) -> None:
    _require_admin(actor=actor, organisation=invitation.organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending():
        raise ValidationError("This invitation can no longer be cancelled: it was used, cancelled or expired")
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    audit(
        action="invitation.cancelled",
        actor=actor,
        obj=invitation,
        summary=f"Cancelled the invitation of {invitation.email}"[:255],
    )


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user=None, first_name: str = "", last_name: str = "", password: str = ""
):
    """Use an invitation once. With `user` (signed in as the invited address) the roles are added to that
    account; otherwise the invited address gets an account with the name and password given. A deactivated account
    of that address is taken up again with nothing of its past: no role anywhere but the invitation's, no platform
    role, no second factor. Refused once whoever sent it no longer administers the organisation (or may no longer
    give one of its roles). Returns the account."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "invited_by")
        .get(pk=invitation.pk)
    )
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    User = get_user_model()
    if user is not None:
        if user.email.lower() != invitation.email.lower():
            raise ValidationError(
                f"This invitation is for {invitation.email}. Sign out, then open the link again."
            )
    else:
        existing = User.objects.filter(email__iexact=invitation.email).first()
        if existing is not None and existing.is_active:
            raise ValidationError(
                "An account with this e-mail address exists: sign in to accept the invitation."
            )
        if existing is not None:
            user = user_account_reactivate(
                user=existing, first_name=first_name, last_name=last_name, password=password
            )
            for membership in Membership.objects.filter(user=user).select_related("organisation"):
                membership_revoke(membership=membership, revoked_by=None)
        else:
            user = user_account_create(
                email=invitation.email, first_name=first_name, last_name=last_name, password=password
            )
    for role in invitation.roles:
        membership_grant(
            user=user, organisation=invitation.organisation, role=role, granted_by=invitation.invited_by
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(
        action="invitation.accepted",
        actor=user,
        obj=invitation,
        summary=f"{user.email} accepted the invitation to {invitation.organisation.name}"[:255],
        detail={"roles": invitation.roles},
    )
    return user


# --- roles and leavers ------------------------------------------------------------------------------------------


def _last_admin_check(*, organisation: Organisation, user, losing_admin: bool) -> None:
    """Refuse a change that would leave an active organisation without an administrator. The organisation row is
    locked first, so two administrators removing each other at once cannot both pass."""
    if not losing_admin:
        return
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    others = organisation_admins(organisation=organisation).exclude(pk=user.pk)
    if not others.exists():
        raise ValidationError(
            LAST_ADMIN_MESSAGE.format(name=user.get_full_name() or user.email, organisation=organisation.name)
        )


@transaction.atomic
def role_grant(*, actor, organisation: Organisation, user, role: str, request=None) -> Membership:
    """Give someone who already holds a role at the organisation another one there."""
    _require_admin(actor=actor, organisation=organisation)
    _check_roles([role], actor=actor, field="role")
    if user.pk == actor.pk and not is_platform_admin(user=actor):
        raise ValidationError({"role": "Another administrator must change your own roles"})
    if not user.memberships.filter(organisation=organisation).exists():
        raise ValidationError({"role": "Invite this person to the organisation first"})
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"role": f"{user} is already {ROLES_BY_KEY[role].name} here"})
    membership = membership_grant(user=user, organisation=organisation, role=role, granted_by=actor)
    event = audit(
        action="account.role_granted",
        actor=actor,
        request=request,
        obj=user,
        summary=f"{user.email} made {ROLES_BY_KEY[role].name} at {organisation.name}"[:255],
        detail={"user_id": user.pk, "organisation": organisation.name, "role": ROLES_BY_KEY[role].name},
    )
    _tell(event)
    return membership


@transaction.atomic
def role_revoke(*, actor, membership: Membership, request=None) -> None:
    organisation, user = membership.organisation, membership.user
    _require_admin(actor=actor, organisation=organisation)
    _last_admin_check(organisation=organisation, user=user, losing_admin=membership.role == ORG_ADMIN)
    role_name = ROLES_BY_KEY[membership.role].name
    membership_revoke(membership=membership, revoked_by=actor)
    _invitations_of_former_admin_cancel(inviter=user, actor=actor, request=request)
    event = audit(
        action="account.role_revoked",
        actor=actor,
        request=request,
        obj=user,
        summary=f"{user.email} no longer {role_name} at {organisation.name}"[:255],
        detail={"user_id": user.pk, "organisation": organisation.name, "role": role_name},
    )
    _tell(event)


@transaction.atomic
def member_leave(*, actor, organisation: Organisation, user, reason: str = "", request=None) -> bool:
    """A leaver: every role they hold at the organisation ends, and so does every session of theirs, at once.
    An account with no role left anywhere (and no platform role) is deactivated. Returns whether it was."""
    _require_admin(actor=actor, organisation=organisation)
    memberships = list(Membership.objects.filter(user=user, organisation=organisation))
    if not memberships:
        raise ValidationError(f"{user} holds no role at {organisation.name}")
    _last_admin_check(
        organisation=organisation, user=user, losing_admin=any(m.role == ORG_ADMIN for m in memberships)
    )
    for membership in memberships:
        membership_revoke(membership=membership, revoked_by=actor)
    deactivated = not user.memberships.exists() and not is_platform_admin(user=user)
    if deactivated:
        user_deactivate(user=user, actor=actor, reason=reason, request=request)
    else:
        user_sessions_end(user=user)
    _invitations_of_former_admin_cancel(inviter=user, actor=actor, request=request)
    event = audit(
        action="account.left_organisation",
        actor=actor,
        request=request,
        obj=user,
        summary=f"{user.email} left {organisation.name}"[:255],
        detail={
            "user_id": user.pk,
            "organisation": organisation.name,
            "roles": [ROLES_BY_KEY[m.role].name for m in memberships],
            "deactivated": deactivated,
            "reason": reason,
        },
    )
    _tell(event)
    return deactivated
