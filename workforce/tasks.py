"""Background work for workforce: the invitation e-mail and telling a person that their roles or account changed;
and for the staff passport, telling the organisations that relied on a credential when it is revoked or expires,
telling the issuer when the holder rejects one, and reminding holders and HR of expiries.

Each e-mail is sent once however often its task runs (`cms.taskqueue.email_send_once`). The tasks take only ids,
so no link's token ever sits in the task queue, and passport e-mails carry a link and the kind of check, never
the evidence. The expiry reminders are scheduled daily by cms/schedule.py; `manage.py passport_expiry_reminders`
runs the same work by hand.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from cms.accounts.models import AuditEvent
from cms.links import absolute_url
from cms.taskqueue import email_send_once
from cms.times import datetime_nhs

from .models import CredentialReliance, Invitation, PassportCredential
from .roles import HR_ADMIN
from .selectors.organisations import invitation_problem, invitation_token
from .vocabulary import CredentialStatus


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
def notify_work_email_changed(event_id: int) -> int:
    """Tell the person whose work e-mail an HR administrator changed, at the old address and the new, from the
    audit row of the change: the address links their record and passport to an account."""
    event = AuditEvent.objects.filter(pk=event_id, action="workforce.person.work_email_changed").first()
    if event is None:
        return 0
    old, new = event.detail.get("from", ""), event.detail.get("to", "")
    recipients = sorted({address for address in (old, new) if address})
    if not recipients:
        return 0
    sent = email_send_once(
        task="workforce.work_email_changed",
        key=str(event.pk),
        subject="The work e-mail address on your staff record changed",
        body=(
            f"The work e-mail address on your staff record was changed from {old or '(none)'} to "
            f"{new or '(none)'} by {event.actor_label}. The account that signs in with the new address sees "
            "your staff passport and can share it.\n\n"
            "If you did not expect this, contact your HR team at once."
        ),
        to=recipients,
    )
    return len(recipients) if sent else 0


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


EXPIRY_REMINDER_DAYS = 30
# Credentials that expired this long ago or less are still reported to those who relied on them (a scheduler
# that was down for a few days catches up; older expiries were reported then).
EXPIRED_LOOKBACK_DAYS = 14


def hr_addresses(organisation_id: int) -> list[str]:
    return list(
        get_user_model()
        .objects.filter(
            memberships__organisation_id=organisation_id, memberships__role=HR_ADMIN, is_active=True
        )
        .values_list("email", flat=True)
        .distinct()
        .order_by("email")
    )


class HRAddresses(dict):
    """The HR administrators' addresses of each organisation, read once per run of a task."""

    def __missing__(self, organisation_id: int) -> list[str]:
        self[organisation_id] = hr_addresses(organisation_id)
        return self[organisation_id]


def _tell_relying_organisations(
    credential: PassportCredential, *, event: str, what: str, addresses: HRAddresses | None = None
) -> int:
    addresses = HRAddresses() if addresses is None else addresses
    link = absolute_url(reverse("workforce:passport_relied_on"))
    sent = 0
    for reliance in credential.reliances.select_related("organisation"):
        recipients = addresses[reliance.organisation_id]
        if recipients and email_send_once(
            task="workforce.credential_withdrawn",
            key=f"{credential.pk}:{reliance.organisation_id}:{event}",
            subject=f"A passport check your organisation reused has {what}",
            body=(
                f"A {credential.get_kind_display()} that {reliance.organisation.name} reused from a staff "
                f"passport has {what}. Check whether it must be repeated: {link}\n"
            ),
            to=recipients,
        ):
            sent += 1
    return sent


@task()
def notify_credential_withdrawn(credential_id: int, event: str) -> int:
    """Tell every organisation that relied on the credential that its issuer revoked or rejected it."""
    credential = PassportCredential.objects.filter(pk=credential_id).first()
    if credential is None or credential.status not in (CredentialStatus.REVOKED, CredentialStatus.REJECTED):
        return 0  # reinstated before this ran
    return _tell_relying_organisations(credential, event=event, what=f"been {credential.status}")


@task()
def notify_credential_reinstated(credential_id: int, event: str) -> int:
    """Tell every organisation that relied on a revoked or rejected credential that its issuer reinstated it, to
    be verified again by a second person."""
    credential = PassportCredential.objects.filter(pk=credential_id).first()
    if credential is None or credential.status not in (CredentialStatus.ISSUED, CredentialStatus.ACCEPTED):
        return 0  # withdrawn again before this ran
    return _tell_relying_organisations(
        credential, event=event, what="been reinstated by its issuer, to be verified again by a second person"
    )


@task()
def notify_credential_rejected_by_holder(credential_id: int) -> int:
    """Tell the issuing organisation's HR administrators that the holder rejected a credential."""
    credential = PassportCredential.objects.filter(pk=credential_id).first()
    if credential is None or credential.holder_responded_at is None:
        return 0
    recipients = hr_addresses(credential.issued_by_id)
    if not recipients:
        return 0
    link = absolute_url(reverse("workforce:person_detail", args=[credential.person_id]))
    email_send_once(
        task="workforce.credential_rejected_by_holder",
        key=f"{credential.pk}:{credential.holder_responded_at.isoformat()}",
        subject="A member of staff rejected a passport credential",
        body=f"The holder of a {credential.get_kind_display()} your organisation recorded rejected it: {link}\n",
        to=recipients,
    )
    return len(recipients)


@dataclass
class ExpiryRun:
    holders_reminded: int = 0
    issuers_reminded: int = 0
    relying_told: int = 0


def passport_expiries_chase(
    *, today: datetime.date | None = None, days: int = EXPIRY_REMINDER_DAYS
) -> ExpiryRun:
    """Remind the holder and the issuing HR of credentials expiring within `days`, once per expiry date; tell
    the organisations that relied on a credential once it has expired."""
    today = today or timezone.localdate()
    run = ExpiryRun()
    addresses = HRAddresses()
    live = PassportCredential.objects.filter(
        verified_at__isnull=False, status__in=(CredentialStatus.ISSUED, CredentialStatus.ACCEPTED)
    ).select_related("person", "issued_by")
    expiring = live.filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days))
    link = absolute_url(reverse("workforce:my_passport"))
    for credential in expiring.iterator(chunk_size=500):
        when = f"{credential.expires_on.day} {credential.expires_on:%B %Y}"
        key = f"{credential.pk}:{credential.expires_on.isoformat()}"
        if credential.person.work_email and email_send_once(
            task="workforce.passport_expiry.holder",
            key=key,
            subject="A check on your staff passport is about to expire",
            body=f"Your {credential.get_kind_display()} expires on {when}. See your passport: {link}\n",
            to=[credential.person.work_email],
        ):
            run.holders_reminded += 1
        recipients = addresses[credential.issued_by_id]
        if recipients and email_send_once(
            task="workforce.passport_expiry.issuer",
            key=key,
            subject="A passport credential your organisation issued is about to expire",
            body=(
                f"A {credential.get_kind_display()} your organisation recorded expires on {when}: "
                f"{absolute_url(reverse('workforce:person_detail', args=[credential.person_id]))}\n"
            ),
            to=recipients,
        ):
            run.issuers_reminded += 1
    expired = live.filter(
        expires_on__lt=today,
        expires_on__gte=today - datetime.timedelta(days=EXPIRED_LOOKBACK_DAYS),
        pk__in=CredentialReliance.objects.values("credential_id"),
    )
    for credential in expired.iterator(chunk_size=500):
        run.relying_told += _tell_relying_organisations(
            credential,
            event=f"expired:{credential.expires_on.isoformat()}",
            what="expired",
            addresses=addresses,
        )
    return run


@task()
def passport_expiry_reminders(days: int = EXPIRY_REMINDER_DAYS) -> dict:
    """Run daily by the scheduler: expiry reminders, and expiries told to those who relied on the credential."""
    run = passport_expiries_chase(days=days)
    return {
        "holders_reminded": run.holders_reminded,
        "issuers_reminded": run.issuers_reminded,
        "relying_told": run.relying_told,
    }
