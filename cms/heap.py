"""The server process's start-up heap, set aside from the garbage collector once the site is loaded.

A loaded site holds about 300,000 objects that live as long as the process (Django, Wagtail, WeasyPrint, the
URL patterns and every view module). Python's full collection walks all of them each time: on the 2-core
development machine that was a pause of 190 to 250 ms every dozen or so API pages of 100 responses, which alone
put the page's p95 over its 150 ms limit (docs/performance.md). `gc.freeze()` moves every object alive at that
moment to a permanent generation that collections skip, so only what requests create is walked. (The Python
documentation describes `gc.freeze()` for processes that fork: under gunicorn's `--preload` the master freezes
once before it forks and the workers inherit it; without it each worker freezes its own.)

The price: an object frozen here and later dropped inside a reference cycle is not reclaimed (one without a cycle
still is, by its reference count). Start-up's own leftovers are collected first, and gunicorn replaces each worker
after `max_requests` (gunicorn.conf.py).
"""

from __future__ import annotations

import gc

from django.urls import get_resolver


def freeze_startup_heap() -> int:
    """Load every view module (through the URL patterns), collect start-up's garbage, then freeze what is left.
    Returns the number of objects frozen."""
    get_resolver().url_patterns  # noqa: B018  # imports every view module now, not in the first request
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
