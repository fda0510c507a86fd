"""Encryption at rest for narratives, names and free text about people (the pyca `cryptography` library's Fernet:
AES-128-CBC with an HMAC-SHA256 tag, a fresh IV per value).

Keys come from the environment: INCIDENTS_ENCRYPTION_KEYS is a comma-separated list of Fernet keys, newest first.
New values are encrypted with the first key; any listed key decrypts. To rotate: generate a key
(`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`), put it first in the
list, run `manage.py incidents_rotate_keys` to re-encrypt every value with it, then drop the old key. See
docs/incidents.md. Without the variable (development, tests) a key is derived from SECRET_KEY and
`manage.py check --deploy` reports an error (and gunicorn refuses to start).
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks, validators
from django.db import models

PREFIX = "enc1:"
ENV_KEYS = "INCIDENTS_ENCRYPTION_KEYS"


def configured_keys() -> list[str]:
    raw = os.environ.get(ENV_KEYS, "")
    return [key.strip() for key in raw.split(",") if key.strip()]


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = configured_keys()
    if not keys:
        derived = hashlib.sha256(b"incidents-field-encryption:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def reset_keys() -> None:
    """Forget the cached keys (after the environment changes: tests, key rotation)."""
    _fernet.cache_clear()


def _hour_now() -> int:
    return int(time.time()) // 3600 * 3600


def encrypt(value: str) -> str:
    # A Fernet token carries the second it was made, readable without the key; stored values carry only the hour,
    # so that a narrative's ciphertext does not give away when an anonymous report was made (docs/incidents.md).
    return PREFIX + _fernet().encrypt_at_time(value.encode(), _hour_now()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        return value  # written before encryption was switched on
    try:
        return _fernet().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError(
            f"An incident field could not be decrypted: is its key missing from {ENV_KEYS}?"
        ) from exc


def seal(value: str) -> str:
    """Encrypt short-lived state that leaves the database (a cookie, a cache entry). Unlike `decrypt`, `unseal`
    accepts nothing but a token made here, and only while it is young enough."""
    return _fernet().encrypt(value.encode()).decode()


def unseal(token: str, *, max_age: int) -> str | None:
    """The value sealed in `token`, or None if it was not made with our keys, was changed, or is older than
    `max_age` seconds (Fernet tokens carry the time they were made)."""
    try:
        return _fernet().decrypt(token.encode(), ttl=max_age).decode()
    except (InvalidToken, UnicodeError):
        return None


class Ciphertext(str):
    """A value already encrypted here, written to an encrypted column as it is. Only code that made the ciphertext
    itself (key rotation) wraps a value in it: any plain `str`, whatever it starts with, is encrypted, so text a
    person typed that happens to begin with the prefix is never stored in clear."""


def _looks_like_a_token(value: str) -> bool:
    """Whether the text after the prefix has a Fernet token's shape: base64url of a version byte, time, IV,
    whole AES blocks and an HMAC tag. Text a person typed after the prefix (kept in clear by versions before the
    `Ciphertext` wrapper) does not."""
    try:
        raw = base64.b64decode(value[len(PREFIX) :].encode("ascii"), altchars=b"-_", validate=True)
    except (ValueError, UnicodeError):
        return False
    return len(raw) >= 73 and raw[0] == 0x80 and (len(raw) - 57) % 16 == 0


def rotate(value: str) -> Ciphertext:
    """Re-encrypt a stored value with the newest key (afresh: Fernet's own rotate would keep the exact time an
    older value was made). Text stored in clear is encrypted, also text that begins with the prefix but is no
    token. Raises RuntimeError for a token none of the keys decrypts."""
    if not value.startswith(PREFIX) or not _looks_like_a_token(value):
        return Ciphertext(encrypt(value) if value else value)
    return Ciphertext(encrypt(decrypt(value)))


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. It cannot be filtered or sorted on; empty stays empty so `blank` still works.

    A `max_length` limits the plaintext (checked by `full_clean` and the form field), never the column: the
    ciphertext is about a third longer than the text plus a hundred characters, so the column is always `text`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, Ciphertext):
            return str(value)
        return encrypt(str(value))


def encrypted_field_names(model) -> list[str]:
    """The model's encrypted columns: what key rotation rewrites and what list pages leave unloaded."""
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


@checks.register(checks.Tags.security, deploy=True)
def check_encryption_keys(app_configs, **kwargs):
    if configured_keys():
        try:
            _fernet()
        except ValueError:
            return [
                checks.Error(f"{ENV_KEYS} holds a key that is not a valid Fernet key.", id="incidents.E001")
            ]
        return []
    return [
        checks.Error(
            f"{ENV_KEYS} is not set: incident narratives would be encrypted with a key derived from SECRET_KEY.",
            hint="Set INCIDENTS_ENCRYPTION_KEYS to one or more Fernet keys, newest first.",
            id="incidents.E002",
        )
    ]
