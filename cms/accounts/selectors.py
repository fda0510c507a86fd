"""Reads for accounts: second factors, who an administrator may help, and what the audit screen sums up."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import BigIntegerField, IntegerField, Max, QuerySet, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.audit import REFUSED

from .models import AuditEvent
from .roles import ROLES_BY_KEY

# The role that administers an organisation's accounts (it resets a colleague's lost second factor).
ACCOUNT_ADMIN_ROLE = "hr_admin"


def has_second_factor(*, user) -> bool:
    """True once the user has a confirmed authenticator: from then on a password alone signs them in to nothing."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required(*, user) -> bool:
    """Roles that see sensitive records require a second factor, and so does every superuser (who could give
    themselves any role in the CMS)."""
    return (
        user.is_superuser
        or user.is_staff
        or any(ROLES_BY_KEY[key].requires_two_factor for key in user.role_keys)
    )


def users_resettable_by(*, actor) -> QuerySet:
    """Accounts that hold a role at an organisation where `actor` is the account administrator, not `actor`.
    `may_reset_two_factor` narrows it further for each person."""
    organisations = actor.memberships.filter(role=ACCOUNT_ADMIN_ROLE).values("organisation_id")
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id__in=organisations, is_superuser=False)
        .exclude(pk=actor.pk)
        .distinct()
    )


def may_reset_two_factor(*, actor, user) -> bool:
    """An administrator may reset the factor a role requires only where they administer the organisation of that
    role: a reporter membership at the administrator's organisation does not open another organisation's
    custodian to them."""
    administered = set(
        actor.memberships.filter(role=ACCOUNT_ADMIN_ROLE).values_list("organisation_id", flat=True)
    )
    if user.pk == actor.pk or user.is_superuser or not administered:
        return False
    held = list(user.memberships.values_list("organisation_id", "role"))
    guarded = {org for org, role in held if ROLES_BY_KEY[role].requires_two_factor}
    if guarded:
        return guarded <= administered
    return any(org in administered for org, _ in held)


@dataclass(frozen=True)
class RefusedAccess:
    actor_label: str
    refused: int
    last_at: datetime.datetime | None


def refused_access_by_user(*, events: QuerySet[AuditEvent], limit: int = 20) -> list[RefusedAccess]:
    """Who was refused protected records most among `events` (the audit screen's filtered rows): the number
    of refusals (each `access.refused` row counts `detail["count"]` of them) and the time of the last one."""
    rows = (
        events.filter(action=REFUSED)
        .order_by()
        .values("actor_label")
        .annotate(
            refused=Sum(Coalesce(Cast(KT("detail__count"), IntegerField()), Value(1))),
            last_at=Max(Cast(KT("detail__last_at"), BigIntegerField())),
            latest_row=Max("at"),
        )
        .order_by("-refused", "actor_label")[:limit]
    )
    return [
        RefusedAccess(
            actor_label=row["actor_label"],
            refused=row["refused"],
            last_at=datetime.datetime.fromtimestamp(row["last_at"], tz=datetime.UTC)
            if row["last_at"]
            else row["latest_row"],
        )
        for row in rows
    ]
