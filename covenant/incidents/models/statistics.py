"""Figures entered beside the reports: an organisation's Staff Survey prevalence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from workforce.models import Organisation


class SurveyPrevalence(models.Model):
    """Staff Survey prevalence an organisation enters for a survey year, to set beside its reports."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="survey_prevalence")
    survey_year = models.PositiveSmallIntegerField(help_text="The calendar year of the survey, e.g. 2025")
    headcount = models.PositiveIntegerField(help_text="Staff in post")
    physical_violence_percent = models.DecimalField(
        max_digits=4, decimal_places=1, help_text="% experiencing physical violence from any source (Q14a-c)"
    )
    harassment_percent = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        help_text="% experiencing harassment, bullying or abuse from any source (Q15a-c)",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "-survey_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "survey_year"], name="survey_prevalence_unique_year"
            )
        ]

    def __str__(self):
        return f"{self.organisation} {self.survey_year}"
