"""Sanctions against patients and visitors. Emergency treatment is never withheld, whatever the sanction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..encryption import EncryptedTextField
from .reports import IncidentReport


class Sanction(models.Model):
    """A sanction against a patient or visitor. Emergency treatment is never withheld, whatever the sanction."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CLINICAL_REVIEW = "clinical_review", "Clinical and capacity review done"
        APPROVED = "approved", "Approved"
        ISSUED = "issued", "Issued"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        APPEALED = "appealed", "Appealed"
        REVIEW_DUE = "review_due", "Review due"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    class Kind(models.TextChoices):
        VERBAL_WARNING = "verbal_warning", "Verbal warning"
        WRITTEN_WARNING = "written_warning", "Written warning"
        ABA = "aba", "Acceptable behaviour agreement"
        EXCLUSION = "exclusion", "Exclusion or entry with conditions"
        ALTERNATIVE_PROVISION = (
            "alternative_provision",
            "Care provided at another place or by another provider",
        )

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="sanctions")
    subject_description = EncryptedTextField(
        help_text="Who the sanction is against, e.g. a patient reference (internal)"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    clinical_review_note = EncryptedTextField(blank=True)
    capacity_considered = models.BooleanField(default=False)
    person_input_sought = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day it ends by itself (the scheduler expires it that day); empty when it lasts until revoked",
    )
    notes = EncryptedTextField(blank=True, help_text="Internal")

    class Meta:
        ordering = ["proposed_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.state})"

    @property
    def review_overdue(self) -> bool:
        return (
            self.state in (self.State.ISSUED, self.State.ACKNOWLEDGED, self.State.REVIEW_DUE)
            and self.review_on is not None
            and self.review_on <= timezone.localdate()
        )
