"""Responses saved part-way ("save and come back later").

A draft is found by a random token that only the respondent holds (in the link shown once and, if they asked,
e-mailed to them); the row keeps the token's SHA-256, never the token. The answers are encrypted with the
consultation keyring. Nothing else is kept: no account, no client address, no browser, not even the time it was
saved, so a draft cannot be tied to whoever saved it, signed in or not. It lasts while its consultation is open:
the resume page refuses it once the consultation closes, and `manage.py consultation_purge_drafts` deletes it.
"""

from __future__ import annotations

import hashlib

from django.db import models

from ..encryption import EncryptedTextField


class SavedDraft(models.Model):
    consultation = models.ForeignKey("ConsultationPage", on_delete=models.CASCADE, related_name="drafts")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the resume token")
    progress = EncryptedTextField(help_text="The answers so far (JSON), encrypted")

    class Meta:
        verbose_name = "saved draft response"

    def __str__(self):
        return f"Saved draft {self.pk}"


def token_hash(token: str) -> str:
    """What a draft keeps of its token. 256 random bits need no slow hash: nobody can try enough of them."""
    return hashlib.sha256(token.encode()).hexdigest()
