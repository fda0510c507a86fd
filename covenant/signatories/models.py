"""Signing the Covenant: the pledge bank, signatures with their pledges, progress, and recognition awards.

An organisation asks to sign (`CovenantSignature`, status requested); an editor approves or rejects it. Each
signature carries pledges (`SignaturePledge`), taken from the editor-managed bank (`Pledge`) or written by the
organisation, each with a measurable indicator and a target; progress is recorded once a financial year.
Recognition (`RecognitionAward`) is bronze, silver or gold, awarded against the published criteria, and lapses
five years after the award.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from workforce.models import Organisation

AWARD_YEARS = 5


@dataclass(frozen=True, order=True)
class FinancialYear:
    """An NHS financial year, 1 April to 31 March, named by the year it starts in."""

    start_year: int

    @classmethod
    def containing(cls, day: datetime.date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def parse(cls, value: str | None) -> FinancialYear | None:
        """'2025-26' or '2025' -> FinancialYear(2025); None for anything else."""
        text = (value or "").strip()
        head, _, tail = text.partition("-")
        if not head.isdigit() or len(head) != 4 or not 2000 <= int(head) <= 2100:
            return None
        if tail and (not tail.isdigit() or int(tail) != (int(head) + 1) % 100):
            return None
        return cls(int(head))

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.start_year, 4, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def key(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def __str__(self) -> str:
        return self.label


class Pledge(index.Indexed, models.Model):
    """An example pledge from the bank editors keep; organisations adopt it and add their own indicator."""

    title = models.CharField(max_length=120, unique=True)
    text = models.TextField(help_text="The pledge as an organisation makes it, starting with 'We will'")
    suggested_indicator = models.CharField(
        max_length=200, blank=True, help_text="A measure organisations can use to show progress"
    )
    is_active = models.BooleanField(
        default=True, help_text="Only active pledges are offered to organisations"
    )
    sort_order = models.PositiveIntegerField(default=0)

    panels = [
        FieldPanel("title"),
        FieldPanel("text"),
        FieldPanel("suggested_indicator"),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("text")]

    class Meta:
        ordering = ["sort_order", "title"]
        verbose_name = "pledge in the pledge bank"
        verbose_name_plural = "pledge bank"

    def __str__(self):
        return self.title


class SignatureStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for approval"
    APPROVED = "approved", "Signed"
    REJECTED = "rejected", "Not approved"


class CovenantSignature(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="covenant_signatures"
    )
    signatory_name = models.CharField(max_length=120)
    signatory_role = models.CharField(max_length=120, help_text="For example chief executive or HR director")
    co_signatory_name = models.CharField(max_length=120, blank=True)
    co_signatory_role = models.CharField(max_length=120, blank=True)
    signed_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=SignatureStatus.choices, default=SignatureStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation__name", "-signed_on"]
        permissions = [
            ("request_signature", "Can ask to sign the Covenant for their organisation"),
            ("approve_signature", "Can approve or reject requests to sign the Covenant"),
            ("award_recognition", "Can award Covenant recognition tiers"),
            ("record_pledge_progress", "Can record progress against their organisation's pledges"),
        ]
        constraints = [
            # One live signature an organisation: a request in progress or a signed Covenant.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=["requested", "approved"]),
                name="signature_one_live_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_status_display()})"

    @property
    def approved_by(self):
        return self.decided_by if self.status == SignatureStatus.APPROVED else None


class SignaturePledge(models.Model):
    signature = models.ForeignKey(CovenantSignature, on_delete=models.CASCADE, related_name="pledges")
    bank_pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    own_text = models.TextField(blank=True)
    indicator = models.CharField(max_length=200, help_text="How progress is measured")
    target = models.DecimalField(max_digits=10, decimal_places=1)
    unit = models.CharField(max_length=30, blank=True, help_text="For example %, people or days")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["signature", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(bank_pledge__isnull=False) & Q(own_text=""))
                | (Q(bank_pledge__isnull=True) & ~Q(own_text="")),
                name="signature_pledge_bank_or_own_text",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def text(self) -> str:
        return self.bank_pledge.text if self.bank_pledge_id else self.own_text

    @property
    def title(self) -> str:
        return self.bank_pledge.title if self.bank_pledge_id else "Our own pledge"


class PledgeProgress(models.Model):
    """Where a pledge's indicator stood at the end of a financial year."""

    pledge = models.ForeignKey(SignaturePledge, on_delete=models.CASCADE, related_name="progress")
    financial_year = models.PositiveIntegerField(help_text="The year the financial year starts in")
    value = models.DecimalField(max_digits=10, decimal_places=1)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pledge", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "financial_year"], name="pledge_progress_once_a_year")
        ]

    def __str__(self):
        return f"{self.pledge}: {self.value} in {self.year}"

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)


class Tier(models.TextChoices):
    BRONZE = "bronze", "Bronze"
    SILVER = "silver", "Silver"
    GOLD = "gold", "Gold"


TIER_RANK = {Tier.BRONZE: 1, Tier.SILVER: 2, Tier.GOLD: 3}

# Published on the recognition page; the service checks the parts a record can show (signature, lower tier).
TIER_CRITERIA = {
    Tier.BRONZE: (
        "Has signed the NHS Covenant and its signature has been approved.",
        "Has told its staff about the Covenant and its pledges.",
        "Records violence and abuse against staff through this service.",
    ),
    Tier.SILVER: (
        "Holds a current bronze award.",
        "Has policies to support staff after violence or abuse, and staff know about them.",
        "Accepts checks from the staff passport when staff move between health and social care.",
        "Has reported progress against every pledge for the last financial year.",
    ),
    Tier.GOLD: (
        "Holds a current silver award.",
        "Speaks up for the Covenant inside and outside the organisation.",
        "Is an example to its sector: runs joint roles or rotations with a partner in the other sector.",
        "Has met or exceeded the targets of its pledges.",
    ),
}


class RecognitionAward(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="covenant_awards")
    tier = models.CharField(max_length=8, choices=Tier.choices)
    evidence = models.TextField(help_text="How the organisation meets each criterion")
    awarded_on = models.DateField()
    expires_on = models.DateField()
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "-awarded_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("awarded_on")), name="award_expires_after"
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_tier_display()} ({self.awarded_on:%Y})"

    def is_current(self, on: datetime.date) -> bool:
        return self.awarded_on <= on < self.expires_on
