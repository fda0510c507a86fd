"""Background work for organisations and accounts: the invitation e-mail, and telling a person that their roles
or account changed. Each e-mail is sent once however often its task runs (`email_send_once`); the tasks take
only ids, so no link's token ever sits in the task queue."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task

from cms.accounts.models import AuditEvent
from cms.links import absolute_url
from cms.taskqueue import email_send_once
from cms.times import datetime_nhs

from .models import Invitation
from .selectors.organisations import invitation_problem, invitation_token


@task()
def send_invitation(invitation_id: int) -> bool:
    """E-mail the invitation link; nothing once the invitation was used, cancelled or expired."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation_problem(invitation):
        return False
    link = absolute_url(reverse("workforce:invitation_accept", args=[invitation_token(invitation)]))
    inviter = invitation.invited_by.get_full_name() if invitation.invited_by else "An administrator"
    return email_send_once(
        task="workforce.invitation",
        key=str(invitation.pk),
        subject=f"You are invited to the NHS Covenant service by {invitation.organisation.name}"[:200],
        body=(
            f"{inviter} invited you to use the NHS Covenant service at {invitation.organisation.name}, as: "
            f"{', '.join(invitation.role_names)}.\n\n"
            f"To accept, open this link by {datetime_nhs(invitation.expires_at)}. It works once:\n{link}\n\n"
            "If you did not expect this e-mail, you can ignore it."
        ),
        to=[invitation.email],
    )


CHANGES = {
    "account.role_granted": "You were made {role} at {organisation}.",
    "account.role_revoked": "You are no longer {role} at {organisation}.",
    "account.left_organisation": "Your roles at {organisation} ended ({roles}). You were signed out everywhere.",
}


@task()
def notify_account_change(event_id: int) -> bool:
    """Tell the person whose roles or account an administrator changed, from the audit row of the change."""
    event = AuditEvent.objects.filter(pk=event_id, action__in=CHANGES).first()
    user = event and get_user_model().objects.filter(pk=event.detail.get("user_id")).first()
    if user is None:
        return False
    detail = event.detail
    text = CHANGES[event.action].format(
        role=detail.get("role", ""),
        organisation=detail.get("organisation", ""),
        roles=", ".join(detail.get("roles", [])),
    )
    if detail.get("deactivated"):
        text += " Your account was deactivated: you can no longer sign in."
    return email_send_once(
        task="workforce.account_change",
        key=str(event.pk),
        subject="Your NHS Covenant account changed",
        body=(
            f"{text}\n\nThe change was made by {event.actor_label}.\n\n"
            "If you think this is a mistake, contact your organisation's administrator."
        ),
        to=[user.email],
    )
