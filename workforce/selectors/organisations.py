"""Who administers which organisation, the people and roles of an organisation, and invitations.

Platform administrators administer every organisation (inactive ones too, so they can reactivate them);
organisation administrators the active organisations where they hold the role. Getters refuse, and audit, the
rest: 403 for someone who administers nothing, 404 for an organisation outside their scope.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from cms.access import has_permission
from cms.accounts.roles import ORGANISATION_ROLES, ORGANISATION_SCOPED_ROLES, Role
from cms.audit import audit_refusal

from ..models import Invitation, Membership, Organisation
from ..roles import MANAGE_ACCOUNTS, MANAGE_ORGANISATIONS, ORG_ADMIN

INVITATION_SALT = "workforce.invitation"


def is_platform_admin(*, user) -> bool:
    return has_permission(user, MANAGE_ORGANISATIONS)


def roles_grantable_by(*, user) -> tuple[Role, ...]:
    """The roles `user` may hand out at an organisation they administer. A role whose powers reach beyond one
    organisation (data protection officer, auditor, analyst, editor, consultation moderator, safeguarding lead)
    is a platform administrator's to give: an organisation administrator gives only the organisation's own."""
    return ORGANISATION_ROLES if is_platform_admin(user=user) else ORGANISATION_SCOPED_ROLES


def administered_organisations(*, user) -> QuerySet[Organisation]:
    """The organisations whose people and roles `user` administers."""
    if is_platform_admin(user=user):
        return Organisation.objects.all()
    if not has_permission(user, MANAGE_ACCOUNTS):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        is_active=True,
        pk__in=user.memberships.filter(role=ORG_ADMIN).values("organisation_id"),
    )


def administers(*, user, organisation: Organisation) -> bool:
    return administered_organisations(user=user).filter(pk=organisation.pk).exists()


def organisations_for_table(*, user) -> QuerySet[Organisation]:
    return (
        administered_organisations(user=user)
        .select_related("icb")
        .annotate(member_count=Count("memberships__user", distinct=True))
    )


def organisation_get_for_admin(*, user, pk: int, request=None) -> Organisation:
    organisation = administered_organisations(user=user).filter(pk=pk).first()
    if organisation is None:
        allowed = has_permission(user, MANAGE_ACCOUNTS)
        audit_refusal(
            user=user,
            request=request,
            object_type="workforce.organisation",
            object_id=pk,
            reason="not_visible" if allowed else "not_an_administrator",
        )
        if not allowed:
            raise PermissionDenied
        raise Http404("No such organisation")
    return organisation


def organisation_memberships(*, organisation: Organisation) -> QuerySet[Membership]:
    """Who holds what at the organisation: one row per role held."""
    return Membership.objects.filter(organisation=organisation).select_related("user", "granted_by")


def organisation_member_get(*, organisation: Organisation, user_pk: int):
    """A person who holds a role at the organisation, or 404."""
    member = (
        get_user_model().objects.filter(pk=user_pk, memberships__organisation=organisation).distinct().first()
    )
    if member is None:
        raise Http404("No such person at this organisation")
    return member


def organisation_admins(*, organisation: Organisation) -> QuerySet:
    """The active accounts that administer the organisation."""
    return get_user_model().objects.filter(
        is_active=True, memberships__organisation=organisation, memberships__role=ORG_ADMIN
    )


def invitations_pending(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        cancelled_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def invitation_get_for_admin(*, user, organisation: Organisation, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(organisation=organisation, pk=pk).first()
    if invitation is None or not administers(user=user, organisation=organisation):
        raise Http404("No such invitation")
    return invitation


# --- the invitation link --------------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The link's token: the invitation's id and a signature of its nonce with the site's secret key. It can be
    made again (for the e-mail task) but never read from the database alone."""
    signature = salted_hmac(
        INVITATION_SALT, f"{invitation.pk}:{invitation.nonce}", algorithm="sha256"
    ).hexdigest()
    return f"{invitation.pk}-{signature}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token opens, in whatever state it is (the view says why one cannot be used), or
    None for a token that matches none. The stored hash is compared in constant time."""
    pk, _, signature = (token or "").partition("-")
    if not pk.isdigit() or not signature or len(token) > 200:
        return None
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=int(pk)).first()
    if invitation is None or not constant_time_compare(token_hash(token), invitation.token_hash):
        return None
    return invitation


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why an invitation link cannot be used, in words for the person who opened it; None when it can."""
    if invitation is None:
        return "This invitation link is not valid. Check that you copied the whole link from the e-mail."
    if invitation.accepted_at is not None:
        return "This invitation link has already been used. Sign in with the account it set up."
    if invitation.cancelled_at is not None:
        return "This invitation was cancelled. Ask your organisation's administrator for a new one."
    if invitation.expires_at <= timezone.now():
        return "This invitation link has expired. Ask your organisation's administrator for a new one."
    if not invitation.organisation.is_active:
        return "The organisation that invited you no longer uses this service."
    if not invitation_sender_stands_behind(invitation):
        return (
            "This invitation no longer stands: whoever sent it no longer administers "
            f"{invitation.organisation.name}. Ask your organisation's administrator for a new one."
        )
    return None


def invitation_sender_stands_behind(invitation: Invitation) -> bool:
    """Whether the one who sent the invitation could send it today: an active account that still administers the
    organisation and may still give each of its roles. An invitation carries its sender's authority, no more."""
    inviter = invitation.invited_by
    if inviter is None or not administers(user=inviter, organisation=invitation.organisation):
        return False
    return set(invitation.roles) <= {role.key for role in roles_grantable_by(user=inviter)}


def invitations_sent_since(*, user, since) -> int:
    return Invitation.objects.filter(invited_by=user, created_at__gte=since).count()


def invitations_to_address_since(*, email: str, since) -> int:
    return Invitation.objects.filter(Q(email__iexact=email), created_at__gte=since).count()
