"""Counters in the shared cache (Redis in production): the one way throttles and rate-limited audit count."""

from __future__ import annotations

from django.core.cache import cache


def cache_count(key: str, *, timeout: int) -> int | None:
    """Add one to the counter `key`, starting it at 0 for `timeout` seconds if it does not exist; the new value,
    or None when the cache cannot be reached (Redis down: its errors are ignored and logged)."""
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # gone between add and incr (expired, evicted, or the cache briefly unreachable)
        cache.set(key, 1, timeout)
        return 1
