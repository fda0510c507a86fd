"""The staff passport: verified checks that travel with a person, and what receiving organisations accept."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..vocabulary import (
    CredentialKind,
    CredentialStatus,
    DBSLevel,
    HolderResponse,
    JobRole,
    ProfessionalRegister,
)
from .organisations import Organisation
from .people import Person


class PassportCredential(models.Model):
    """A check HR saw the evidence for, verified by a second person, that travels with the person.

    Recorded by one HR administrator of the issuing organisation, verified by another (never the one who recorded
    it: the service refuses and a check constraint backs it). The holder accepts or rejects it on their own
    passport; only a verified credential the holder has not rejected is shared or reused.
    """

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
    register = models.CharField(
        max_length=10,
        choices=ProfessionalRegister.choices,
        blank=True,
        help_text="Professional registrations",
    )
    evidence_seen = models.CharField(
        max_length=255, blank=True, help_text="What HR saw, such as 'DBS certificate' or 'passport'"
    )
    evidence_checked_on = models.DateField("date the evidence was seen", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    holder_response = models.CharField(
        max_length=10, choices=HolderResponse.choices, default=HolderResponse.PENDING
    )
    holder_responded_at = models.DateTimeField(null=True, blank=True)
    holder_reason = models.CharField(max_length=255, blank=True, help_text="Why the holder rejected it")
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
        indexes = [models.Index(fields=["person", "kind"]), models.Index(fields=["expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(verified_by__isnull=True) | ~models.Q(verified_by=models.F("recorded_by")),
                name="credential_verified_by_a_second_person",
            ),
        ]

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

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def description(self) -> str:
        """The credential with the details that matter to a receiver: DBS level, register and number."""
        parts = [str(self)]
        if self.dbs_level:
            update = ", on the update service" if self.dbs_update_service else ""
            parts.append(f"({self.get_dbs_level_display()}{update})")
        if self.register:
            parts.append(f"({self.get_register_display()} {self.reference})".replace(" )", ")"))
        return " ".join(parts)


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


class PassportShare(models.Model):
    """A time-limited code the holder gives one receiving organisation, whose HR administrators redeem it once.

    Only the keyed hash of the code is stored (HMAC-SHA256 with HASHING_KEY), so neither the database nor its
    backups hold a usable code; the look-up is by that hash on a unique index.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="passport_shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="passport_shares")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job_role = models.CharField(max_length=32, choices=JobRole.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.person} shared with {self.organisation}"


class CredentialReliance(models.Model):
    """An organisation relied on a credential (reused it through a shared passport or a move), so it hears when
    the credential is revoked or expires."""

    credential = models.ForeignKey(PassportCredential, on_delete=models.CASCADE, related_name="reliances")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="credential_reliances"
    )
    share = models.ForeignKey(
        PassportShare, null=True, blank=True, on_delete=models.SET_NULL, related_name="reliances"
    )
    relied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-relied_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "organisation"], name="reliance_unique_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} relies on {self.credential}"
