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

`audit_refusal` records a signed-in person refused a protected record (not found for them, or not allowed), at
most one row per person and record type a minute; the refusals between rows are counted in the cache and
carried by the next row (`detail["count"]`), so a crawler cannot flood the trail and no refusal goes uncounted.
"""

from __future__ import annotations

import datetime
import secrets
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from cms.accounts.models import AnonymousAuditEvent, AuditEvent
from cms.counters import cache_count

REFUSED = "access.refused"
REFUSAL_WINDOW_SECONDS = 60
# Counts of refusals not yet written wait in the cache this long at most (each new refusal restarts the clock).
REFUSAL_PENDING_SECONDS = 7 * 24 * 3600
REFUSAL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OTHER")


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
        actor_label=actor_label or _actor_label(actor, request),
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary.replace("\x00", "")[:255],
        ip_address=client_ip(request),
        detail=_storable(detail or {}),
    )


def _actor_label(actor, request) -> str:
    """Who did it, as the log shows it: the account, a visitor who was not signed in, or the system itself (a
    task, a command, a service called with no one behind it)."""
    if actor is not None:
        return actor.email
    return "anonymous" if request is not None else "system"


def _target(obj: models.Model | None, object_type: str, object_id: str | int) -> tuple[str, str]:
    """The record an audit line is about: given outright, or taken from the object."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return object_type, str(object_id or "")


def hour_of(moment: datetime.datetime) -> datetime.datetime:
    """The start of the hour a moment falls in: the only time kept for things done without an identity."""
    return moment.replace(minute=0, second=0, microsecond=0)


def audit_anonymous(**line: Any) -> AnonymousAuditEvent:
    """Record something done without an identity (the keywords of `anonymous_audit_row`). Held until its hour is
    over (see the module's docstring)."""
    row = anonymous_audit_row(**line)
    row.save(force_insert=True)
    return row


def anonymous_audit_row(
    *,
    action: str,
    actor_label: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    detail: dict[str, Any] | None = None,
) -> AnonymousAuditEvent:
    """The unsaved line `audit_anonymous` stores, for a caller that writes it with its other rows in one statement
    (`cms.rows.insert_together`: the anonymous incident report's send)."""
    object_type, object_id = _target(obj, object_type, object_id)
    return AnonymousAuditEvent(
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


# --- refused access ----------------------------------------------------------------------------------------------
def audit_refusal(
    *, user, object_type: str, object_id: str | int = "", reason: str, request=None
) -> AuditEvent | None:
    """Record that `user` was refused the record `object_type`/`object_id` (`reason`: why, in a word or two).

    The first refusal of a person and record type in a window of REFUSAL_WINDOW_SECONDS is written at once,
    with the method and the record asked for; the rest of the window's refusals are counted in the cache and
    written with the next row (a later refusal, or `audit_refusals_flush`, which the audit screen runs before
    it reads). Each row's `detail["count"]` is the number of refusals it stands for, by method in
    `detail["methods"]`, the last at `detail["last_at"]` (seconds since the epoch). If the cache cannot be
    reached, every refusal is written. Signed-out visitors are not recorded: the pages that hold records send
    them to sign in before any record is looked up, and the anonymous reporting flow must keep nobody's trace.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    method = _refusal_method(request)
    key = _refusal_key(user.pk, object_type)
    now = time.time()
    counted = _refusal_count(f"{key}:{method}")
    cache.set(f"{key}:last", now, REFUSAL_PENDING_SECONDS)
    opened = cache.add(f"{key}:window", 1, REFUSAL_WINDOW_SECONDS)
    # The cache answers None, not False, when it cannot be reached: record rather than lose the refusal.
    if not counted or opened is None:
        counts = {method: 1}
    elif opened:
        counts = _refusals_take(key)
    else:
        return None
    if not counts:  # a flush running at this very moment took the counts and writes them itself
        return None
    return _refusal_row(
        user=user,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        request=request,
        counts=counts,
        last_at=now,
    )


def audit_refusals_flush() -> int:
    """Write the refusals counted in the cache but not yet in the trail; returns the rows written.

    Only people with a refusal row in the last REFUSAL_PENDING_SECONDS can have counts waiting, since the first
    refusal of every window is written at once."""
    since = timezone.now() - datetime.timedelta(seconds=REFUSAL_PENDING_SECONDS + REFUSAL_WINDOW_SECONDS)
    pairs = sorted(
        set(
            AuditEvent.objects.filter(action=REFUSED, at__gte=since, actor__isnull=False)
            .order_by()
            .values_list("actor_id", "object_type")
            .distinct()
        )
    )
    if not pairs:
        return 0
    keys = {pair: _refusal_key(*pair) for pair in pairs}
    waiting = cache.get_many([f"{key}:{method}" for key in keys.values() for method in REFUSAL_METHODS])
    pending = [pair for pair, key in keys.items() if any(waiting.get(f"{key}:{m}") for m in REFUSAL_METHODS)]
    if not pending:
        return 0
    users = get_user_model().objects.in_bulk({actor_id for actor_id, _type in pending})
    written = 0
    for actor_id, object_type in pending:
        key = keys[(actor_id, object_type)]
        counts = _refusals_take(key)
        if not counts or actor_id not in users:
            continue
        _refusal_row(
            user=users[actor_id],
            object_type=object_type,
            object_id="",
            reason="",
            request=None,
            counts=counts,
            last_at=cache.get(f"{key}:last") or time.time(),
        )
        written += 1
    return written


def _refusal_key(user_id, object_type: str) -> str:
    return f"audit:refused:{user_id}:{object_type}"


def _refusal_method(request) -> str:
    method = getattr(request, "method", None) or "OTHER"
    return method if method in REFUSAL_METHODS else "OTHER"


def _refusal_count(key: str) -> bool:
    """Add one to a counter in the cache; False if the cache could not be reached."""
    value = cache_count(key, timeout=REFUSAL_PENDING_SECONDS)
    if value is None:
        return False
    cache.touch(key, REFUSAL_PENDING_SECONDS)
    return True


def _refusals_take(key: str) -> dict[str, int]:
    """The counts waiting for one person and record type, taken out of the cache (one taker at a time, so a
    refusal is written once; a refusal counted meanwhile stays for the next row)."""
    lock = f"{key}:lock"
    if not cache.add(lock, 1, 10):
        return {}
    try:
        counters = [f"{key}:{method}" for method in REFUSAL_METHODS]
        counts = {}
        for name, value in cache.get_many(counters).items():
            if value:
                cache.decr(name, value)
                counts[name.rsplit(":", 1)[1]] = value
        return counts
    finally:
        cache.delete(lock)


def _refusal_row(*, user, object_type, object_id, reason, request, counts, last_at) -> AuditEvent:
    total = sum(counts.values())
    return audit(
        action=REFUSED,
        actor=user,
        request=request,
        object_type=object_type,
        object_id=object_id,
        summary=f"Refused {total} request{'' if total == 1 else 's'} for {object_type}",
        detail={
            "count": total,
            "methods": counts,
            "reason": reason,
            "method": _refusal_method(request) if request is not None else "",
            "last_at": int(last_at),
        },
    )
