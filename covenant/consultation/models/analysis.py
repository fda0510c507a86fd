"""What analysts make of the responses: themes and the tags that code answers to them, and campaign groups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..vocabulary import AnalysisKind, CampaignKind, CampaignReview, Origin, RunStatus, SuggestionState
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


class ThemeTagRejection(models.Model):
    """An analyst said an answer does not raise a theme the system suggested for it. The system never suggests
    that pair again; an analyst may still tag it themselves (which removes the rejection)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="tag_rejections")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tag_rejections")
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "theme"], name="themetagrejection_unique")]

    def __str__(self):
        return f"not {self.theme_id} ← {self.answer_id}"


class ThemeSuggestion(models.Model):
    """A candidate theme for a question, from the topic model (`theme_analysis.themes_suggest`): its top terms,
    about how many answers raise it, and a few representative answers (ids only: their redacted text is read
    through `publication` when shown). Analysts accept it (it becomes a theme) or reject it; a rejected one is
    not suggested again when the suggestions are made afresh."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="theme_suggestions")
    terms = models.CharField(max_length=400)
    key = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    representatives = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=SuggestionState.choices, default=SuggestionState.PROPOSED)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-size", "pk"]

    def __str__(self):
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [term for term in self.terms.split(", ") if term]


class AnalysisRun(models.Model):
    """One background run of theme suggestion or assignment for a question, with its progress for the analyst.
    The task is given the run's id only."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="analysis_runs")
    kind = models.CharField(max_length=10, choices=AnalysisKind.choices)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_status_display()}"

    @property
    def percent(self) -> int:
        return (
            int(100 * self.done / self.total) if self.total else (100 if self.status == RunStatus.DONE else 0)
        )

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)
