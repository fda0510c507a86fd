"""Generation numbers in the shared cache, and what a process keeps in its own memory under them.

Generation numbers: a key that names "the current version" of something cached under it
(a site's menus, a consultation's snapshot, the organisations a report may go to). A change bumps the number, so
everything kept under the old one is never read again, in the shared cache or in a process's own memory.

A generation starts at the current time (`time.time_ns()`), never at 0: after the cache is emptied (a Redis restart)
the new number cannot equal one that a process still holds things under, so nothing kept from before is served.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

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


class LocalMemo:
    """What one process keeps in its own memory under a key naming a generation: a bounded least-recently-used map,
    each value kept at most `max_age` seconds, so a change whose generation bump was lost (the shared cache
    unreachable for a moment) is seen within that time. Thread-safe (gunicorn's threads share it)."""

    def __init__(self, size: int, max_age: float = 60):
        self.size = size
        self.max_age = max_age
        self._kept: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        """The value kept under `key`, or None."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            if time.monotonic() - kept[0] >= self.max_age:
                del self._kept[key]
                return None
            self._kept.move_to_end(key)
            return kept[1]

    def put(self, key, value) -> None:
        with self._lock:
            self._kept[key] = (time.monotonic(), value)
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)
