"""Violence and abuse against staff: reports, the case workflow and the child records a case carries.

Audience is explicit. A field or message is either for the reporter (`REPORTER_VISIBLE_FIELDS`,
`Message.Audience.REPORTER`, `IncidentReport.outcome_for_reporter`, `REPORTER_VISIBLE_DECISION_FIELDS`) or
internal to the handlers; reporter-facing views read only the reporter-visible ones. The anonymous follow-up code is never stored: only a slow hash
(Django's password hashers) and a keyed HMAC index so a lookup finds one row without scanning.

Every field that holds free text or identifies someone or something outside this system (a site or ward, a crime
or HSE reference, who support was escalated to, an action's description) is an `EncryptedTextField`; the other
columns are choices, dates, numbers, flags and keys. `CaseTransition.actor_label` is left in clear: it names the
member of staff who acted ("reporter" or "system" otherwise), as the audit trail does. The e-mail addresses a
reporter names are used once, to work out the exclusions, and never stored.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from workforce.models import Organisation

from .encryption import EncryptedTextField

ACKNOWLEDGE_WITHIN = datetime.timedelta(days=1)
RIDDOR_REPORT_WITHIN_DAYS = 15
RIDDOR_WARNING_DAYS = 5
SUPPORT_CHECK_IN_DAYS = (3, 7, 28)


# Retention per record class, in years from the date the class counts from. Local policy set against the Records
# Management Code of Practice (incident records: 10 years); check Appendix II before go-live (docs/incidents.md).
RETENTION_YEARS = {
    "case": 10,  # closed or archived cases, from closure
    "not_pursued": 3,  # not an incident, redirected or merged duplicates, from the report
}


class ReportingMode(models.TextChoices):
    NAMED = "named", "Named"
    CONFIDENTIAL = "confidential", "Confidential"
    ANONYMOUS = "anonymous", "Anonymous"


class ReporterRelationship(models.TextChoices):
    TARGETED = "targeted", "It happened to me"
    WITNESSED = "witnessed", "I saw it happen to someone else"
    ON_BEHALF = "on_behalf", "I am reporting on behalf of a colleague"


class StaffGroup(models.TextChoices):
    """The affected person's staff group, after the NHS Staff Survey's occupational groups plus social care."""

    NURSING = "nursing", "Registered nurse or midwife"
    HEALTHCARE_ASSISTANT = "healthcare_assistant", "Nursing or healthcare assistant"
    MEDICAL = "medical", "Medical or dental"
    ALLIED_HEALTH = "allied_health", "Allied health professional"
    AMBULANCE = "ambulance", "Ambulance (operational)"
    ADMIN = "admin", "Admin, clerical or reception"
    ESTATES = "estates", "Estates, security or ancillary"
    SOCIAL_CARE = "social_care", "Social care worker"
    OTHER = "other", "Other"


class Setting(models.TextChoices):
    WARD = "ward", "Ward"
    EMERGENCY_DEPARTMENT = "emergency_department", "Emergency department"
    OUTPATIENTS = "outpatients", "Outpatients or clinic"
    COMMUNITY = "community", "Community or patient's home"
    AMBULANCE = "ambulance", "Ambulance or roadside"
    CARE_HOME = "care_home", "Care home"
    GP_PRACTICE = "gp_practice", "GP practice"
    RECEPTION = "reception", "Reception or waiting area"
    CAR_PARK = "car_park", "Car park or grounds"
    PHONE = "phone", "Phone"
    ONLINE = "online", "Online or social media"
    OTHER = "other", "Somewhere else"


class Category(models.TextChoices):
    PHYSICAL_ASSAULT = "physical_assault", "Physical assault"
    VERBAL_ABUSE = "verbal_abuse", "Verbal abuse or threats"
    SEXUAL = "sexual", "Sexual (unwanted behaviour of a sexual nature or sexual assault)"
    DISCRIMINATORY = "discriminatory", "Discriminatory or hate abuse"
    HARASSMENT = "harassment", "Harassment or stalking"
    SPITTING = "spitting", "Spitting or bodily fluids"
    ONLINE_ABUSE = "online_abuse", "Online abuse"
    BULLYING = "bullying", "Bullying by a colleague"


class SubType(models.TextChoices):
    PUNCH_OR_KICK = "punch_kick", "Punched, kicked or hit"
    BITE_OR_SCRATCH = "bite_scratch", "Bitten or scratched"
    PUSH_OR_GRAB = "push_grab", "Pushed, grabbed or restrained"
    WEAPON = "weapon", "Weapon used or brandished"
    OBJECT_THROWN = "object_thrown", "Object thrown"
    ATTEMPTED_ASSAULT = "attempted_assault", "Attempted assault"
    THREAT_TO_KILL = "threat_to_kill", "Threat to kill or seriously harm"
    SHOUTING_OR_SWEARING = "shouting_swearing", "Shouting or swearing"
    SEXUAL_COMMENT = "sexual_comment", "Sexual comments"
    UNWANTED_TOUCHING = "unwanted_touching", "Unwanted touching"
    DISCRIMINATORY_REMARK = "discriminatory_remark", "Racist or other discriminatory remarks"
    FOLLOWING = "following", "Followed, watched or contacted repeatedly"
    INTIMIDATION = "intimidation", "Intimidation or humiliation"


class ProtectedCharacteristic(models.TextChoices):
    """The NHS Staff Survey discrimination grounds, extended to the Equality Act characteristics."""

    RACE = "race", "Ethnic background or race"
    RELIGION = "religion", "Religion or belief"
    DISABILITY = "disability", "Disability"
    SEX = "sex", "Sex or gender"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
    GENDER_REASSIGNMENT = "gender_reassignment", "Gender reassignment"
    AGE = "age", "Age"
    PREGNANCY = "pregnancy", "Pregnancy or maternity"
    OTHER = "other", "Other"


class Source(models.TextChoices):
    PATIENT = "patient", "Patient or service user"
    RELATIVE = "relative", "Relative or carer of a patient or service user"
    PUBLIC = "public", "Member of the public"
    COLLEAGUE = "colleague", "Colleague"
    MANAGER = "manager", "Manager"
    CONTRACTOR = "contractor", "Contractor or agency worker"
    UNKNOWN = "unknown", "Not known"


# The three source groups the NHS Staff Survey asks about (Q14-Q17), so local rates can be set beside it.
SURVEY_SOURCE_GROUP = {
    Source.PATIENT: "Patients, relatives or the public",
    Source.RELATIVE: "Patients, relatives or the public",
    Source.PUBLIC: "Patients, relatives or the public",
    Source.CONTRACTOR: "Other colleagues",
    Source.COLLEAGUE: "Other colleagues",
    Source.MANAGER: "Managers",
    Source.UNKNOWN: "Not known",
}
COLLEAGUE_SOURCES = (Source.COLLEAGUE, Source.MANAGER)


class MedicalFactor(models.TextChoices):
    NONE = "none", "None suspected"
    DEMENTIA = "dementia", "Dementia or delirium"
    MENTAL_ILLNESS = "mental_illness", "Mental illness"
    LEARNING_DISABILITY = "learning_disability", "Learning disability or autism"
    INTOXICATION = "intoxication", "Alcohol or drugs"
    HEAD_INJURY = "head_injury", "Head injury or after a seizure"
    UNKNOWN = "unknown", "Not known"


class Injury(models.TextChoices):
    NONE = "none", "No physical injury"
    MINOR = "minor", "Minor (first aid)"
    MODERATE = "moderate", "Moderate (needed medical treatment)"
    MAJOR = "major", "Major"


class Treatment(models.TextChoices):
    NONE = "none", "None"
    FIRST_AID = "first_aid", "First aid"
    GP = "gp", "GP or occupational health"
    EMERGENCY_DEPARTMENT = "emergency_department", "Emergency department"
    ADMITTED = "admitted", "Admitted to hospital"


class PoliceContact(models.TextChoices):
    NO = "no", "No"
    EMERGENCY = "999", "Yes, called 999"
    NON_EMERGENCY = "101", "Yes, called 101"
    ONLINE = "online", "Yes, reported online"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class PoliceWish(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNDECIDED = "undecided", "Not sure yet"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    TRIAGE = "triage", "Triage"
    NOT_AN_INCIDENT = "not_an_incident", "Not an incident"
    REDIRECTED = "redirected", "Redirected"
    MERGED = "merged", "Merged duplicate"
    ASSIGNED = "assigned", "Assigned"
    UNDER_REVIEW = "under_review", "Under review"
    AWAITING_INFO = "awaiting_info", "Awaiting information"
    ACTION_PENDING = "action_pending", "Action pending"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    ARCHIVED = "archived", "Archived"


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.TRIAGE,
    Status.ASSIGNED,
    Status.UNDER_REVIEW,
    Status.AWAITING_INFO,
    Status.ACTION_PENDING,
    Status.AWAITING_SIGN_OFF,
    Status.REOPENED,
)

# What the reporter is told about each state: plain words, nothing internal.
REPORTER_STATUS_LABELS = {
    Status.SUBMITTED: "Received – waiting to be looked at",
    Status.TRIAGE: "Being looked at",
    Status.NOT_AN_INCIDENT: "Closed – not handled as an incident (see the reason below)",
    Status.REDIRECTED: "Passed to another team (see the reason below)",
    Status.MERGED: "Joined with another report about the same incident",
    Status.ASSIGNED: "Being investigated",
    Status.UNDER_REVIEW: "Being investigated",
    Status.AWAITING_INFO: "We have asked you a question",
    Status.ACTION_PENDING: "Actions are being taken",
    Status.AWAITING_SIGN_OFF: "Being investigated",
    Status.CLOSED: "Closed",
    Status.REOPENED: "Reopened",
    Status.ARCHIVED: "Closed",
}

# Fields the reporter may see of their own report; everything else on the report is internal.
REPORTER_VISIBLE_FIELDS = (
    "reference",
    "mode",
    "relationship",
    "occurred_at",
    "occurred_approximate",
    "organisation",
    "site",
    "setting",
    "staff_group",
    "category",
    "sub_types",
    "protected_characteristic",
    "source",
    "medical_factors",
    "injury",
    "treatment",
    "days_off",
    "police_contacted",
    "crime_reference",
    "cctv_available",
    "narrative",
    "wants_police_action",
    "wants_support",
    "wants_feedback",
    "may_tell_line_manager",
    "reported_at",
    "outcome_for_reporter",
    "status_reason_for_reporter",
)

# What the reporter may read of a decision on their request, and only when they asked for feedback. The reason
# and who decided stay internal.
REPORTER_VISIBLE_DECISION_FIELDS = ("topic", "answer_for_reporter", "decided_at")


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
        start = self.closed_at if self.closed_at is not None else self.reported_at
        start_day = timezone.localdate(start)
        years = RETENTION_YEARS[self.retention_class]
        try:
            return start_day.replace(year=start_day.year + years)
        except ValueError:  # 29 February
            return start_day.replace(year=start_day.year + years, day=28)

    def sub_type_labels(self) -> list[str]:
        labels = dict(SubType.choices)
        return [labels.get(value, value) for value in self.sub_types or []]


class CaseTransition(models.Model):
    """The timestamped history of a case's workflow. Internal: the reporter sees only the current state."""

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    note = EncryptedTextField(blank=True, help_text="Internal")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report_id}: {self.from_status} -> {self.to_status}"


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


class CaseExclusion(models.Model):
    """A person who must not see the case: a named colleague or manager, or their line management."""

    class Reason(models.TextChoices):
        NAMED_SUBJECT = "named_subject", "Named as the source"
        LINE_MANAGEMENT = "line_management", "Line manager of the person named"
        CONFLICT = "conflict", "Other conflict of interest"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_exclusions"
    )
    reason = models.CharField(max_length=32, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="incident_exclusion_unique")]

    def __str__(self):
        return f"Exclusion on {self.report_id}"


class SupportOffer(models.Model):
    """Post-incident support for one affected member of staff, with check-ins at set intervals."""

    class State(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed"
        ESCALATED = "escalated", "Escalated"

    class Route(models.TextChoices):
        LINE_MANAGER = "line_manager", "Line manager"
        OCCUPATIONAL_HEALTH = "occupational_health", "Occupational health"
        EAP = "eap", "Employee assistance programme"
        PEER = "peer", "Peer support (TRiM or similar)"
        FTSU = "ftsu", "Freedom to Speak Up guardian"
        PSYCHOLOGY = "psychology", "Staff psychology service"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="support_offers")
    staff_member = EncryptedTextField(
        help_text="Who is being supported, e.g. 'Reporter' or a role (internal)"
    )
    route = models.CharField(max_length=32, choices=Route.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OFFERED)
    offered_at = models.DateTimeField(default=timezone.now)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    escalated_to = EncryptedTextField(max_length=200, blank=True)
    notes = EncryptedTextField(blank=True, help_text="Internal")

    class Meta:
        ordering = ["offered_at", "pk"]

    def __str__(self):
        return f"Support on {self.report_id} ({self.state})"


class SupportCheckIn(models.Model):
    offer = models.ForeignKey(SupportOffer, on_delete=models.CASCADE, related_name="check_ins")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"Check-in due {self.due_on}"

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()


class RiddorAssessment(models.Model):
    """Whether the incident must be reported to HSE under RIDDOR (over-7-day injuries within 15 days)."""

    class State(models.TextChoices):
        NOT_APPLICABLE = "not_applicable", "Not applicable"
        CANDIDATE = "candidate", "Candidate"
        REPORTED = "reported", "Reported to HSE"
        NOT_REPORTABLE = "not_reportable", "Not reportable"

    report = models.OneToOneField(IncidentReport, on_delete=models.CASCADE, related_name="riddor")
    state = models.CharField(max_length=16, choices=State.choices, default=State.CANDIDATE)
    hse_reference = EncryptedTextField("HSE reference", max_length=40, blank=True)
    reported_on = models.DateField(null=True, blank=True)
    reason = EncryptedTextField(blank=True, help_text="Why it is not reportable")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"RIDDOR on {self.report_id} ({self.state})"

    @property
    def deadline(self) -> datetime.date:
        return timezone.localdate(self.report.occurred_at) + datetime.timedelta(
            days=RIDDOR_REPORT_WITHIN_DAYS
        )

    @property
    def days_left(self) -> int:
        return (self.deadline - timezone.localdate()).days

    @property
    def deadline_warning(self) -> bool:
        return self.state == self.State.CANDIDATE and self.days_left <= RIDDOR_WARNING_DAYS


class PoliceOutcome(models.Model):
    class State(models.TextChoices):
        NOT_REPORTED = "not_reported", "Not reported to the police"
        REPORTED = "reported", "Reported"
        INVESTIGATING = "investigating", "Police investigating"
        CHARGED = "charged", "Charged"
        CAUTION = "caution", "Caution or community resolution"
        NO_FURTHER_ACTION = "nfa", "No further action"
        VICTIM_DECLINED = "victim_declined", "Victim did not want the police to pursue it"

    report = models.OneToOneField(IncidentReport, on_delete=models.CASCADE, related_name="police_outcome")
    state = models.CharField(max_length=16, choices=State.choices)
    crime_reference = EncryptedTextField(max_length=40, blank=True)
    aewa_eligible = models.BooleanField(
        "Assaults on Emergency Workers Act applies",
        default=False,
        help_text="NHS staff in face-to-face roles",
    )
    victim_impact_statement_offered = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Police outcome on {self.report_id} ({self.state})"


class ReporterRequestDecision(models.Model):
    """A handler's answer to something the reporter asked for (contact about support, police action) when the
    case's own records do not answer it: for instance support not offered, or police not involved.

    `reason` is internal; `answer_for_reporter` is what the reporter reads when they asked for feedback
    (`REPORTER_VISIBLE_DECISION_FIELDS`). One per request: recording it again replaces it, audited.
    """

    class Topic(models.TextChoices):
        SUPPORT = "support", "Contact about support"
        POLICE = "police", "Police action"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="request_decisions")
    topic = models.CharField(max_length=16, choices=Topic.choices)
    reason = EncryptedTextField(help_text="Why, for the handlers (internal)")
    answer_for_reporter = EncryptedTextField(
        blank=True, help_text="What the reporter is told (reporter sees it if they asked for feedback)"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["topic"]
        constraints = [
            models.UniqueConstraint(fields=["report", "topic"], name="incident_request_decision_unique")
        ]

    def __str__(self):
        return f"Decision on {self.report_id} ({self.topic})"


class Sanction(models.Model):
    """A sanction against a patient or visitor. Emergency treatment is never withheld, whatever the sanction."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CLINICAL_REVIEW = "clinical_review", "Clinical and capacity review done"
        APPROVED = "approved", "Approved"
        ISSUED = "issued", "Issued"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        APPEALED = "appealed", "Appealed"
        REVIEW_DUE = "review_due", "Review due"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    class Kind(models.TextChoices):
        VERBAL_WARNING = "verbal_warning", "Verbal warning"
        WRITTEN_WARNING = "written_warning", "Written warning"
        ABA = "aba", "Acceptable behaviour agreement"
        EXCLUSION = "exclusion", "Exclusion or entry with conditions"
        ALTERNATIVE_PROVISION = (
            "alternative_provision",
            "Care provided at another place or by another provider",
        )

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="sanctions")
    subject_description = EncryptedTextField(
        help_text="Who the sanction is against, e.g. a patient reference (internal)"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    clinical_review_note = EncryptedTextField(blank=True)
    capacity_considered = models.BooleanField(default=False)
    person_input_sought = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    notes = EncryptedTextField(blank=True, help_text="Internal")

    class Meta:
        ordering = ["proposed_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.state})"

    @property
    def review_overdue(self) -> bool:
        return (
            self.state in (self.State.ISSUED, self.State.ACKNOWLEDGED, self.State.REVIEW_DUE)
            and self.review_on is not None
            and self.review_on <= timezone.localdate()
        )


class CaseAction(models.Model):
    """A learning or remedial action with an owner and a due date."""

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incident_actions"
    )
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description

    @property
    def overdue(self) -> bool:
        return self.completed_at is None and self.due_on < timezone.localdate()


class IdentityDisclosureRequest(models.Model):
    """A handler asks to learn who made a confidential report; only an identity custodian can approve."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        AUTHORISED = "authorised", "Authorised"
        DENIED = "denied", "Denied"

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="disclosure_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Disclosure request on {self.report_id} ({self.state})"


class SurveyPrevalence(models.Model):
    """Staff Survey prevalence an organisation enters for a survey year, to set beside its reports."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="survey_prevalence")
    survey_year = models.PositiveSmallIntegerField(help_text="The calendar year of the survey, e.g. 2025")
    headcount = models.PositiveIntegerField(help_text="Staff in post")
    physical_violence_percent = models.DecimalField(
        max_digits=4, decimal_places=1, help_text="% experiencing physical violence from any source (Q14a-c)"
    )
    harassment_percent = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        help_text="% experiencing harassment, bullying or abuse from any source (Q15a-c)",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "-survey_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "survey_year"], name="survey_prevalence_unique_year"
            )
        ]

    def __str__(self):
        return f"{self.organisation} {self.survey_year}"
