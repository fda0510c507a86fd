"""Where the optional receipt address lives between the form and the e-mail, so that it is never in the database.

While the response is in progress the address travels only inside the journey's sealed progress payload
(views/journey.py, cms/multistep.py: encrypted and authenticated, refused after four hours); no session or cookie
holds it. When the response is sent the address moves, encrypted, into the cache (Redis in production) under a
random reference; the receipt task is given that
reference, never the address, so the task table holds nothing personal; the task deletes the entry whether or
not the e-mail went, and an entry never collected expires after RECEIPT_HOLD_SECONDS.

This is the one path by which a respondent's address reaches a task: the receipt (with a copy of the answers
when asked for, `copy=True`) and the "save and come back later" link (`link=...`) are both held here, the details
sealed with the address, so neither the address nor a resume link is ever a task argument.
"""

from __future__ import annotations

import json
import secrets

from django.core.cache import cache

from . import encryption

RECEIPT_HOLD_SECONDS = 3 * 24 * 60 * 60  # long enough for a stopped worker to be restarted
CACHE_PREFIX = "consultation-receipt:"


def hold(address: str, **details: str | bool) -> str:
    """Keep the address, encrypted with any details the e-mail needs (a resume link, whether to copy the answers),
    for the task that sends it; returns the reference to give the task."""
    reference = secrets.token_urlsafe(24)
    sealed = encryption.seal(json.dumps({**details, "address": address}))
    cache.set(CACHE_PREFIX + reference, sealed, timeout=RECEIPT_HOLD_SECONDS)
    return reference


def held(reference: str) -> dict:
    """The held address and details (`{"address": ..., ...}`), or {} if expired, used or unreadable."""
    sealed = cache.get(CACHE_PREFIX + reference)
    if not sealed:
        return {}
    plain = encryption.unseal(sealed) or ""
    try:
        value = json.loads(plain)
    except ValueError:
        value = None
    if isinstance(value, dict) and value.get("address"):
        return value
    return {"address": plain} if "@" in plain else {}  # held by a release that sealed the address alone


def held_address(reference: str) -> str:
    """The held address, or "" if it has expired, was used or cannot be read."""
    return str(held(reference).get("address") or "")


def discard(reference: str) -> None:
    cache.delete(CACHE_PREFIX + reference)
