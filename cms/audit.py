"""The audit trail: one call records who did what to which record. Used by every app.

`audit()` records what a person did, with their account and address. `audit_anonymous()` records what was done
without an identity (an anonymous report, a follow-up by code) so that it cannot be tied to whoever did it:

- it takes no request, account or address, so none can be stored;
- its time is the start of its hour (`hour_of`): minutes and seconds would match the reporter's own sign-in or
  page views in the trail;
- it is not written into AuditEvent at once, where its sequential id would sit right after that sign-in. It waits
  in AnonymousAuditEvent (random key, the hour only) until its hour is over; `anonymous_audit_release()` then moves
  every held line of finished hours into AuditEvent in random order. A released line's id therefore comes after
  every line of its hour and says nothing about where in the hour it happened. The audit screen releases before
  it lists, so an auditor always sees every finished hour; the current hour's anonymous lines appear once it ends.
  Release runs only when someone reads the trail, never on an anonymous action, so when it happens says nothing
  about when an anonymous action did.

What this does not hide: a database's own bookkeeping (PostgreSQL's transaction ids, the write-ahead log) and web
server logs still record when each write happened; see docs/incidents.md, "Protection of the data".
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from cms.accounts.models import AnonymousAuditEvent, AuditEvent


def client_ip(request) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies, the address the nearest of them saw
    (each proxy appends to X-Forwarded-For, so entries further left could be forged by the client)."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def audit(
    *,
    action: str,
    actor=None,
    request=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    object_type, object_id = _target(obj, object_type, object_id)
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label or (actor.email if actor is not None else "anonymous"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary.replace("\x00", "")[:255],
        ip_address=client_ip(request),
        detail=_storable(detail or {}),
    )


def _target(obj: models.Model | None, object_type: str, object_id: str | int) -> tuple[str, str]:
    """The record an audit line is about: given outright, or taken from the object."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return object_type, str(object_id or "")


def hour_of(moment: datetime.datetime) -> datetime.datetime:
    """The start of the hour a moment falls in: the only time kept for things done without an identity."""
    return moment.replace(minute=0, second=0, microsecond=0)


def audit_anonymous(
    *,
    action: str,
    actor_label: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    detail: dict[str, Any] | None = None,
) -> AnonymousAuditEvent:
    """Record something done without an identity. Held until its hour is over (see the module's docstring)."""
    object_type, object_id = _target(obj, object_type, object_id)
    return AnonymousAuditEvent.objects.create(
        hour=hour_of(timezone.now()),
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary.replace("\x00", "")[:255],
        detail=_storable(detail or {}),
    )


def anonymous_audit_release() -> int:
    """Move the held anonymous lines of finished hours into the trail, shuffled. Returns how many moved.

    Rows locked by a release running at the same moment are skipped, so two releases never move a line twice."""
    this_hour = hour_of(timezone.now())
    with transaction.atomic():
        held = list(
            AnonymousAuditEvent.objects.select_for_update(skip_locked=True).filter(hour__lt=this_hour)
        )
        if not held:
            return 0
        secrets.SystemRandom().shuffle(held)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                at=line.hour,
                hour_only=True,
                actor=None,
                actor_label=line.actor_label,
                action=line.action,
                object_type=line.object_type,
                object_id=line.object_id,
                summary=line.summary,
                ip_address=None,
                detail=line.detail,
            )
            for line in held
        )
        AnonymousAuditEvent.objects.filter(pk__in=[line.pk for line in held]).delete()
    return len(held)


def _storable(value):
    """PostgreSQL's JSON cannot hold a NUL character, which any request parameter may carry: drop it."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value
