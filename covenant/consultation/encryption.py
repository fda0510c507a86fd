"""The consultation's keyring (`cms.encryption`): safeguarding notes and saved draft responses encrypted at rest,
and a respondent's address (with a resume link) sealed while it travels to the task that e-mails it. Keys come from
CONSULTATION_ENCRYPTION_KEYS, newest first; without them `check --deploy` reports consultation.E002.
"""

from __future__ import annotations

from cms import encryption as base

KEYS = base.Keyring(
    env_var="CONSULTATION_ENCRYPTION_KEYS",
    derivation_label="consultation-field-encryption",
    check_id="consultation.E002",
    protects="safeguarding notes, saved draft responses and receipt addresses in transit",
    hourly=False,
)
seal = KEYS.seal
unseal = KEYS.unseal


class EncryptedTextField(base.EncryptedTextField):
    keyring = KEYS
