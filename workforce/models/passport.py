"""The staff passport: verified checks that travel with a person, and what receiving organisations accept."""

from django.db import models
from simple_history.models import HistoricalRecords

from ..vocabulary import CredentialKind, CredentialStatus, DBSLevel, JobRole
from .organisations import Organisation
from .people import Person


class PassportCredential(models.Model):
    """A verified check that travels with the person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=32, choices=CredentialKind.choices)
    subject = models.CharField(
        max_length=120,
        blank=True,
        help_text="Training subject or registration body, such as 'Safeguarding adults'",
    )
    reference = models.CharField(max_length=60, blank=True, help_text="Certificate or registration number")
    dbs_level = models.CharField("DBS level", max_length=20, choices=DBSLevel.choices, blank=True)
    dbs_update_service = models.BooleanField("on the DBS update service", default=False)
    dbs_update_checked_on = models.DateField("update service last checked", null=True, blank=True)
    issued_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="issued_credentials")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=CredentialStatus.choices, default=CredentialStatus.ISSUED
    )
    status_reason = models.CharField(max_length=255, blank=True, help_text="Why it was rejected or revoked")
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-issued_on", "pk"]
        indexes = [models.Index(fields=["person", "kind"])]

    def __str__(self):
        label = self.get_kind_display()
        return f"{label}: {self.subject}" if self.subject else label

    def status_on(self, day) -> str:
        if (
            self.status in (CredentialStatus.ISSUED, CredentialStatus.ACCEPTED)
            and self.expires_on
            and (self.expires_on < day)
        ):
            return CredentialStatus.EXPIRED
        return self.status


class AcceptanceRule(models.Model):
    """What a receiving organisation accepts from a passport for a role, instead of repeating the check."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="acceptance_rules")
    job_role = models.CharField(
        max_length=32, choices=JobRole.choices, blank=True, help_text="Blank for every role"
    )
    kind = models.CharField(max_length=32, choices=CredentialKind.choices)
    subject = models.CharField(max_length=120, blank=True, help_text="For training: the subject required")
    minimum_dbs_level = models.CharField(max_length=20, choices=DBSLevel.choices, blank=True)
    requires_update_service = models.BooleanField(default=False)
    max_age_days = models.PositiveIntegerField(null=True, blank=True, help_text="Oldest issue date accepted")
    accepted_issuer_sectors = models.JSONField(default=list, blank=True, help_text="Empty for any sector")

    class Meta:
        ordering = ["organisation__name", "job_role", "kind", "subject"]

    def __str__(self):
        return f"{self.organisation}: {self.get_kind_display()} {self.subject}".strip()
