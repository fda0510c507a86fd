"""What analysts make of the responses: themes and the tags that code answers to them, and campaign groups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..vocabulary import CampaignKind, CampaignReview, Origin
from .questions import Question
from .responses import Answer


class Theme(models.Model):
    consultation = models.ForeignKey("ConsultationPage", on_delete=models.CASCADE, related_name="themes")
    question = models.ForeignKey(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="themes",
        help_text="Leave empty for a theme that runs across questions",
    )
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=400, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.PERSON)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["consultation", "name"], name="theme_unique_name")]

    def __str__(self):
        return self.name


class ThemeTag(models.Model):
    """An answer coded to a theme. Records whether a person or the system made it and who confirmed it."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="tags")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tags")
    origin = models.CharField(max_length=10, choices=Origin.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "theme"], name="themetag_unique")]

    def __str__(self):
        return f"{self.theme} ← {self.answer_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class CampaignGroup(models.Model):
    """Responses sharing template text (near-duplicates), proposed by `campaigns_detect`. Only groups an
    analyst confirms appear in the outcome. No text is stored: an example is read, redacted, from an
    approved member when it is shown (`publication.campaign_example`)."""

    consultation = models.ForeignKey("ConsultationPage", on_delete=models.CASCADE, related_name="campaigns")
    label = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=CampaignKind.choices, default=CampaignKind.CAMPAIGN)
    review = models.CharField(max_length=10, choices=CampaignReview.choices, default=CampaignReview.PROPOSED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    exact_duplicates = models.PositiveIntegerField(default=0)
    detected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-size", "pk"]

    def __str__(self):
        return self.label
