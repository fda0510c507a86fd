"""The consultation's vocabularies: the states and kinds that models, forms, services and text detection share.

Plain choices, importable without the app registry (detection.py labels its flags with `RedactionReason`)."""

from django.db import models


class Lifecycle(models.TextChoices):
    FORTHCOMING = "forthcoming", "Forthcoming"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    CONCLUDED = "concluded", "Concluded"


class QuestionKind(models.TextChoices):
    FREE_TEXT = "free_text", "Free text"
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    AGREE_SCALE = "agree_scale", "Agree or disagree scale"


AGREE_SCALE_OPTIONS = (
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
)


class RespondentType(models.TextChoices):
    PUBLIC = "public", "Member of the public"
    NHS_STAFF = "nhs_staff", "NHS staff"
    SOCIAL_CARE_STAFF = "social_care_staff", "Social care staff"
    ORGANISATION = "organisation", "Responding for an organisation"


class PublishConsent(models.TextChoices):
    NAMED = "named", "Publish my response with my name or my organisation's name"
    ANONYMOUS = "anonymous", "Publish my response anonymously"
    NONE = "none", "Do not publish my response"


class Channel(models.TextChoices):
    ONLINE = "online", "Online form"
    EMAIL = "email", "E-mail"
    POST = "post", "Post"


class ModerationState(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    APPROVED = "approved", "Approved for publication"
    REJECTED = "rejected", "Not for publication"
    INVALID = "invalid", "Invalid (spam or test): not counted"


class RedactionReason(models.TextChoices):
    EMAIL = "email", "E-mail address"
    PHONE = "phone", "Phone number"
    NHS_NUMBER = "nhs_number", "NHS number"
    POSTCODE = "postcode", "Postcode"
    ADDRESS = "address", "Street address"
    NAME = "name", "Name of a person"
    SAFEGUARDING = "safeguarding", "Safeguarding or special category information"
    OFFENSIVE = "offensive", "Offensive or defamatory"
    OTHER = "other", "Other identifying detail"


class RedactedField(models.TextChoices):
    """Where a redaction applies: an answer's free text, or one of the published "about you" fields."""

    ANSWER = "answer", "Answer"
    RESPONDENT_NAME = "respondent_name", "Name"
    ORGANISATION_NAME = "organisation_name", "Organisation name"


class RedactionDecision(models.TextChoices):
    REDACTED = "redacted", "Redacted"
    DISMISSED = "dismissed", "Suggestion dismissed"


class Origin(models.TextChoices):
    PERSON = "person", "A person"
    SYSTEM = "system", "The system"


class CampaignKind(models.TextChoices):
    CAMPAIGN = "campaign", "Campaign"
    DUPLICATE = "duplicate", "Near-duplicates"


class CampaignReview(models.TextChoices):
    PROPOSED = "proposed", "Proposed: waiting for an analyst"
    CONFIRMED = "confirmed", "Confirmed by an analyst"
    REJECTED = "rejected", "Not a campaign (analyst)"


class ReferralStatus(models.TextChoices):
    OPEN = "open", "Open: waiting for the safeguarding lead"
    REFERRED = "referred", "Referred to the local authority"
    NO_FURTHER_ACTION = "no_action", "No further action"


class ReferralOrigin(models.TextChoices):
    DETECTED = "detected", "Found by the automatic check"
    MODERATOR = "moderator", "Raised by a moderator"


class SuggestionState(models.TextChoices):
    PROPOSED = "proposed", "Suggested: waiting for an analyst"
    ACCEPTED = "accepted", "Accepted as a theme"
    REJECTED = "rejected", "Rejected by an analyst"


class AnalysisKind(models.TextChoices):
    SUGGEST = "suggest", "Suggest themes"
    ASSIGN = "assign", "Suggest which themes each answer raises"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"
