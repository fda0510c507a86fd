"""Records governance: the retention periods a data protection officer has set, and legal holds.

The kinds of record, their default periods and how each is purged are declared in code (`cms/retention.py`);
these tables hold only what people decide on /records/retention/ (docs/records.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RetentionPeriod(models.Model):
    """A period set on the schedule page, overriding the kind's default in code."""

    kind = models.CharField(max_length=64, unique=True)
    days = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        permissions = [
            ("manage_records", "Can set retention periods and place or lift legal holds"),
            ("subject_access", "Can export and erase everything held about a person"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.days} days"


class LegalHold(models.Model):
    """Stops the purge (and erasure) of what it covers: one record (object_type and object_id, e.g. an incident
    case or a person) or a whole kind of record. Lifted, never deleted, so the trail of holds stays."""

    kind = models.CharField(max_length=64, blank=True, help_text="A whole kind of record (its key)")
    object_type = models.CharField(
        max_length=100, blank=True, help_text="A record's model, e.g. workforce.person"
    )
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=500)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["lifted_at"], name="legal_hold_active")]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(kind="") & models.Q(object_type="", object_id=""))
                | (models.Q(kind="") & ~models.Q(object_type="") & ~models.Q(object_id="")),
                name="legal_hold_kind_or_record",
            )
        ]

    def __str__(self):
        return f"Hold on {self.kind or f'{self.object_type} {self.object_id}'}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
