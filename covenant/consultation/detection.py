"""Finds likely personal data and possible safeguarding disclosures in free text.

These are suggestions for a moderator, never automatic redactions: patterns over-match (a ward number
that looks like a phone number) and under-match (a name without a title). NHS numbers are only flagged
when their mod-11 check digit is valid, which removes most ten-digit false positives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Ten digits in the NHS pattern 3-3-4, with spaces or hyphens, or run together.
NHS_NUMBER_RE = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
PHONE_RE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)")
POSTCODE_RE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[A-Z]{2}\b", re.IGNORECASE)
STREET_WORDS = (
    "Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Court|Crescent|Place|Terrace|Gardens|Grove|"
    "Walk|Row|Square|Hill|Park|Mews"
)
ADDRESS_RE = re.compile(rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][a-z'-]+\s+){{1,3}}(?:{STREET_WORDS})\b")
NAME_AFTER_TITLE_RE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Nurse|Sister|Prof|Professor|Sir|Dame|Councillor|Cllr)\.?"
    r"\s+([A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+)?)"
)
SAFEGUARDING_RE = re.compile(
    r"\b(?:"
    r"kill(?:ing)? myself|end(?:ing)? my life|suicid\w*|self[- ]harm\w*|hurt(?:ing)? myself|"
    r"want to die|no reason to live|"
    r"(?:he|she|they|partner|husband|wife) (?:hits|beats|hurts|threatens) me|domestic (?:abuse|violence)|"
    r"not safe at home|afraid to go home|child (?:is )?at risk|sexual(?:ly)? (?:abused|assaulted)|"
    r"threatened to kill|being abused|still being (?:hit|abused|threatened)"
    r")\b",
    re.IGNORECASE,
)

PERSONAL_DATA_KINDS = ("email", "phone", "nhs_number", "postcode", "address", "name")


@dataclass(frozen=True)
class Flag:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        from .models import RedactionReason

        if self.kind == "safeguarding":
            return "Possible safeguarding disclosure"
        return RedactionReason(self.kind).label


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number mod-11 check: weights 10..2 on the first nine digits; 11 - remainder is the check digit
    (11 becomes 0; 10 means the number can never be valid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def find_personal_data(text: str) -> list[Flag]:
    """Likely personal data in `text`, earliest first, without overlapping spans."""
    if not text:
        return []
    found: list[Flag] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if not _overlaps((start, end), taken):
            taken.append((start, end))
            found.append(Flag(kind, start, end, text[start:end]))

    for match in EMAIL_RE.finditer(text):
        add("email", match.start(), match.end())
    for match in NHS_NUMBER_RE.finditer(text):
        if nhs_number_is_valid("".join(match.groups())):
            add("nhs_number", match.start(), match.end())
    for match in PHONE_RE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 10 <= len(digits) <= 13:
            add("phone", match.start(), match.end())
    for match in ADDRESS_RE.finditer(text):
        add("address", match.start(), match.end())
    for match in POSTCODE_RE.finditer(text):
        add("postcode", match.start(), match.end())
    for match in NAME_AFTER_TITLE_RE.finditer(text):
        add("name", match.start(1), match.end(1))
    return sorted(found, key=lambda flag: flag.start)


def find_safeguarding(text: str) -> list[Flag]:
    return [Flag("safeguarding", m.start(), m.end(), m.group()) for m in SAFEGUARDING_RE.finditer(text or "")]
