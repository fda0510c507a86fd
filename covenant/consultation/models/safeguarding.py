"""Safeguarding referrals raised from responses, and the notes the safeguarding lead adds to them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..encryption import EncryptedTextField
from ..vocabulary import ReferralOrigin, ReferralStatus
from .responses import ConsultationResponse

SAFEGUARDING_DEADLINE = datetime.timedelta(hours=24)


class SafeguardingReferral(models.Model):
    """A possible safeguarding disclosure in a response, passed to the consultation's safeguarding lead.

    The response waits in moderation (it cannot be approved) while a referral is open. Free text is encrypted at
    rest; the audit trail records who read and changed the referral, never its text."""

    response = models.ForeignKey(
        ConsultationResponse, on_delete=models.PROTECT, related_name="safeguarding_referrals"
    )
    origin = models.CharField(max_length=10, choices=ReferralOrigin.choices)
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The safeguarding lead who owns it",
    )
    concern = EncryptedTextField(blank=True, help_text="Why the moderator raised it")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response"],
                condition=models.Q(status="open"),
                name="referral_one_open_per_response",
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="referral_queue_idx")]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"SG-{self.pk:06d}" if self.pk else "SG-new"

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class SafeguardingNote(models.Model):
    """A note the safeguarding lead adds to a referral (calls made, advice taken). Encrypted at rest."""

    referral = models.ForeignKey(SafeguardingReferral, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note on {self.referral}"
