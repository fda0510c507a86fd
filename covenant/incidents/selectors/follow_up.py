"""Follow-up codes: how an anonymous reporter's code finds their report without the code ever being stored."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from ..models import IncidentReport, ReportingMode


def receipt_normalise(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def receipt_index(code: str) -> str:
    """A keyed HMAC of the code: finds the row in one indexed lookup; useless without the key."""
    key = settings.HASHING_KEY.encode()
    return hmac.new(key, b"incident-receipt:" + receipt_normalise(code).encode(), hashlib.sha256).hexdigest()


class ReceiptCodeHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): tens of milliseconds, not hundreds.

    The code has 53 bits of entropy and is found through a keyed index, so an attacker without the key cannot
    even pick the row to attack; the memory-hard hash is the second wall, for a stolen database and key. The
    account passwords keep their own hasher (PASSWORD_HASHERS).
    """

    time_cost = 2
    memory_cost = 19456
    parallelism = 1


RECEIPT_HASHER = ReceiptCodeHasher()


def receipt_hash(code: str) -> str:
    return make_password(receipt_normalise(code), hasher=RECEIPT_HASHER)


def receipt_matches(code: str, encoded: str) -> bool:
    if not encoded:
        return False
    if encoded.startswith(f"{RECEIPT_HASHER.algorithm}$"):
        return RECEIPT_HASHER.verify(receipt_normalise(code), encoded)
    # Codes issued before Argon2 (PBKDF2) still open their reports.
    return check_password(receipt_normalise(code), encoded)


def report_for_receipt(*, code: str) -> IncidentReport | None:
    """The anonymous report this follow-up code belongs to, or None. The slow hash is the real check."""
    digits = receipt_normalise(code)
    if len(digits) < 16:
        return None
    report = (
        IncidentReport.objects.filter(receipt_index=receipt_index(digits))
        .select_related("organisation")
        .first()
    )
    if report is None or not receipt_matches(digits, report.receipt_hash):
        return None
    return report


def report_followed_up(*, pk: int | None) -> IncidentReport | None:
    """The anonymous report a follow-up code opened earlier (its id is in the reporter's sealed cookie)."""
    if not pk:
        return None
    return IncidentReport.objects.filter(pk=pk, mode=ReportingMode.ANONYMOUS).first()
