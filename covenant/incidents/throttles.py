"""How many wrong follow-up codes are allowed, and from where.

A code is 16 random digits (10^16 of them) and opens a report only when it is exactly right (a keyed index, then
the slow hash), so guessing is a search for one of the live codes among 10^16. Only *failed* look-ups stay
counted (a well-formed code that opens nothing); a right code is given back, so any number of staff behind one
trust's shared address can each follow up their own report. Limits per clock hour, counted in the Django cache
(Redis in production, so every app server and worker shares them):

- **per address**: INCIDENT_FOLLOW_UP_ADDRESS_FAILURES (60) wrong codes an hour. An IPv4 address counts alone; an
  IPv6 address counts with its whole /64 (one subscriber's network: an attacker given a /64 could otherwise use a
  new address for every guess). A ward of people mistyping stays well below it; an address that reaches it is
  refused for the rest of the hour, right code or not (letting a right code through would let it keep guessing).
- **site-wide**: INCIDENT_FOLLOW_UP_SITE_FAILURES (1,000) wrong codes an hour from everywhere. Past it the site
  assumes a spread-out attack: for the rest of the hour each address (IPv6: each /64) may have only
  INCIDENT_FOLLOW_UP_FAILURES_PAST_CEILING (3) wrong codes, so a reporter who mistypes once or twice still gets
  in, and an attack cannot lock every reporter out.

Every attempt is counted *before* the look-up and refused if the count is then over a limit, so a burst of
parallel requests cannot overshoot it; a refused attempt (no look-up made) and a right code are given back.

Why these numbers: with R live anonymous codes a guess succeeds with probability R / 10^16. With R = 100,000, one
address guessing 60 times an hour for a year (525,600 guesses) has about a 5 in a million chance; an attacker with
10,000 addresses or /64s, each held to 3 wrong codes an hour once the site-wide ceiling is passed (263 million
guesses a year), about 1 in 400 a year. The limit is per /64, not per larger block: an attacker holding a whole
IPv6 /48 (65,536 /64s) could make 1.7 billion guesses a year, about 1 in 60. A per-code counter would add
nothing: a wrong code names no report that could be locked, and a guesser never tries the same wrong code twice.

Cache keys, where the address is an HMAC with HASHING_KEY so the cache holds no addresses and `<hour>` is the
number of hours since 1970: `incidents:follow-up:failures:address:<hmac>:<hour>` and
`incidents:follow-up:failures:site:<hour>`.
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
ADDRESS_KEY = "incidents:follow-up:failures:address:{address}:{hour}"
SITE_KEY = "incidents:follow-up:failures:site:{hour}"


def _address(request, *, label: bytes) -> str:
    """The client's address (IPv6: its /64) as an HMAC with HASHING_KEY, so that the cache holds no addresses."""
    bucket = address_bucket(client_ip(request)).encode()
    return hmac.new(settings.HASHING_KEY.encode(), label + b":" + bucket, hashlib.sha256).hexdigest()


def _keys(request) -> tuple[str, str]:
    hour = int(time.time() // WINDOW_SECONDS)
    address = _address(request, label=b"incidents-follow-up-address")
    return ADDRESS_KEY.format(address=address, hour=hour), SITE_KEY.format(hour=hour)


def _incr(key: str) -> int | None:
    # The window's key lives a little beyond its hour so that a slow clock never counts from zero again.
    return cache_count(key, timeout=WINDOW_SECONDS + 60)


def _decr(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:  # the window has ended since: nothing to give back
        pass


@dataclass
class FollowUpAttempt:
    """One attempt at a code, already counted against the address and the site."""

    keys: tuple[str, str]
    refused: bool

    def give_back(self) -> None:
        """Uncount the attempt: it was refused, made no look-up, or the code was right."""
        for key in self.keys:
            _decr(key)
        self.keys = ()


def follow_up_attempt(request) -> FollowUpAttempt:
    """Count an attempt at a code from this address, then refuse it if a limit is now passed (see the module's
    docstring). A refused attempt is given back at once. The caller gives back a right code
    (`FollowUpAttempt.give_back`); a wrong code stays counted."""
    address_key, site_key = _keys(request)
    address_count = _incr(address_key)
    site_count = _incr(site_key)
    refused = address_count > settings.INCIDENT_FOLLOW_UP_ADDRESS_FAILURES or (
        site_count > settings.INCIDENT_FOLLOW_UP_SITE_FAILURES
        and address_count > settings.INCIDENT_FOLLOW_UP_FAILURES_PAST_CEILING
    )
    attempt = FollowUpAttempt(keys=(address_key, site_key), refused=refused)
    if refused:
        attempt.give_back()
    return attempt


# --- evidence sent by reporters ----------------------------------------------------------------------------------
# A reporter (by code or signed in) may send INCIDENT_EVIDENCE_UPLOADS_PER_HOUR files an hour from one address
# (IPv6: its /64) and to one case, so that neither a script holding a code nor one address can fill the database.
# A refused upload is given back; keys as above, the address an HMAC:
# `incidents:evidence:address:<hmac>:<hour>` and `incidents:evidence:case:<case id>:<hour>`.
EVIDENCE_ADDRESS_KEY = "incidents:evidence:address:{address}:{hour}"
EVIDENCE_CASE_KEY = "incidents:evidence:case:{case}:{hour}"


def evidence_upload_attempt(request, *, report_id: int) -> FollowUpAttempt:
    """Count an upload by a reporter to this case from this address; refused (and given back) past the limit."""
    hour = int(time.time() // WINDOW_SECONDS)
    address = _address(request, label=b"incidents-evidence-address")
    keys = (
        EVIDENCE_ADDRESS_KEY.format(address=address, hour=hour),
        EVIDENCE_CASE_KEY.format(case=report_id, hour=hour),
    )
    limit = settings.INCIDENT_EVIDENCE_UPLOADS_PER_HOUR
    counts = [_incr(key) for key in keys]
    refused = any((count or 0) > limit for count in counts)
    attempt = FollowUpAttempt(keys=keys, refused=refused)
    if refused:
        attempt.give_back()
    return attempt
