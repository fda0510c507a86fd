"""Throttles for sign-in and password reset, counted per normalised account and, separately, per client address.

Counters live in the Django cache, which is Redis in production (shared by every app server; `cms.checks`
refuses a deployment without it), so the limits hold whichever worker answers. An account is identified by its
e-mail folded the same way for every counter: Unicode compatibility forms (NFKC), surrounding spaces and case.
`NURSE@…`, ` nurse@… ` and `ｎｕｒｓｅ@…` are one account to every throttle.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from cms.audit import client_ip
from cms.counters import cache_count

logger = logging.getLogger(__name__)


def normalise_email(value) -> str:
    """The one folding of an e-mail address used for sign-in, lock-out and reset counters."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().casefold()


def axes_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: django-axes counts failures against the account, not the typing. An address that
    names an account is counted under that account's id, so that spellings the database folds together (on
    PostgreSQL `UPPER('ı')` is `I`) share one counter; any other address under its folded form."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get("username")
    return account_key(raw)


def account_key(raw) -> str:
    email = normalise_email(raw)
    user_id = get_user_model().objects.filter(email__iexact=email).values_list("pk", flat=True).first()
    return f"account:{user_id}" if user_id is not None else email


def _key(kind: str, value: str) -> str:
    # Hashed so that neither e-mail addresses nor client addresses sit in the cache's key space in clear.
    digest = hashlib.sha256(f"{settings.HASHING_KEY}\n{kind}\n{value}".encode()).hexdigest()[:32]
    return f"throttle:{kind}:{digest}"


def _count(key: str, window: int) -> int | None:
    """Add one to the counter; None when the cache cannot be reached (Redis down: errors are ignored)."""
    value = cache_count(key, timeout=window)
    if value is None:
        logger.warning("Throttle counter unavailable: the cache did not answer")
    return value


def _seen(key: str) -> int:
    return int(cache.get(key) or 0)


# --- sign-in: failures per client address (django-axes counts them per account) ---------------------------


def sign_in_address_blocked(request) -> bool:
    address = client_ip(request)
    return (
        bool(address) and _seen(_key("sign-in-failed-ip", address)) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    )


def sign_in_failure_record(request) -> None:
    address = client_ip(request)
    if address:
        _count(_key("sign-in-failed-ip", address), settings.SIGN_IN_ADDRESS_WINDOW_SECONDS)


# --- password reset: requests per account and per address --------------------------------------------------


def password_reset_allowed(request, email: str) -> bool:
    """Count this request; False once the account or the address has asked too often in the window. The caller
    answers the same either way, so the throttle tells nobody whether the account exists."""
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    per_account = _count(_key("reset-account", account_key(email)), window)
    address = client_ip(request) or "unknown"
    per_address = _count(_key("reset-ip", address), window)
    if per_account is None or per_address is None:
        return False  # without the counters, send nothing rather than an unthrottled stream of e-mails
    return (
        per_account <= settings.PASSWORD_RESET_ACCOUNT_LIMIT
        and per_address <= settings.PASSWORD_RESET_ADDRESS_LIMIT
    )
