"""Evidence on a case: files (photos, documents, recordings) kept encrypted, and witness statements.

A file's description and metadata live in `Evidence`; its bytes, one Fernet token, in `EvidenceContent`, a row of
its own so that listing a case's evidence never loads a file. Both go with the case (CASCADE), so the retention
schedule that destroys a case destroys its files too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..encryption import EncryptedTextField
from .reports import IncidentReport

# What a kept file may be (`evidence_files.TYPES` says which uploads become which: a HEIC photo is kept as JPEG).
EVIDENCE_CONTENT_TYPES = (
    "application/pdf",
    "audio/aac",
    "audio/mp4",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "image/jpeg",
    "image/png",
    "text/plain",
)


class Evidence(models.Model):
    """One file attached to a case, by a handler or by the reporter (signed in, or by follow-up code)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "Photo"
        DOCUMENT = "document", "Document"
        AUDIO = "audio", "Audio recording"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    content_type = models.CharField(max_length=40, choices=[(t, t) for t in EVIDENCE_CONTENT_TYPES])
    file_name = EncryptedTextField(max_length=100, help_text="A safe version of the name it was sent with")
    description = EncryptedTextField(max_length=500, blank=True)
    size = models.PositiveIntegerField(
        help_text="Bytes of the kept file (after a photo's metadata is removed)"
    )
    from_reporter = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when sent by follow-up code: anonymous stays so",
    )
    # For a file sent by follow-up code, the hour only (like the anonymous report's own times).
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return f"Evidence {self.pk} on {self.report_id}"

    @property
    def uploader_label(self) -> str:
        return "Reporter" if self.from_reporter else "Case handler"


class EvidenceContent(models.Model):
    """The bytes of one evidence file, encrypted with the incidents keys (`encryption.encrypt_bytes`)."""

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="content")
    ciphertext = models.BinaryField()

    def __str__(self):
        return f"Content of evidence {self.evidence_id}"


class WitnessStatement(models.Model):
    """A statement a handler took from a witness. Handlers only: the reporter never sees it."""

    class Relationship(models.TextChoices):
        STAFF = "staff", "Member of staff"
        PATIENT = "patient", "Patient or service user"
        VISITOR = "visitor", "Visitor, relative or carer"
        CONTRACTOR = "contractor", "Contractor, agency or bank staff"
        POLICE_SECURITY = "police_security", "Police or security"
        OTHER = "other", "Someone else"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="witness_statements")
    witness_name = EncryptedTextField(max_length=200)
    relationship = models.CharField(max_length=24, choices=Relationship.choices)
    role = EncryptedTextField(max_length=200, blank=True, help_text="Job title or role, if known")
    taken_on = models.DateField()
    statement = EncryptedTextField(max_length=20000)
    evidence = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="witness_statements"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taken_on", "pk"]

    def __str__(self):
        return f"Witness statement {self.pk} on {self.report_id}"
