"""How many wrong "save and come back later" links one client address may try in an hour.

A resume token is 32 random bytes (256 bits), stored only as its SHA-256, so guessing one is hopeless whatever
the rate; the throttle keeps a scanner from turning the resume page into a cheap way to load the database, and
is shaped like the incidents follow-up throttle (covenant/incidents/throttles.py): every attempt is counted
*before* the look-up, so parallel requests cannot overshoot; a right link is given back, so people behind one
shared address (a hospital's, a library's) resuming their own drafts never lock each other out; an address past
CONSULTATION_RESUME_ADDRESS_FAILURES (20) wrong links is refused for the rest of the clock hour. An IPv6 address
counts with its /64 (`cms.counters.address_bucket`).

Cache key, where the address is an HMAC with HASHING_KEY so the cache holds no addresses and `<hour>` is the
number of hours since 1970: `consultation:resume:failures:<hmac>:<hour>`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from cms.audit import client_ip
from cms.counters import address_bucket, cache_count

WINDOW_SECONDS = 60 * 60
ADDRESS_KEY = "consultation:resume:failures:{address}:{hour}"


def _limit() -> int:
    return int(getattr(settings, "CONSULTATION_RESUME_ADDRESS_FAILURES", 20))


def _key(request) -> str:
    address = hmac.new(
        settings.HASHING_KEY.encode(),
        b"consultation-resume-address:" + address_bucket(client_ip(request)).encode(),
        hashlib.sha256,
    ).hexdigest()
    return ADDRESS_KEY.format(address=address, hour=int(time.time() // WINDOW_SECONDS))


@dataclass
class ResumeAttempt:
    """One attempt at a resume link, already counted against the client's address."""

    key: str
    refused: bool

    def give_back(self) -> None:
        """Uncount the attempt: it was refused (no look-up made) or the link was right."""
        if not self.key:
            return
        try:
            cache.decr(self.key)
        except ValueError:  # the window has ended since: nothing to give back
            pass
        self.key = ""


def resume_attempt(request) -> ResumeAttempt:
    """Count an attempt from this address, then refuse it if the address is now past the limit. A refused
    attempt is given back at once; the caller gives back a right link."""
    key = _key(request)
    # The key lives a little beyond its hour so that a slow clock never counts from zero again.
    count = cache_count(key, timeout=WINDOW_SECONDS + 60)
    attempt = ResumeAttempt(key=key, refused=count is not None and count > _limit())
    if attempt.refused:
        attempt.give_back()
    return attempt


# --- e-mails to an address the respondent types ----------------------------------------------------------------
# "Save and come back later" (the resume link) and "send me a copy of my answers" e-mail any address typed into the
# form, and the copy carries text the sender wrote: without a limit, a form replayed in a loop would make the
# service relay mail to anyone. Each is counted per client address (its /64 for IPv6) and per destination address,
# for the clock hour, both as HMACs with HASHING_KEY: `consultation:email:<purpose>:<client|to>:<hmac>:<hour>`.
EMAIL_KEY = "consultation:email:{purpose}:{kind}:{who}:{hour}"


def _per_client() -> int:
    return int(getattr(settings, "CONSULTATION_EMAILS_PER_CLIENT", 10))


def _per_destination() -> int:
    return int(getattr(settings, "CONSULTATION_EMAILS_PER_DESTINATION", 3))


def _email_key(purpose: str, kind: str, value: str) -> str:
    who = hmac.new(
        settings.HASHING_KEY.encode(), f"consultation-{purpose}-{kind}:{value}".encode(), hashlib.sha256
    ).hexdigest()
    return EMAIL_KEY.format(purpose=purpose, kind=kind, who=who, hour=int(time.time() // WINDOW_SECONDS))


def email_refused(request, *, purpose: str, email: str = "") -> bool:
    """Count one `purpose` ("save" or "copy") from this client, and one e-mail to `email` if given; whether either
    is now past its hourly limit (CONSULTATION_EMAILS_PER_CLIENT, 10; CONSULTATION_EMAILS_PER_DESTINATION, 3)."""
    by_client = cache_count(
        _email_key(purpose, "client", address_bucket(client_ip(request))), timeout=WINDOW_SECONDS + 60
    )
    refused = by_client is not None and by_client > _per_client()
    if email:
        by_destination = cache_count(
            _email_key(purpose, "to", email.strip().lower()), timeout=WINDOW_SECONDS + 60
        )
        refused = refused or (by_destination is not None and by_destination > _per_destination())
    return refused
