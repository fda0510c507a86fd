"""The incidents' keyring: narratives, names and free text about people, encrypted at rest (`cms.encryption`).

Keys come from INCIDENTS_ENCRYPTION_KEYS, newest first; `manage.py incidents_rotate_keys` re-encrypts every value
with the newest (docs/incidents.md). Stored values carry only the hour they were written, so that ciphertext does
not give away when an anonymous report was made.
"""

from __future__ import annotations

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
