"""Joint arrangements: posts that span organisations, their partners and their signed agreements."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from ..vocabulary import ArrangementStatus, DocumentKind, LegalModel, PartnerRole
from .organisations import Organisation
from .posts import Post

SHARE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class JointArrangement(models.Model):
    """A post that spans organisations. Employer, place of work, funder and the two managers are separate."""

    title = models.CharField(max_length=200)
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="joint_arrangements")
    legal_model = models.CharField(max_length=24, choices=LegalModel.choices)
    status = models.CharField(
        max_length=10, choices=ArrangementStatus.choices, default=ArrangementStatus.ACTIVE
    )
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    place_of_work = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    funder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="Lead funder"
    )
    line_manager = models.CharField(max_length=200, blank=True)
    line_manager_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    professional_supervisor = models.CharField(max_length=200, blank=True)
    professional_supervisor_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.TextField(blank=True)
    s75_reference = models.CharField("section 75 agreement and schedule", max_length=100, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    review_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="arrangement_end_after_start",
            ),
        ]

    def __str__(self):
        return self.title


class JointArrangementPartner(models.Model):
    """One organisation's part in a joint arrangement: its roles and its funding and time shares (percent)."""

    arrangement = models.ForeignKey(JointArrangement, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="arrangement_partners"
    )
    roles = models.JSONField(default=list, help_text="PartnerRole values")
    funding_share = models.DecimalField(max_digits=5, decimal_places=2, validators=SHARE_VALIDATORS)
    time_share = models.DecimalField(max_digits=5, decimal_places=2, validators=SHARE_VALIDATORS)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-funding_share", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "organisation"], name="partner_unique_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.arrangement}"

    def role_labels(self) -> list[str]:
        labels = dict(PartnerRole.choices)
        return [labels.get(role, role) for role in self.roles]


class AgreementDocument(models.Model):
    """A signed agreement behind a joint arrangement. Served only through an access-checked view."""

    arrangement = models.ForeignKey(JointArrangement, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="workforce/agreements/%Y/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title
