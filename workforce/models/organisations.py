"""Organisations and memberships: who holds which role where."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from cms.accounts.roles import ORGANISATION_ROLE_CHOICES


class Sector(models.TextChoices):
    HEALTH = "health", "NHS and health"
    SOCIAL_CARE = "social_care", "Social care"
    VOLUNTARY = "voluntary", "Voluntary and community"


class OrganisationType(models.TextChoices):
    NHS_TRUST = "nhs_trust", "NHS trust"
    NHS_FOUNDATION_TRUST = "nhs_foundation_trust", "NHS foundation trust"
    AMBULANCE_TRUST = "ambulance_trust", "Ambulance trust"
    INTEGRATED_CARE_BOARD = "icb", "Integrated care board"
    GP_PRACTICE = "gp_practice", "GP practice"
    LOCAL_AUTHORITY = "local_authority", "Council (local authority)"
    CARE_PROVIDER = "care_provider", "Care provider"
    HOSPICE = "hospice", "Hospice"
    VOLUNTARY = "voluntary", "Voluntary organisation"

    @classmethod
    def sector_for(cls, value: str) -> str:
        if value in {cls.LOCAL_AUTHORITY, cls.CARE_PROVIDER}:
            return Sector.SOCIAL_CARE
        if value in {cls.HOSPICE, cls.VOLUNTARY}:
            return Sector.VOLUNTARY
        return Sector.HEALTH


class Region(models.TextChoices):
    EAST = "east", "East of England"
    LONDON = "london", "London"
    MIDLANDS = "midlands", "Midlands"
    NORTH_EAST_YORKSHIRE = "north_east_yorkshire", "North East and Yorkshire"
    NORTH_WEST = "north_west", "North West"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"


ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,6}$", "Enter an ODS code of 3 to 6 capital letters and digits, like RXX or 8AB12"
)
cqc_id_validator = RegexValidator(r"^1-\d{6,11}$", "Enter a CQC ID in the form 1-123456789")
gss_code_validator = RegexValidator(
    r"^E(0[6-9]|10)\d{6}$", "Enter a local authority code like E06000001 (E06 to E10, then 6 digits)"
)


class Organisation(models.Model):
    """A legal body in the integrated care system: NHS body, council, care provider or voluntary organisation."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    organisation_type = models.CharField(max_length=32, choices=OrganisationType.choices)
    sector = models.CharField(max_length=16, choices=Sector.choices)
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)
    ods_code = models.CharField(
        "ODS code", max_length=6, blank=True, validators=[ods_code_validator], help_text="NHS organisations"
    )
    cqc_provider_id = models.CharField(
        "CQC provider ID",
        max_length=14,
        blank=True,
        validators=[cqc_id_validator],
        help_text="Care providers",
    )
    local_authority_code = models.CharField(
        "local authority code",
        max_length=9,
        blank=True,
        validators=[gss_code_validator],
        help_text="Councils",
    )
    icb = models.ForeignKey(
        "self",
        verbose_name="integrated care board",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="icb_members",
        limit_choices_to={"organisation_type": "icb"},
        help_text="The integrated care board whose area the organisation is in",
    )
    is_active = models.BooleanField(
        default=True, help_text="An inactive organisation's records are out of every member's scope"
    )
    closed_on = models.DateField(null=True, blank=True, help_text="The close date in the ODS file")

    class Meta:
        ordering = ["name"]
        permissions = [
            ("view_workforce", "Can use the workforce screens of their own organisations"),
            ("view_workforce_reports", "Can see aggregate workforce reports"),
            ("manage_organisations", "Can create, change, import and deactivate organisations"),
            ("manage_accounts", "Can invite people and grant and revoke roles at their organisations"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~models.Q(ods_code=""), name="organisation_unique_ods_code"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Membership(models.Model):
    """A user's role at an organisation. Roles are carried by groups; the organisation scopes what they see."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=ORGANISATION_ROLE_CHOICES)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"
