"""How many wrong follow-up codes are allowed, and from where.

A code is 16 random digits (10^16 of them) and opens a report only when it is exactly right (a keyed index, then
the slow hash), so guessing is a search for one of the live codes among 10^16. Only *failed* look-ups count (a
well-formed code that opens nothing); a right code never does, so any number of staff behind one trust's shared
address can each follow up their own report. Two limits per clock hour, counted in the Django cache (Redis in
production, so every app server and worker shares them):

- **per address**: INCIDENT_FOLLOW_UP_ADDRESS_FAILURES (60) wrong codes an hour. A ward of people mistyping stays
  well below it; an address that reaches it is refused for the rest of the hour, right code or not (letting a
  right code through would let it keep guessing).
- **site-wide**: INCIDENT_FOLLOW_UP_SITE_FAILURES (1,000) wrong codes an hour from everywhere. Past it the site
  assumes a spread-out attack: for the rest of the hour any address with a wrong code this hour is refused, while
  addresses that have not failed still get in with a right code, so an attack cannot lock every reporter out.

Why these numbers: with R live anonymous codes a guess succeeds with probability R / 10^16. With R = 100,000, one
address guessing 60 times an hour for a year (525,600 guesses) has about a 5 in a million chance; an attacker with
10,000 addresses, each held to one guess an hour once the site-wide ceiling is passed (87.6 million guesses a
year), about 1 in 1,000 a year. A per-code counter would add nothing: a wrong code names no report that could be
locked, and a guesser never tries the same wrong code twice.

Cache keys, where the address is an HMAC with HASHING_KEY so the cache holds no addresses and `<hour>` is the
number of hours since 1970: `incidents:follow-up:failures:address:<hmac>:<hour>` and
`incidents:follow-up:failures:site:<hour>`.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

from cms.audit import client_ip

WINDOW_SECONDS = 60 * 60
ADDRESS_KEY = "incidents:follow-up:failures:address:{address}:{hour}"
SITE_KEY = "incidents:follow-up:failures:site:{hour}"


def _keys(request) -> tuple[str, str]:
    hour = int(time.time() // WINDOW_SECONDS)
    address = hmac.new(
        settings.HASHING_KEY.encode(),
        b"incidents-follow-up-address:" + (client_ip(request) or "unknown").encode(),
        hashlib.sha256,
    ).hexdigest()
    return ADDRESS_KEY.format(address=address, hour=hour), SITE_KEY.format(hour=hour)


def follow_up_refused(request) -> bool:
    """Whether this address may not try a code now (see the module's docstring)."""
    address_key, site_key = _keys(request)
    counts = cache.get_many([address_key, site_key])
    address_failures = counts.get(address_key, 0)
    if address_failures >= settings.INCIDENT_FOLLOW_UP_ADDRESS_FAILURES:
        return True
    return counts.get(site_key, 0) >= settings.INCIDENT_FOLLOW_UP_SITE_FAILURES and address_failures > 0


def follow_up_failed(request) -> None:
    """Count a code that opened nothing, against the address and the site."""
    for key in _keys(request):
        # The window's key lives a little beyond its hour so that a slow clock never counts from zero again.
        cache.add(key, 0, WINDOW_SECONDS + 60)
        try:
            cache.incr(key)
        except ValueError:  # gone between add and incr (evicted, or the cache briefly unreachable)
            cache.set(key, 1, WINDOW_SECONDS + 60)
