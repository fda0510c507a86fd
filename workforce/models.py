import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from cms.accounts.roles import ROLE_CHOICES

from .vocabulary import (
    ArrangementStatus,
    AssignmentKind,
    ContractType,
    CredentialKind,
    CredentialStatus,
    DBSLevel,
    DestinationSector,
    DocumentKind,
    JobRole,
    LegalModel,
    MoveStatus,
    MoveType,
    PayFramework,
    PostKind,
    PostStatus,
    StaffGroup,
)


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
gss_code_validator = RegexValidator(r"^E0[6-9]\d{6}$", "Enter a local authority code like E06000001")


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
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("view_workforce", "Can use the workforce screens of their own organisations"),
            ("view_workforce_reports", "Can see aggregate workforce reports"),
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
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
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


# --- people, employments, posts and assignments ---------------------------------------------------------------

FTE_VALIDATORS = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))]
SHARE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


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


# --- joint arrangements ----------------------------------------------------------------------------------------


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
        from .vocabulary import PartnerRole

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


# --- staff passport ---------------------------------------------------------------------------------------------


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


# --- sector moves -----------------------------------------------------------------------------------------------


class SectorMove(models.Model):
    """A move with both ends recorded: the sending organisation records it, the receiving one confirms it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="moves")
    move_type = models.CharField(max_length=20, choices=MoveType.choices)
    status = models.CharField(max_length=10, choices=MoveStatus.choices, default=MoveStatus.RECORDED)
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="moves_out")
    from_sector = models.CharField(max_length=16, choices=Sector.choices)
    from_post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="moves_out")
    from_assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="moves_in"
    )
    to_sector = models.CharField(max_length=20, choices=DestinationSector.choices)
    to_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="moves_in"
    )
    to_assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices, help_text="At the sending end")
    joint_arrangement = models.ForeignKey(
        JointArrangement, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    offer_date = models.DateField(null=True, blank=True)
    effective_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Planned end of a secondment or rotation")
    days_offer_to_start = models.IntegerField(null=True, blank=True, editable=False)
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    credentials_reused = models.ManyToManyField(
        PassportCredential, blank=True, related_name="reused_in_moves"
    )
    checks_repeated = models.JSONField(
        default=list, blank=True, help_text="Checks the receiver had to repeat"
    )
    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        ordering = ["-effective_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gt=models.F("effective_date")),
                name="move_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["effective_date"]),
            models.Index(fields=["from_sector", "to_sector", "effective_date"]),
            # The HR moves list: "from or to my organisations", newest first.
            models.Index(fields=["from_organisation", "-effective_date"], name="move_from_org_date"),
            models.Index(fields=["to_organisation", "-effective_date"], name="move_to_org_date"),
        ]

    def __str__(self):
        return f"{self.get_move_type_display()}: {self.person} on {self.effective_date:%d %B %Y}"

    @property
    def is_cross_sector(self) -> bool:
        return self.from_sector != self.to_sector
