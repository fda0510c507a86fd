"""The incidents' keyring: narratives, names and free text about people, encrypted at rest (`cms.encryption`).

Keys come from INCIDENTS_ENCRYPTION_KEYS, newest first; `manage.py incidents_rotate_keys` re-encrypts every value
with the newest (docs/incidents.md). Stored values carry only the hour they were written, so that ciphertext does
not give away when an anonymous report was made.
"""

from __future__ import annotations

import time

from cryptography.fernet import InvalidToken

from cms import encryption as base
from cms.encryption import PREFIX, Ciphertext, encrypted_field_names  # noqa: F401  (this app's vocabulary)

KEYS = base.Keyring(
    env_var="INCIDENTS_ENCRYPTION_KEYS",
    derivation_label="incidents-field-encryption",
    check_id="incidents.E002",
    protects="incident narratives",
    hourly=True,
)
ENV_KEYS = KEYS.env_var
encrypt = KEYS.encrypt
decrypt = KEYS.decrypt
rotate = KEYS.rotate
seal = KEYS.seal
unseal = KEYS.unseal
reset_keys = KEYS.reset
check_encryption_keys = KEYS.check


class EncryptedTextField(base.EncryptedTextField):
    keyring = KEYS


# --- files (evidence) ----------------------------------------------------------------------------------------------
# A file's bytes are one Fernet token with the same keys, carrying only the hour it was written like the text.


def encrypt_bytes(data: bytes) -> bytes:
    return KEYS.fernet().encrypt_at_time(data, int(time.time()) // 3600 * 3600)


def decrypt_bytes(token: bytes) -> bytes:
    """The bytes of a stored file; a token none of the keys opens fails loudly (RuntimeError), like text."""
    try:
        return KEYS.fernet().decrypt(bytes(token))
    except InvalidToken as exc:
        raise RuntimeError(
            f"A stored file could not be decrypted: is its key missing from {ENV_KEYS}?"
        ) from exc


def rotate_bytes(token: bytes) -> bytes:
    """Re-encrypt a stored file with the newest key, afresh (so it carries the hour of the rotation)."""
    return encrypt_bytes(decrypt_bytes(token))
