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
    """Argon2id at 1 MiB and one pass: about 0.6 ms of CPU, so that 20 reports sent at once stay within 150 ms.

    The code's protection is its 16 random digits (53 bits) and the keyed index: without HASHING_KEY nobody can
    pick the row a code belongs to. The hash guards a stolen database without the key, where every report must be
    searched on its own (salted) across 10^16 codes: about 5 x 10^15 memory-hard hashes per report on average,
    centuries of a GPU each. A higher cost buys nothing against a thief who also has the key, who searches the
    index instead. Reasoning and figures: docs/security.md, "Anonymous reporters". Hashes made at the earlier costs
    (19 MiB and 2 passes, then 4 MiB and 1 pass) carry their parameters and still verify. The account passwords keep their own hasher.
    """

    time_cost = 1
    memory_cost = 1024
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
