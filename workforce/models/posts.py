"""Posts at organisations and the assignments of people to them."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from ..vocabulary import AssignmentKind, JobRole, PayFramework, PostKind, PostStatus, StaffGroup
from .organisations import Organisation
from .people import Employment, Person

FTE_VALIDATORS = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))]


class Post(models.Model):
    """A funded position at an organisation, described with the national vocabulary."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="posts")
    reference = models.CharField(max_length=30, help_text="The post number in the organisation's own system")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=PostKind.choices, default=PostKind.SINGLE)
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices)
    job_role = models.CharField(max_length=32, choices=JobRole.choices)
    pay_framework = models.CharField(max_length=10, choices=PayFramework.choices)
    pay_band = models.CharField(max_length=10, blank=True)
    fte = models.DecimalField(
        "FTE", max_digits=4, decimal_places=2, default=Decimal("1.00"), validators=FTE_VALIDATORS
    )
    status = models.CharField(max_length=10, choices=PostStatus.choices, default=PostStatus.FUNDED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="post_unique_reference"),
        ]
        indexes = [models.Index(fields=["staff_group", "job_role"])]

    def __str__(self):
        return f"{self.title} ({self.reference})"


class Assignment(models.Model):
    """A person in a post for a period. Effective-dated: periods are closed, never overwritten."""

    employment = models.ForeignKey(Employment, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="assignments")
    work_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="worked_assignments",
        help_text="Where the job is worked, which can differ from the employer",
    )
    kind = models.CharField(max_length=16, choices=AssignmentKind.choices, default=AssignmentKind.SUBSTANTIVE)
    is_primary = models.BooleanField(default=True)
    fte = models.DecimalField(
        "FTE", max_digits=4, decimal_places=2, default=Decimal("1.00"), validators=FTE_VALIDATORS
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    planned_end_date = models.DateField(null=True, blank=True, help_text="For secondments and rotations")
    home_assignment = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The substantive assignment a secondment returns to",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "start_date"]),
            models.Index(fields=["work_organisation", "start_date", "end_date"]),
        ]

    def __str__(self):
        return f"{self.person} in {self.post}"

    def is_open_on(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)
