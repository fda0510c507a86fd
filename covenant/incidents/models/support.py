"""Post-incident support for the people affected, with check-ins at set intervals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..encryption import EncryptedTextField
from .reports import IncidentReport


class SupportOffer(models.Model):
    """Post-incident support for one affected member of staff, with check-ins at set intervals."""

    class State(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed"
        ESCALATED = "escalated", "Escalated"

    class Route(models.TextChoices):
        LINE_MANAGER = "line_manager", "Line manager"
        OCCUPATIONAL_HEALTH = "occupational_health", "Occupational health"
        EAP = "eap", "Employee assistance programme"
        PEER = "peer", "Peer support (TRiM or similar)"
        FTSU = "ftsu", "Freedom to Speak Up guardian"
        PSYCHOLOGY = "psychology", "Staff psychology service"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="support_offers")
    staff_member = EncryptedTextField(
        help_text="Who is being supported, e.g. 'Reporter' or a role (internal)"
    )
    route = models.CharField(max_length=32, choices=Route.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OFFERED)
    offered_at = models.DateTimeField(default=timezone.now)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    escalated_to = EncryptedTextField(max_length=200, blank=True)
    notes = EncryptedTextField(blank=True, help_text="Internal")

    class Meta:
        ordering = ["offered_at", "pk"]

    def __str__(self):
        return f"Support on {self.report_id} ({self.state})"


class SupportCheckIn(models.Model):
    offer = models.ForeignKey(SupportOffer, on_delete=models.CASCADE, related_name="check_ins")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"Check-in due {self.due_on}"

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()
