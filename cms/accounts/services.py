"""Writes for accounts: two-factor devices."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.audit import audit


def totp_device_pending(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first call so the QR code stays the same on reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, request=None) -> TOTPDevice:
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit(
        action="auth.two_factor_enabled", actor=user, request=request, obj=user, summary="Set up two-factor"
    )
    return device
