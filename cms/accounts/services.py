"""Writes for accounts: second factors (authenticator apps and recovery codes) and their reset.

Who may call which is decided before these run (the views and the middleware): adding, replacing or removing a
factor needs a session verified with an existing factor or a recovery code, or a user with no factor yet. Each
write audits itself.
"""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.audit import audit

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"


def totp_device_pending(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first call so the QR code stays the same on reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, request=None) -> list[str]:
    """Make `device` the user's authenticator, replacing any other, and issue fresh recovery codes (returned
    once, to be shown once)."""
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit(
        action="auth.two_factor_replaced" if replaced else "auth.two_factor_enabled",
        actor=user,
        request=request,
        obj=user,
        summary="Replaced the authenticator app" if replaced else "Set up two-factor",
    )
    return recovery_codes_issue(user=user, request=request)


@transaction.atomic
def recovery_codes_issue(*, user, request=None) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; each works once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit(
        action="auth.recovery_codes_issued",
        actor=user,
        request=request,
        obj=user,
        summary=f"Issued {len(codes)} recovery codes",
    )
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_remove(*, user, request=None) -> None:
    """The user turns two-factor off (only where no role of theirs requires it)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit(
        action="auth.two_factor_disabled",
        actor=user,
        request=request,
        obj=user,
        summary="Turned off two-factor",
    )


@transaction.atomic
def two_factor_reset(*, actor, user, reason: str, request=None) -> None:
    """An administrator of the user's organisation removes a lost second factor. The user signs in with their
    password next time and sets up a new one (their roles may require it); they are told by e-mail."""
    from .tasks import notify_two_factor_reset

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    event = audit(
        action="auth.two_factor_reset",
        actor=actor,
        request=request,
        obj=user,
        summary=f"Reset the two-factor authentication of {user.email}"[:255],
        detail={"reason": reason, "user": user.email},
    )
    transaction.on_commit(lambda: notify_two_factor_reset.enqueue(event_id=event.pk))
