"""Encryption for sensitive text at rest and for short-lived state in transit (the pyca `cryptography` library's
Fernet: AES-128-CBC with an HMAC-SHA256 tag, a fresh IV per value).

Each app that keeps sensitive text declares one `Keyring` in its own `encryption.py`: the environment variable
holding its keys (a comma-separated list of Fernet keys, newest first; new values use the first, any listed key
decrypts), the label its development key is derived under, and the id of its deployment check. Without the
variable (development, tests) a key is derived from SECRET_KEY and `manage.py check --deploy` reports an error,
so gunicorn refuses to start (docs/security.md). The app's `EncryptedTextField` is a subclass of the one here
naming its keyring; migrations refer to the app's class, so the column stays the app's. A keyring registers its
own deployment check.

Rotation: generate a key (`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key()
.decode())"`), put it first in the list, re-encrypt every value with it (`manage.py incidents_rotate_keys` for
the incidents), then drop the old key.
"""

from __future__ import annotations

import base64
import hashlib
import os
import time

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks, validators
from django.db import models

PREFIX = "enc1:"


class Ciphertext(str):
    """A value already encrypted here, written to an encrypted column as it is. Only code that made the ciphertext
    itself (key rotation) wraps a value in it: any plain `str`, whatever it starts with, is encrypted, so text a
    person typed that happens to begin with the prefix is never stored in clear."""


class Keyring:
    """The keys of one app, read from the environment variable `env_var` on first use."""

    def __init__(self, *, env_var: str, derivation_label: str, check_id: str, protects: str, hourly: bool):
        self.env_var = env_var
        self._derivation_label = derivation_label.encode()
        self._check_id = check_id
        self._protects = protects
        # A Fernet token carries the second it was made, readable without the key. With `hourly`, stored values
        # carry only the hour, so that ciphertext does not give away when an anonymous report was made.
        self._hourly = hourly
        self._fernet: MultiFernet | None = None

        def deployment_check(app_configs=None, **kwargs):
            return self.check(app_configs, **kwargs)

        checks.register(deployment_check, checks.Tags.security, deploy=True)

    def configured_keys(self) -> list[str]:
        return [key.strip() for key in os.environ.get(self.env_var, "").split(",") if key.strip()]

    def fernet(self) -> MultiFernet:
        if self._fernet is None:
            keys = self.configured_keys()
            if not keys:
                derived = hashlib.sha256(
                    self._derivation_label + b":" + settings.SECRET_KEY.encode()
                ).digest()
                keys = [base64.urlsafe_b64encode(derived).decode()]
            self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        return self._fernet

    def reset(self) -> None:
        """Forget the cached keys (after the environment changes: tests, key rotation)."""
        self._fernet = None

    # --- values at rest ---------------------------------------------------------------------------------------

    def encrypt(self, value: str) -> str:
        if self._hourly:
            return (
                PREFIX
                + self.fernet().encrypt_at_time(value.encode(), int(time.time()) // 3600 * 3600).decode()
            )
        return PREFIX + self.fernet().encrypt(value.encode()).decode()

    def decrypt(self, value: str) -> str:
        """The plain text of a stored value; text stored before encryption was switched on comes back as it is.
        A token none of the keys opens fails loudly (RuntimeError), never showing ciphertext as text."""
        if not value.startswith(PREFIX):
            return value
        try:
            return self.fernet().decrypt(value[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise RuntimeError(
                f"A stored value could not be decrypted: is its key missing from {self.env_var}?"
            ) from exc

    def rotate(self, value: str) -> Ciphertext:
        """Re-encrypt a stored value with the newest key (afresh: Fernet's own rotate would keep the exact time an
        older value was made). Text stored in clear is encrypted, also text that begins with the prefix but is no
        token. Raises RuntimeError for a token none of the keys decrypts."""
        if not value.startswith(PREFIX) or not _looks_like_a_token(value):
            return Ciphertext(self.encrypt(value) if value else value)
        return Ciphertext(self.encrypt(self.decrypt(value)))

    # --- state in transit -------------------------------------------------------------------------------------

    def seal(self, value: str) -> str:
        """Encrypt short-lived state that leaves the database (a cookie, a cache entry). Unlike `decrypt`, `unseal`
        accepts nothing but a token made here, and only while it is young enough."""
        return self.fernet().encrypt(value.encode()).decode()

    def unseal(self, token: str, *, max_age: int | None = None) -> str | None:
        """The value sealed in `token`, or None if it was not made with these keys, was changed, or is older than
        `max_age` seconds (Fernet tokens carry the time they were made)."""
        try:
            return self.fernet().decrypt(token.encode(), ttl=max_age).decode()
        except (InvalidToken, UnicodeError):
            return None

    def seal_bytes(self, value: bytes) -> str:
        """`seal` for bytes (a compressed payload)."""
        return self.fernet().encrypt(value).decode()

    def unseal_bytes(self, token: str, *, max_age: int | None = None) -> bytes | None:
        """`unseal` for bytes: None if not made with these keys, changed, or older than `max_age` seconds."""
        try:
            return self.fernet().decrypt(token.encode("ascii"), ttl=max_age)
        except (InvalidToken, UnicodeError):
            return None

    # --- deployment -------------------------------------------------------------------------------------------

    def check(self, app_configs=None, **kwargs) -> list[checks.CheckMessage]:
        """The deployment check (registered for `check --deploy`): keys set, and every one a valid Fernet key."""
        prefix, number = self._check_id.rsplit(".E", 1)
        if self.configured_keys():
            try:
                self.reset()
                self.fernet()
            except ValueError:
                return [
                    checks.Error(
                        f"{self.env_var} holds a key that is not a valid Fernet key.", id=f"{prefix}.E001"
                    )
                ]
            return []
        return [
            checks.Error(
                f"{self.env_var} is not set: {self._protects} would be encrypted with a key derived from SECRET_KEY.",
                hint=f"Set {self.env_var} to one or more Fernet keys, newest first.",
                id=self._check_id,
            )
        ]


def _looks_like_a_token(value: str) -> bool:
    """Whether the text after the prefix has a Fernet token's shape: base64url of a version byte, time, IV,
    whole AES blocks and an HMAC tag. Text a person typed after the prefix (kept in clear by versions before the
    `Ciphertext` wrapper) does not."""
    try:
        raw = base64.b64decode(value[len(PREFIX) :].encode("ascii"), altchars=b"-_", validate=True)
    except (ValueError, UnicodeError):
        return False
    return len(raw) >= 73 and raw[0] == 0x80 and (len(raw) - 57) % 16 == 0


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted with its app's keyring (a subclass sets `keyring`). It cannot be filtered or
    sorted on; empty stays empty so `blank` still works.

    A `max_length` limits the plaintext (checked by `full_clean` and the form field), never the column: the
    ciphertext is about a third longer than the text plus a hundred characters, so the column is always `text`.
    """

    keyring: Keyring

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.keyring.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, Ciphertext):
            return str(value)
        return self.keyring.encrypt(str(value))


def encrypted_field_names(model) -> list[str]:
    """The model's encrypted columns: what key rotation rewrites and what list pages leave unloaded."""
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
