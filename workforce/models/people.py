"""People and their employments (contracts with a legal employer, and who they report to under each)."""

import datetime

from django.db import models
from simple_history.models import HistoricalRecords

from ..vocabulary import ContractType
from .organisations import Organisation


class Person(models.Model):
    """Someone who works in the system. Matched across organisations by a keyed hash, never by a raw NI number.

    `match_key` is HMAC-SHA256 over the normalised NI number, date of birth and surname (the ESR inter-authority
    transfer rule). The NI number itself is never stored, so it cannot be shown to a partner organisation.
    """

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    match_key = models.CharField(max_length=64, unique=True, editable=False)
    matching_consent = models.BooleanField(
        default=True, help_text="The person agreed to be matched across partner organisations"
    )
    # Stored lower-case; it links the record to a sign-in account with the same e-mail address, now or later.
    work_email = models.EmailField("work e-mail address", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the record is anonymised at the end of its retention period or on erasure (workforce/retention.py).
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["last_name", "first_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["work_email"], condition=~models.Q(work_email=""), name="person_unique_work_email"
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class EmploymentQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date):
        """Employments not ended by `day`, including ones about to start: reporting lines on them count."""
        return self.filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=day))


class Employment(models.Model):
    """A contract with a legal employer. A person may hold several at once (joint employment, bank work).

    `line_manager` is who the person reports to under this contract. The services refuse a person as their
    own manager and any reporting line that would make a loop.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="employments")
    staff_number = models.CharField(max_length=30, blank=True)
    contract_type = models.CharField(
        max_length=16, choices=ContractType.choices, default=ContractType.PERMANENT
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    tupe_protected = models.BooleanField(default=False)
    line_manager = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_employments",
        verbose_name="reports to",
    )
    history = HistoricalRecords()

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="employment_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["employer", "start_date"])]

    def __str__(self):
        return f"{self.person} at {self.employer}"
