"""What a case answers: the RIDDOR assessment for HSE, the police outcome, and decisions on what the reporter
asked for."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import dateformat, timezone

from cms.times import DATE_FORMAT

from ..encryption import EncryptedTextField
from .choices import RIDDOR_REPORT_WITHIN_DAYS, RIDDOR_WARNING_DAYS
from .reports import IncidentReport

RIDDOR_KIND_PHRASES = {
    "over_seven_day": "an over-7-day injury",
    "specified_injury": "a specified injury",
    "death": "a death",
    "dangerous_occurrence": "a dangerous occurrence",
}


class RiddorAssessment(models.Model):
    """Whether the incident must be reported to HSE under RIDDOR, and by when: an over-7-day injury within 15
    days of the incident, a death, specified injury or dangerous occurrence within 10 (`RIDDOR_REPORT_WITHIN_DAYS`,
    calendar days, as the regulations count them)."""

    class State(models.TextChoices):
        NOT_APPLICABLE = "not_applicable", "Not applicable"
        CANDIDATE = "candidate", "Candidate"
        REPORTED = "reported", "Reported to HSE"
        NOT_REPORTABLE = "not_reportable", "Not reportable"

    class Kind(models.TextChoices):
        OVER_SEVEN_DAY = (
            "over_seven_day",
            "Over-7-day injury (off work or on light duties for more than 7 days)",
        )
        SPECIFIED_INJURY = (
            "specified_injury",
            "Specified injury (for example a fracture or loss of consciousness)",
        )
        DEATH = "death", "Death"
        DANGEROUS_OCCURRENCE = "dangerous_occurrence", "Dangerous occurrence"

    report = models.OneToOneField(IncidentReport, on_delete=models.CASCADE, related_name="riddor")
    state = models.CharField(max_length=16, choices=State.choices, default=State.CANDIDATE)
    kind = models.CharField(
        "what makes it reportable", max_length=24, choices=Kind.choices, default=Kind.OVER_SEVEN_DAY
    )
    hse_reference = EncryptedTextField("HSE reference", max_length=40, blank=True)
    reported_on = models.DateField(null=True, blank=True)
    reason = EncryptedTextField(blank=True, help_text="Why it is not reportable")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"RIDDOR on {self.report_id} ({self.state})"

    @property
    def deadline(self) -> datetime.date:
        return timezone.localdate(self.report.occurred_at) + datetime.timedelta(
            days=RIDDOR_REPORT_WITHIN_DAYS[self.kind]
        )

    @property
    def days_allowed(self) -> int:
        return RIDDOR_REPORT_WITHIN_DAYS[self.kind]

    @property
    def deadline_text(self) -> str:
        """ "Report it to HSE by 8 December 2026: 15 days from the incident for an over-7-day injury"."""
        return (
            f"Report it to HSE by {dateformat.format(self.deadline, DATE_FORMAT)}: {self.days_allowed} days from "
            f"the incident for {RIDDOR_KIND_PHRASES[self.kind]}"
        )

    @property
    def days_left(self) -> int:
        return (self.deadline - timezone.localdate()).days

    @property
    def deadline_warning(self) -> bool:
        return self.state == self.State.CANDIDATE and self.days_left <= RIDDOR_WARNING_DAYS


class PoliceOutcome(models.Model):
    class State(models.TextChoices):
        NOT_REPORTED = "not_reported", "Not reported to the police"
        REPORTED = "reported", "Reported"
        INVESTIGATING = "investigating", "Police investigating"
        CHARGED = "charged", "Charged"
        CAUTION = "caution", "Caution or community resolution"
        NO_FURTHER_ACTION = "nfa", "No further action"
        VICTIM_DECLINED = "victim_declined", "Victim did not want the police to pursue it"

    report = models.OneToOneField(IncidentReport, on_delete=models.CASCADE, related_name="police_outcome")
    state = models.CharField(max_length=16, choices=State.choices)
    crime_reference = EncryptedTextField(max_length=40, blank=True)
    aewa_eligible = models.BooleanField(
        "Assaults on Emergency Workers Act applies",
        default=False,
        help_text="NHS staff in face-to-face roles",
    )
    victim_impact_statement_offered = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Police outcome on {self.report_id} ({self.state})"


class ReporterRequestDecision(models.Model):
    """A handler's answer to something the reporter asked for (contact about support, police action) when the
    case's own records do not answer it: for instance support not offered, or police not involved.

    `reason` is internal; `answer_for_reporter` is what the reporter reads when they asked for feedback
    (`REPORTER_VISIBLE_DECISION_FIELDS`). One per request: recording it again replaces it, audited.
    """

    class Topic(models.TextChoices):
        SUPPORT = "support", "Contact about support"
        POLICE = "police", "Police action"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="request_decisions")
    topic = models.CharField(max_length=16, choices=Topic.choices)
    reason = EncryptedTextField(help_text="Why, for the handlers (internal)")
    answer_for_reporter = EncryptedTextField(
        blank=True, help_text="What the reporter is told (reporter sees it if they asked for feedback)"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["topic"]
        constraints = [
            models.UniqueConstraint(fields=["report", "topic"], name="incident_request_decision_unique")
        ]

    def __str__(self):
        return f"Decision on {self.report_id} ({self.topic})"
