"""The consented person-matching rule: NI number + date of birth + surname, kept only as a keyed hash.

The same rule as ESR's inter-authority transfer, but the NI number never reaches the database: organisations
that hold the same three facts about someone arrive at the same key, and nobody can read the NI number back.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re

from django.conf import settings

NI_NUMBER_RE = re.compile(r"^[A-Z]{2}\d{6}[A-D]$")


def normalise_ni_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def is_valid_ni_number(value: str) -> bool:
    return bool(NI_NUMBER_RE.match(normalise_ni_number(value)))


def normalise_surname(value: str) -> str:
    # Case, spaces, hyphens and apostrophes vary between systems ("O'Neil", "o neil"); letters do not.
    return re.sub(r"[^a-z]", "", (value or "").casefold())


def person_match_key(*, ni_number: str, date_of_birth: datetime.date, surname: str) -> str:
    message = f"{normalise_ni_number(ni_number)}|{date_of_birth.isoformat()}|{normalise_surname(surname)}"
    key = settings.HASHING_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
