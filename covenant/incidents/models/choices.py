"""The vocabulary of incident reports: the choices a report is made of, the states of a case, the time limits and
retention periods, and which fields and states a reporter may see."""

from __future__ import annotations

import datetime

from django.db import models

from cms.working_days import add_working_days

# A report is acknowledged within 1 working day of being made (weekends and bank holidays in England and Wales
# do not count; cms/working_days.py).
ACKNOWLEDGE_WITHIN_WORKING_DAYS = 1
# Days from the incident to report to HSE, by what makes it reportable (RIDDOR 2013 reg. 4 and Schedule 1): an
# over-7-day injury within 15 days; a death, specified injury or dangerous occurrence without delay and within 10.
RIDDOR_REPORT_WITHIN_DAYS = {
    "over_seven_day": 15,
    "specified_injury": 10,
    "death": 10,
    "dangerous_occurrence": 10,
}
RIDDOR_WARNING_DAYS = 5
SUPPORT_CHECK_IN_DAYS = (3, 7, 28)
# A sanction's owner is reminded this many days before its review date, and on the day.
SANCTION_REVIEW_REMINDER_DAYS = 7


def acknowledge_deadline(reported_at: datetime.datetime) -> datetime.datetime:
    """When a report made at `reported_at` must be acknowledged by: 1 working day later, same time of day."""
    return add_working_days(reported_at, ACKNOWLEDGE_WITHIN_WORKING_DAYS)


# Retention per record class, in years from the date the class counts from. Local policy set against the Records
# Management Code of Practice (incident records: 10 years); check Appendix II before go-live (docs/incidents.md).
# These are the defaults of the records schedule's two incident kinds (covenant/incidents/retention.py), which a
# data protection officer may change on /records/retention/.
RETENTION_YEARS = {
    "case": 10,  # closed or archived cases, from closure
    "not_pursued": 3,  # not an incident, redirected or merged duplicates, from the report
}
RETENTION_KINDS = {"case": "incidents.cases", "not_pursued": "incidents.not_pursued"}


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
