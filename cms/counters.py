"""Counters in the shared cache (Redis in production): the one way throttles and rate-limited audit count."""

from __future__ import annotations

import ipaddress

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


def address_bucket(address: str | None) -> str:
    """What one client address counts as in a throttle: an IPv4 address itself, an IPv6 address its /64 (one
    subscriber's network: given a /64, an attacker could otherwise use a new address for every attempt). An
    IPv4-mapped IPv6 address is its IPv4 address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)
