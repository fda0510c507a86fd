"""How a case is handled: its timestamped history, who is kept from it, requests to learn who made a confidential
report, and the actions it leads to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..encryption import EncryptedTextField
from .choices import Status
from .reports import IncidentReport


class CaseTransition(models.Model):
    """The timestamped history of a case's workflow. Internal: the reporter sees only the current state."""

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    note = EncryptedTextField(blank=True, help_text="Internal")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report_id}: {self.from_status} -> {self.to_status}"


class CaseExclusion(models.Model):
    """A person who must not see the case: a named colleague or manager, or their line management."""

    class Reason(models.TextChoices):
        NAMED_SUBJECT = "named_subject", "Named as the source"
        LINE_MANAGEMENT = "line_management", "Line manager of the person named"
        CONFLICT = "conflict", "Other conflict of interest"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_exclusions"
    )
    reason = models.CharField(max_length=32, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="incident_exclusion_unique")]

    def __str__(self):
        return f"Exclusion on {self.report_id}"


class CaseAction(models.Model):
    """A learning or remedial action with an owner and a due date."""

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incident_actions"
    )
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description

    @property
    def overdue(self) -> bool:
        return self.completed_at is None and self.due_on < timezone.localdate()


class IdentityDisclosureRequest(models.Model):
    """A handler asks to learn who made a confidential report; only an identity custodian can approve."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        AUTHORISED = "authorised", "Authorised"
        DENIED = "denied", "Denied"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="disclosure_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Disclosure request on {self.report_id} ({self.state})"
