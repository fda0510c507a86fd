"""Writes for accounts: second factors (authenticator apps and recovery codes) and their reset.

Who may call which is decided before these run (the views and the middleware): adding, replacing or removing a
factor needs a session verified with an existing factor or a recovery code, or a user with no factor yet. Each
write audits itself.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models import F
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from cms.audit import audit

from .tasks import notify_two_factor_reset

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"


class PendingAuthenticator:
    """A secret being set up. It lives in the setting-up session only, never in the database, so no other
    session (an attacker's with the password) can see it or have it reused; it becomes a device on confirmation."""

    def __init__(self, *, user, key: str):
        self.device = TOTPDevice(user=user, key=key, name="Authenticator app", confirmed=False)

    @classmethod
    def for_session(cls, *, user, session) -> PendingAuthenticator:
        key = session.get(PENDING_KEY_SESSION) or random_hex(20)
        session[PENDING_KEY_SESSION] = key
        return cls(user=user, key=key)

    @property
    def bin_key(self) -> bytes:
        return self.device.bin_key

    @property
    def config_url(self) -> str:
        return self.device.config_url

    def verify_token(self, token: str) -> bool:
        device = self.device
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if totp.verify(int(token), device.tolerance):
            device.last_t = totp.t()  # the same code cannot then be replayed on the verify page
            return True
        return False


PENDING_KEY_SESSION = "two_factor_pending_key"


@transaction.atomic
def totp_device_confirm(*, user, pending: PendingAuthenticator, request=None) -> tuple[TOTPDevice, list[str]]:
    """Make the pending authenticator the user's one device, replacing any other, and issue fresh recovery
    codes (returned once, to be shown once)."""
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).delete()
    device = pending.device
    device.confirmed = True
    device.save()
    if request is not None:
        request.session.pop(PENDING_KEY_SESSION, None)
    audit(
        action="auth.two_factor_replaced" if replaced else "auth.two_factor_enabled",
        actor=user,
        request=request,
        obj=user,
        summary="Replaced the authenticator app" if replaced else "Set up two-factor",
    )
    return device, recovery_codes_issue(user=user, request=request)


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
def user_sessions_end(*, user) -> None:
    """End every session of `user` at once, wherever it is (Django checks the session hash on each request)."""
    type(user).objects.filter(pk=user.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    user.refresh_from_db(fields=["sessions_epoch"])


@transaction.atomic
def two_factor_reset(*, actor, user, reason: str, request=None) -> None:
    """An administrator removes a colleague's lost second factor. Their password stops working and every session
    of theirs ends, so whoever holds only the password cannot enrol a factor of their own: the person chooses a
    new password from the link e-mailed to them, then sets up a new authenticator (their roles may require it)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user_sessions_end(user=user)
    event = audit(
        action="auth.two_factor_reset",
        actor=actor,
        request=request,
        obj=user,
        summary=f"Reset the two-factor authentication of {user.email}"[:255],
        detail={"reason": reason, "user": user.email},
    )
    transaction.on_commit(lambda: notify_two_factor_reset.enqueue(event_id=event.pk))
