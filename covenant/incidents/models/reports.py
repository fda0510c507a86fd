"""The report and the case built on it, and the messages on a case (each with an explicit audience)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from cms.records.selectors import period_days
from workforce.models import Organisation, Person

from ..encryption import EncryptedTextField
from .choices import (
    OPEN_STATUSES,
    REPORTER_STATUS_LABELS,
    RETENTION_KINDS,
    SURVEY_SOURCE_GROUP,
    Category,
    Injury,
    MedicalFactor,
    PoliceContact,
    PoliceWish,
    ProtectedCharacteristic,
    ReporterRelationship,
    ReportingMode,
    Setting,
    Source,
    StaffGroup,
    Status,
    SubType,
    Treatment,
    YesNoUnknown,
)


class IncidentReport(models.Model):
    """One report of violence or abuse against staff, and the case built on it."""

    # Reporting mode and identity. An anonymous report keeps no link to an account, even when signed in.
    mode = models.CharField(max_length=16, choices=ReportingMode.choices)
    relationship = models.CharField(max_length=16, choices=ReporterRelationship.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident_reports",
        help_text="Empty for anonymous reports",
    )
    receipt_hash = models.CharField(max_length=256, blank=True, help_text="Slow hash of the follow-up code")
    receipt_index = models.CharField(
        max_length=64, blank=True, help_text="Keyed HMAC of the follow-up code, to find the row"
    )
    submission_key = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",  # rows written outside the ORM (bulk loads) have none
        help_text="Keyed HMAC of the report journey's submission key: sending twice stores one report",
    )

    # When and where.
    occurred_at = models.DateTimeField()
    occurred_approximate = models.BooleanField(default=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="incident_reports")
    site = EncryptedTextField("site, ward or team", max_length=200, blank=True)
    setting = models.CharField(max_length=32, choices=Setting.choices)
    lone_working = models.BooleanField(default=False)
    staff_group = models.CharField(max_length=32, choices=StaffGroup.choices, blank=True)

    # What happened and who did it.
    category = models.CharField(max_length=32, choices=Category.choices)
    sub_types = models.JSONField(default=list, blank=True)
    protected_characteristic = models.CharField(
        max_length=32, choices=ProtectedCharacteristic.choices, blank=True
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    medical_factors = models.CharField(
        max_length=32, choices=MedicalFactor.choices, default=MedicalFactor.UNKNOWN
    )
    narrative = EncryptedTextField()

    # Impact.
    injury = models.CharField(max_length=16, choices=Injury.choices)
    treatment = models.CharField(max_length=32, choices=Treatment.choices, default=Treatment.NONE)
    days_off = models.PositiveSmallIntegerField(null=True, blank=True)
    police_contacted = models.CharField(max_length=8, choices=PoliceContact.choices, default=PoliceContact.NO)
    crime_reference = EncryptedTextField(max_length=40, blank=True)
    cctv_available = models.CharField(
        max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )

    # The reporter's wishes.
    wants_police_action = models.CharField(
        max_length=16, choices=PoliceWish.choices, default=PoliceWish.UNDECIDED
    )
    wants_support = models.BooleanField(default=False)
    wants_feedback = models.BooleanField(default=True)
    may_tell_line_manager = models.BooleanField(default=False)

    # The case.
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    reported_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledge_by = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    lead_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status_reason_for_reporter = EncryptedTextField(
        blank=True,
        help_text="Why the report was not handled as an incident or was redirected (reporter sees it)",
    )
    outcome_for_reporter = EncryptedTextField(
        blank=True, help_text="Reporter-visible outcome written on closing"
    )
    closure_rationale = EncryptedTextField(blank=True, help_text="Internal rationale for the outcome")
    closed_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_hold = models.BooleanField(default=False)

    # Who did it, as a handler identifies them (docs/incidents.md, "Repeat perpetrators"): a patient by NHS
    # number, kept encrypted and matched only through its keyed hash; a member of staff by their workforce record.
    perpetrator_nhs_number = EncryptedTextField("patient's NHS number", max_length=10, blank=True)
    perpetrator_nhs_number_index = models.CharField(
        max_length=64, blank=True, help_text="Keyed HMAC of the NHS number, to match cases without decrypting"
    )
    perpetrator_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="member of staff",
        help_text="The workforce record of the member of staff who did it",
    )

    class Meta:
        ordering = ["-reported_at"]
        permissions = [
            ("view_cases", "Can manage incident cases of their organisations"),
            ("sign_off_case", "Can sign off incident cases investigated by someone else"),
            ("view_incident_statistics", "Can see aggregate incident figures"),
            ("decide_identity_disclosure", "Can approve revealing the identity behind a report"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-reported_at"], name="incident_org_status"),
            # Case list and dashboards: one organisation's cases newest first. The filter columns ride along
            # (PostgreSQL INCLUDE), so counts under filters are index-only scans rather than heap reads.
            models.Index(
                fields=["organisation", "-reported_at"],
                include=["id", "status", "category", "source", "setting", "mode"],
                name="incident_org_recent",
            ),
            models.Index(fields=["receipt_index"], name="incident_receipt_index"),
            models.Index(
                fields=["organisation", "perpetrator_nhs_number_index"], name="incident_perpetrator_patient"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~models.Q(submission_key=""),
                name="incident_submission_key_unique",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"VA-{self.pk:06d}" if self.pk else "VA-new"

    @property
    def reporter_status_label(self) -> str:
        return REPORTER_STATUS_LABELS.get(self.status, self.get_status_display())

    @property
    def survey_source_group(self) -> str:
        return SURVEY_SOURCE_GROUP.get(self.source, "Not known")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def acknowledgement_overdue(self) -> bool:
        return (
            self.acknowledged_at is None
            and self.status == Status.SUBMITTED
            and timezone.now() > self.acknowledge_by
        )

    @property
    def retention_class(self) -> str:
        return "case" if self.closed_at is not None else "not_pursued"

    @property
    def destroy_after(self) -> datetime.date:
        """The first day the archived case may be destroyed: its retention class's period in force (the
        records schedule, docs/records.md) after it closed, or after the report when it never became a case."""
        start = self.closed_at if self.closed_at is not None else self.reported_at
        days = period_days(RETENTION_KINDS[self.retention_class])
        return timezone.localdate(start + datetime.timedelta(days=days))

    def sub_type_labels(self) -> list[str]:
        labels = dict(SubType.choices)
        return [labels.get(value, value) for value in self.sub_types or []]


class Message(models.Model):
    """A message on a case, with an explicit audience."""

    class Audience(models.TextChoices):
        REPORTER = "reporter", "Reporter and handlers"
        INTERNAL = "internal", "Handlers only (internal note)"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="messages")
    audience = models.CharField(max_length=16, choices=Audience.choices)
    from_reporter = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Message on {self.report_id} ({self.audience})"

    @property
    def author_label(self) -> str:
        if self.from_reporter:
            return "Reporter"
        return "Case handler"
