"""Writes for accounts: second factors (authenticator apps and recovery codes) and their reset.

Who may call which is decided before these run (the views and the middleware): adding, replacing or removing a
factor needs a session verified with an existing factor or a recovery code, or a user with no factor yet. Each
write audits itself.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from cms.audit import audit

from .roles import group_for
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


# --- accounts: created from an invitation or a command, platform administrators, leavers -----------------------

PLATFORM_ADMIN = "platform_admin"


@transaction.atomic
def user_account_create(
    *, email: str, first_name: str, last_name: str, password: str, job_title: str = "", actor=None
):
    """A new account that signs in with `email`. The password is checked by the site's validators (the error is
    beside the password field); an address already in use is refused beside the e-mail."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this e-mail address already exists"})
    if not first_name.strip() or not last_name.strip():
        raise ValidationError({"first_name": "Enter your first name and last name"})
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), job_title=job_title)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit(action="account.created", actor=actor or user, obj=user, summary=f"Created the account {email}")
    return user


@transaction.atomic
def user_account_reactivate(*, user, first_name: str, last_name: str, password: str, actor=None):
    """A deactivated account taken up again through an invitation: new name and password, active again, and
    nothing of what it could do before. Whoever holds the address now starts afresh: every group (so every role,
    platform administrator too), the account's own permissions, the superuser and staff flags and its second
    factors are dropped, and the audit row says what was. The caller grants the roles the invitation names."""
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    dropped = {
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app_label}.{codename}"
            for app_label, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
        "flags": [flag for flag in ("is_superuser", "is_staff") if getattr(user, flag)],
        "two_factor_devices": TOTPDevice.objects.filter(user=user).count()
        + StaticDevice.objects.filter(user=user).count(),
    }
    user.groups.clear()
    user.user_permissions.clear()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.set_password(password)
    user.is_active, user.is_superuser, user.is_staff = True, False, False
    user.save()
    user_sessions_end(user=user)
    audit(
        action="account.reactivated",
        actor=actor or user,
        obj=user,
        summary=f"Reactivated {user.email}",
        detail={"dropped": dropped},
    )
    return user


@transaction.atomic
def user_deactivate(*, user, actor, reason: str = "", request=None) -> None:
    """A leaver: the account can no longer sign in, and every session of theirs ends at once."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_sessions_end(user=user)
    audit(
        action="account.deactivated",
        actor=actor,
        request=request,
        obj=user,
        summary=f"Deactivated the account of {user.email}"[:255],
        detail={"reason": reason} if reason else None,
    )


def platform_admins():
    return get_user_model().objects.filter(groups=group_for(PLATFORM_ADMIN), is_active=True)


@transaction.atomic
def platform_admin_grant(*, user, granted_by=None) -> None:
    """Make `user` a platform administrator: the role is held through its group, across every organisation."""
    user.groups.add(group_for(PLATFORM_ADMIN))
    audit(
        action="auth.platform_admin_granted",
        actor=granted_by,
        obj=user,
        summary=f"{user.email} made platform administrator"[:255],
    )


@transaction.atomic
def platform_admin_revoke(*, user, revoked_by=None) -> None:
    others = platform_admins().exclude(pk=user.pk).select_for_update()
    if not list(others):
        raise ValidationError("The platform must keep at least one platform administrator")
    user.groups.remove(group_for(PLATFORM_ADMIN))
    audit(
        action="auth.platform_admin_revoked",
        actor=revoked_by,
        obj=user,
        summary=f"{user.email} no longer platform administrator"[:255],
    )
