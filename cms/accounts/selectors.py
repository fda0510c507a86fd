"""Reads for the accounts app: what the audit screen sums up."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BigIntegerField, IntegerField, Max, QuerySet, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from cms.audit import REFUSED

from .models import AuditEvent


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
