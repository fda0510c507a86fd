"""Background work for accounts: password-reset links, and telling a person that their account's security
changed. E-mails go from a task so that a reset request answers in the same time whether or not the account
exists."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from cms.links import absolute_url
from cms.taskqueue import email_send_once
from cms.times import datetime_nhs

from .models import AuditEvent, User


def _reset_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


@task()
def send_password_reset(email: str, request_id: str) -> int:
    """Send a reset link to each active account with this (normalised) e-mail; nothing for an unknown one."""
    sent = 0
    for user in User.objects.filter(email__iexact=email, is_active=True):
        link = _reset_link(user)
        sent += email_send_once(
            task="accounts.password_reset",
            key=f"{request_id}:{user.pk}",  # one e-mail per request and account however often the task runs
            subject="Reset your NHS Covenant password",
            body=(
                f"Someone asked to reset the password of the NHS Covenant account for {user.email}.\n\n"
                f"To choose a new password, open this link within one hour:\n{link}\n\n"
                "If you did not ask for this, you can ignore this e-mail: your password stays the same."
            ),
            to=[user.email],
        )
    return sent


@task()
def notify_two_factor_reset(event_id: int) -> bool:
    """E-mail the person whose two-factor authentication an administrator reset, with a link to choose a new
    password (their old one stopped working with the reset)."""
    event = AuditEvent.objects.filter(pk=event_id, action="auth.two_factor_reset").first()
    user = event and User.objects.filter(pk=event.object_id, is_active=True).first()
    if user is None:
        return False
    return email_send_once(
        task="accounts.two_factor_reset",
        key=str(event.pk),
        subject="Your two-factor authentication was reset",
        body=(
            f"{event.actor_label} reset the two-factor authentication of your account on "
            f"{datetime_nhs(event.at)}. Your password and every signed-in session stopped working.\n\n"
            f"Choose a new password within one hour with this link:\n{_reset_link(user)}\n"
            f"(after an hour, ask for a new link at {absolute_url(reverse('accounts:password_reset'))}).\n"
            "Then sign in and set up an authenticator app again.\n\n"
            "If you did not ask for this, tell your organisation's administrator and your information "
            "governance team straight away."
        ),
        to=[user.email],
    )
