"""The audit trail: one call records who did what to which record. Used by every app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from cms.accounts.models import AuditEvent


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
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label or (actor.email if actor is not None else "anonymous"),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        summary=summary.replace("\x00", "")[:255],
        ip_address=client_ip(request),
        detail=_storable(detail or {}),
    )


def _storable(value):
    """PostgreSQL's JSON cannot hold a NUL character, which any request parameter may carry: drop it."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value
