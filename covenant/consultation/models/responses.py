"""Responses and their answers, as submitted (online, or transcribed by a moderator from e-mail or post)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from workforce.models import Region

from ..vocabulary import Channel, ModerationState, PublishConsent, RedactedField, RespondentType
from .questions import Question


class ConsultationResponse(models.Model):
    # No index of its own: the three indexes in Meta lead with it, and one more would be written by every response.
    consultation = models.ForeignKey(
        "ConsultationPage", on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    reference = models.CharField(
        max_length=16, unique=True, help_text="Private receipt number given to the respondent"
    )
    public_id = models.CharField(max_length=12, unique=True, help_text="Shown beside the published response")
    idempotency_key = models.UUIDField(unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    respondent_type = models.CharField(max_length=20, choices=RespondentType.choices)
    respondent_name = models.CharField(max_length=120, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    # What is published of the two free-text "about you" fields, rebuilt from the redaction log like an
    # answer's `redacted_text`. Read them through `publication`, never directly.
    redacted_respondent_name = models.CharField(max_length=400, blank=True)
    redacted_organisation_name = models.CharField(max_length=600, blank=True)
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)
    publish_consent = models.CharField(max_length=10, choices=PublishConsent.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    moderation_state = models.CharField(
        max_length=10, choices=ModerationState.choices, default=ModerationState.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(max_length=300, blank=True)
    personal_data_flagged = models.BooleanField(default=False)
    safeguarding_flagged = models.BooleanField(default=False)
    fingerprint = models.CharField(
        max_length=40,
        blank=True,
        help_text="Hash of the normalised free text: identical template responses match",
    )
    campaign = models.ForeignKey(
        "CampaignGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(
                fields=["consultation", "moderation_state", "submitted_at"], name="response_queue_idx"
            ),
            models.Index(fields=["consultation", "respondent_type"], name="response_type_idx"),
            models.Index(fields=["consultation", "fingerprint"], name="response_fingerprint_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_published(self) -> bool:
        return (
            self.moderation_state == ModerationState.APPROVED and self.publish_consent != PublishConsent.NONE
        )

    def published_fields(self) -> list[str]:
        """The free-text "about you" fields that are published with this response, given its consent: the
        respondent's name for named individuals, the organisation's name for named organisations."""
        if self.publish_consent != PublishConsent.NAMED:
            return []
        if self.respondent_type == RespondentType.ORGANISATION:
            return [RedactedField.ORGANISATION_NAME]
        return [RedactedField.RESPONDENT_NAME]


class Answer(models.Model):
    """One row per question answered. `selected` holds chosen options wrapped in newlines ("\\nA\\nB\\n") so
    that filtering and counting by option is a plain indexed-free `contains` on every database."""

    # No index of its own: `answer_one_per_question` (response, question) leads with it, and one more would be
    # written by every answer.
    response = models.ForeignKey(
        ConsultationResponse, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    selected = models.TextField(blank=True)
    text = models.TextField(
        blank=True, help_text="Free text, or the 'why' of a choice question, as submitted"
    )
    redacted_text = models.TextField(
        blank=True, help_text="The text with redactions applied: what others see"
    )

    class Meta:
        ordering = ["question__sort_order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question"),
        ]

    def __str__(self):
        return f"{self.response} / {self.question_id}"

    @property
    def choices(self) -> list[str]:
        return [value for value in self.selected.split("\n") if value]

    @property
    def is_redacted(self) -> bool:
        return self.redacted_text != self.text


def encode_selected(values: list[str]) -> str:
    return "\n" + "\n".join(values) + "\n" if values else ""
