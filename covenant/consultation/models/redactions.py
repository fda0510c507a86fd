"""The redaction log of a response: spans removed from what is published, and suggestions dismissed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..vocabulary import RedactedField, RedactionDecision, RedactionReason
from .responses import Answer, ConsultationResponse


class Redaction(models.Model):
    """The redaction log: which span was removed (or which suggestion a moderator judged not to be personal
    data, and why), by whom, when. `original` is visible only to moderators. Only `redacted` entries change
    the published text; a `dismissed` entry resolves a suggestion for the publication gate."""

    response = models.ForeignKey(ConsultationResponse, on_delete=models.CASCADE, related_name="redactions")
    field = models.CharField(max_length=20, choices=RedactedField.choices, default=RedactedField.ANSWER)
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="redactions"
    )
    decision = models.CharField(
        max_length=10, choices=RedactionDecision.choices, default=RedactionDecision.REDACTED
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    original = models.TextField()
    reason = models.CharField(max_length=16, choices=RedactionReason.choices)
    note = models.CharField(max_length=300, blank=True)
    redacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    redacted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["field", "answer_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(field="answer") & Q(answer__isnull=False))
                | (~Q(field="answer") & Q(answer__isnull=True)),
                name="redaction_answer_iff_answer_field",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.start}-{self.end})"

    @property
    def is_dismissal(self) -> bool:
        return self.decision == RedactionDecision.DISMISSED

    @property
    def placeholder(self) -> str:
        return f"[redacted: {self.get_reason_display().lower()}]"
