"""Background work for accounts: telling a person that their account's security changed."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from cms.taskqueue import email_send_once


@task()
def notify_two_factor_reset(event_id: int) -> bool:
    """E-mail the person whose two-factor authentication an administrator reset (the audit entry says who)."""
    from .models import AuditEvent, User

    event = AuditEvent.objects.filter(pk=event_id, action="auth.two_factor_reset").first()
    user = event and User.objects.filter(pk=event.object_id).first()
    if user is None:
        return False
    sign_in = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("accounts:login")
    return email_send_once(
        task="accounts.two_factor_reset",
        key=str(event.pk),
        subject="Your two-factor authentication was reset",
        body=(
            f"{event.actor_label} reset the two-factor authentication of your account on "
            f"{event.at:%d %B %Y at %H:%M}.\n\n"
            f"Next time you sign in ({sign_in}) you will be asked to set up an authenticator app again.\n\n"
            "If you did not ask for this, tell your organisation's administrator and your information "
            "governance team straight away."
        ),
        to=[user.email],
    )
