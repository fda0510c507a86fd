"""The consultation's keyring: safeguarding notes and saved draft responses encrypted at rest, and a respondent's
address (with a resume link) sealed while it travels to the task that e-mails it (`cms.encryption`).

Keys come from CONSULTATION_ENCRYPTION_KEYS, newest first.
"""

from __future__ import annotations

from django.core import checks

from cms import encryption as base
from cms.encryption import PREFIX  # noqa: F401  (this app's vocabulary)

KEYS = base.Keyring(
    env_var="CONSULTATION_ENCRYPTION_KEYS",
    derivation_label="consultation-field-encryption",
    check_id="consultation.E002",
    protects="safeguarding notes, saved draft responses and receipt addresses in transit",
    hourly=False,
)
ENV_KEYS = KEYS.env_var
encrypt = KEYS.encrypt
decrypt = KEYS.decrypt
seal = KEYS.seal
unseal = KEYS.unseal
reset_keys = KEYS.reset


class EncryptedTextField(base.EncryptedTextField):
    keyring = KEYS


@checks.register(checks.Tags.security, deploy=True)
def check_encryption_keys(app_configs, **kwargs):
    return KEYS.check()
