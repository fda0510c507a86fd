"""Generation numbers in the shared cache: a key that names "the current version" of something cached under it
(a site's menus, a consultation's snapshot, the organisations a report may go to). A change bumps the number, so
everything kept under the old one is never read again, in the shared cache or in a process's own memory.

A generation starts at the current time (`time.time_ns()`), never at 0: after the cache is emptied (a Redis restart)
the new number cannot equal one that a process still holds things under, so nothing kept from before is served.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def _fresh() -> int:
    return time.time_ns()


def generation(key: str) -> int:
    """The current generation under `key`, starting one if there is none."""
    return cache.get_or_set(key, _fresh, None)


def bump(key: str) -> None:
    """Move `key` to a new generation."""
    try:
        cache.incr(key)
    except ValueError:  # no generation yet: start one (nothing can be kept under it)
        cache.set(key, _fresh(), None)
