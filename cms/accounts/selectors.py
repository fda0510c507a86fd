"""Reads for accounts: second factors, and who an administrator may help."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import ROLES_BY_KEY

# The role that administers an organisation's accounts (it resets a colleague's lost second factor).
ACCOUNT_ADMIN_ROLE = "hr_admin"


def has_second_factor(*, user) -> bool:
    """True once the user has a confirmed authenticator: from then on a password alone signs them in to nothing."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required(*, user) -> bool:
    return any(ROLES_BY_KEY[key].requires_two_factor for key in user.role_keys)


def users_resettable_by(*, actor) -> QuerySet:
    """Accounts that hold a role at an organisation where `actor` is the account administrator, not `actor`."""
    organisations = actor.memberships.filter(role=ACCOUNT_ADMIN_ROLE).values("organisation_id")
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id__in=organisations)
        .exclude(pk=actor.pk)
        .distinct()
    )
