"""NHS numbers: checked once, here, for every form that takes one (the handler's case form, the report journey).

An NHS number is 10 digits; the last is a check digit (modulus 11: the first nine digits weighted 10 down to 2,
summed, 11 minus the remainder; 11 reads as 0 and 10 means the number is not valid). People write it with spaces
("943 476 5919") or hyphens, so those are dropped before checking. The messages follow the NHS.UK design system's
error message wording.

A stored NHS number is encrypted; `nhs_number_index` is the keyed hash that finds the same patient across cases
without decrypting anything (HMAC-SHA256 with HASHING_KEY, as the follow-up code's index).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError

NHS_NUMBER_LENGTH = 10
_WEIGHTS = range(10, 1, -1)
_SEPARATORS = str.maketrans("", "", " -\u00a0\t")

MESSAGE_INVALID = "Enter a valid NHS number"
MESSAGE_LENGTH = "NHS number must be 10 digits"
MESSAGE_DIGITS = "NHS number must only include numbers"


def normalise_nhs_number(value) -> str:
    """The number without the spaces and hyphens people type between its groups of digits."""
    return str(value or "").strip().translate(_SEPARATORS)


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The check digit the first nine digits call for, or None when they call for 10 (no valid number)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def validate_nhs_number(value) -> str:
    """The normalised number if it is a valid NHS number; otherwise a ValidationError with NHS.UK wording."""
    number = normalise_nhs_number(value)
    if not number:
        raise ValidationError("Enter an NHS number", code="required")
    if not number.isascii() or not number.isdigit():
        raise ValidationError(MESSAGE_DIGITS, code="digits")
    if len(number) != NHS_NUMBER_LENGTH:
        raise ValidationError(MESSAGE_LENGTH, code="length")
    if nhs_number_check_digit(number[:9]) != int(number[9]):
        raise ValidationError(MESSAGE_INVALID, code="check_digit")
    return number


def is_valid_nhs_number(value) -> bool:
    try:
        validate_nhs_number(value)
    except ValidationError:
        return False
    return True


def nhs_number_index(value) -> str:
    """A keyed HMAC of the normalised number: equal for the same patient, useless without HASHING_KEY."""
    key = settings.HASHING_KEY.encode()
    return hmac.new(key, b"nhs-number:" + normalise_nhs_number(value).encode(), hashlib.sha256).hexdigest()
