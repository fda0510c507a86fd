"""Encryption for the consultation's sensitive free text and for the receipt address in transit (the pyca
`cryptography` library's Fernet: AES-128-CBC with an HMAC-SHA256 tag, a fresh IV per value).

The idea is the incidents app's (`covenant.incidents.encryption`), kept apart because the two apps do not import
each other. Keys come from CONSULTATION_ENCRYPTION_KEYS, a comma-separated list of Fernet keys, newest first; new
values use the first, any listed key decrypts. Without it (development, tests) a key is derived from SECRET_KEY
and `manage.py check --deploy` reports an error (gunicorn then refuses to start).
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.db import models

PREFIX = "enc1:"
ENV_KEYS = "CONSULTATION_ENCRYPTION_KEYS"


def configured_keys() -> list[str]:
    return [key.strip() for key in os.environ.get(ENV_KEYS, "").split(",") if key.strip()]


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = configured_keys()
    if not keys:
        derived = hashlib.sha256(b"consultation-field-encryption:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def reset_keys() -> None:
    _fernet.cache_clear()


def encrypt(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt(value: str, *, ttl: int | None = None) -> str:
    """The plain text; with `ttl`, values encrypted more than that many seconds ago are refused (ValueError)."""
    if not value.startswith(PREFIX):
        raise ValueError("Not an encrypted value")
    try:
        return _fernet().decrypt(value[len(PREFIX) :].encode(), ttl=ttl).decode()
    except InvalidToken as exc:
        raise ValueError("The value could not be decrypted: forged, expired or its key is gone") from exc


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. It cannot be filtered or sorted on; empty stays empty."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(str(value))


@checks.register(checks.Tags.security, deploy=True)
def check_encryption_keys(app_configs, **kwargs):
    if configured_keys():
        try:
            _fernet()
        except ValueError:
            return [
                checks.Error(
                    f"{ENV_KEYS} holds a key that is not a valid Fernet key.", id="consultation.E001"
                )
            ]
        return []
    return [
        checks.Error(
            f"{ENV_KEYS} is not set: safeguarding notes and receipt addresses in transit would be encrypted with a "
            "key derived from SECRET_KEY.",
            hint="Set CONSULTATION_ENCRYPTION_KEYS to one or more Fernet keys, newest first.",
            id="consultation.E002",
        )
    ]
