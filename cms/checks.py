"""Deployment checks of our own: `manage.py check --deploy` reports an error, and gunicorn (gunicorn.conf.py)
refuses to start, when production lacks what the security promises rest on.

- Redis as the cache: sign-in lock-outs, password-reset and follow-up throttles and every rate limit count in
  the cache; with a per-process cache each worker keeps its own counts and the limits multiply by the workers.
- HASHING_KEY of its own, at least 32 characters: the keyed hashes (follow-up code index, person matching,
  throttle keys) must not share SECRET_KEY, which is rotated for other reasons.
- A warning when TRUSTED_PROXY_COUNT is 0: the app servers listen behind a reverse proxy (gunicorn.conf.py).
- A warning when SITE_URL is not an https address away from this machine: every link in an e-mail starts with it.
The incident encryption keys are checked beside the encryption (`covenant.incidents.encryption`).
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if "redis" in backend.lower():
        return []
    return [
        checks.Error(
            "The cache is not Redis: sign-in lock-outs and rate limits would be counted by each worker apart.",
            hint="Set REDIS_URL (for example redis://127.0.0.1:6379/0).",
            id="cms.E001",
        )
    ]


HASHING_KEY_MIN_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def check_hashing_key(app_configs, **kwargs):
    key = os.environ.get("HASHING_KEY", "")
    if len(key) >= HASHING_KEY_MIN_LENGTH and settings.HASHING_KEY != settings.SECRET_KEY:
        return []
    return [
        checks.Error(
            f"HASHING_KEY is not set, is shorter than {HASHING_KEY_MIN_LENGTH} characters or is SECRET_KEY.",
            hint="Set HASHING_KEY to a long random value of its own and keep it stable (docs/configuration.md).",
            id="cms.E002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_client_address(app_configs, **kwargs):
    if settings.TRUSTED_PROXY_COUNT:
        return []
    return [
        checks.Warning(
            "TRUSTED_PROXY_COUNT is 0: behind the reverse proxy every client would share the proxy's address, so "
            "the per-address sign-in, reset and follow-up throttles would hold everyone back together.",
            hint="Set TRUSTED_PROXY_COUNT to the number of reverse proxies in front of the app servers (usually 1).",
            id="cms.W003",
        )
    ]


def _is_local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    address = urlsplit(settings.SITE_URL)
    if address.scheme == "https" and address.hostname and not _is_local(address.hostname):
        return []
    return [
        checks.Warning(
            f"SITE_URL is {settings.SITE_URL!r}: the links in password-reset, case and receipt e-mails would not "
            "reach the site.",
            hint="Set SITE_URL to the public https address, e.g. https://covenant.example.nhs.uk.",
            id="cms.W004",
        )
    ]
