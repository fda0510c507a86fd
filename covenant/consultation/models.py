"""The NHS Covenant consultation: Wagtail pages for authoring, relational records for responses.

Questions have two faces. Editors edit `QuestionDefinition` rows inline in the page editor (so drafts,
revisions and previews work as for any Wagtail content). When the page is published, `questions_sync`
copies them into `Question` rows keyed by a UUID that never changes. Answers point at `Question`, which is
never deleted: a question removed from the page is retired, so no answer is ever lost or misattributed.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from workforce.models import Region

from .encryption import EncryptedTextField

OUTCOME_DUE_AFTER = datetime.timedelta(weeks=12)


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


# --- Pages ---------------------------------------------------------------------------------------------------


class ConsultationHubPage(Page):
    """Lists the consultations: open, forthcoming, closed and concluded."""

    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["consultation.ConsultationPage"]
    max_count = 1

    class Meta:
        verbose_name = "consultations hub"

    def consultations_by_status(self) -> dict[str, list[ConsultationPage]]:
        groups: dict[str, list[ConsultationPage]] = {status: [] for status in Lifecycle.values}
        pages = ConsultationPage.objects.child_of(self).live().order_by("-opens_at")
        for page in pages:
            groups[page.status].append(page)
        return groups

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        groups = self.consultations_by_status()
        context["sections"] = [
            ("Open consultations", groups[Lifecycle.OPEN]),
            ("Forthcoming consultations", groups[Lifecycle.FORTHCOMING]),
            ("Closed consultations", groups[Lifecycle.CLOSED]),
            ("Concluded consultations", groups[Lifecycle.CONCLUDED]),
        ]
        return context


class ConsultationPage(RoutablePageMixin, Page):
    """One consultation on one URL through its whole lifecycle: open, closed, concluded (with its outcome).

    The responding journey, the published responses, the summary and the outcome are routes of this page
    (see `covenant/consultation/pages.py`)."""

    summary = models.CharField(
        max_length=400, help_text="One or two sentences shown in lists and search results"
    )
    body = RichTextField(blank=True, help_text="What we are consulting on and why")
    documents = StreamField(
        [("document", DocumentChooserBlock())],
        blank=True,
        help_text="Consultation documents, impact assessments and easy read versions",
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    audience = models.CharField(max_length=200, blank=True, help_text="Who we want to hear from")
    outcome_summary = RichTextField(
        blank=True, help_text="The government-style response: what we heard and what we will do"
    )
    next_steps = RichTextField(blank=True)
    outcome_published_at = models.DateField(
        null=True,
        blank=True,
        help_text="Set when the outcome is published: the consultation is then concluded",
    )
    delay_explanation = models.TextField(
        blank=True, help_text="Shown if the outcome is not published within 12 weeks of closing"
    )
    safeguarding_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"groups__name": "Safeguarding lead"},
        help_text="Owns the safeguarding referrals from this consultation's responses and is e-mailed about "
        "each one. Without one, every safeguarding lead is e-mailed",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading="Dates"),
        FieldPanel("audience"),
        FieldPanel("safeguarding_lead"),
        FieldPanel("body"),
        FieldPanel("documents"),
        InlinePanel("question_definitions", heading="Questions", label="Question"),
        MultiFieldPanel(
            [
                FieldPanel("outcome_published_at"),
                FieldPanel("outcome_summary"),
                FieldPanel("next_steps"),
                FieldPanel("delay_explanation"),
            ],
            heading="Outcome",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["consultation.ConsultationHubPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "consultation"
        permissions = [
            ("moderate_response", "Can moderate consultation responses"),
            ("analyse_response", "Can analyse and theme consultation responses"),
            ("handle_safeguarding", "Can read and decide safeguarding referrals from consultation responses"),
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The closing date must be after the opening date"})

    def status_at(self, now: datetime.datetime) -> str:
        if self.outcome_published_at and self.outcome_summary:
            return Lifecycle.CONCLUDED
        if now < self.opens_at:
            return Lifecycle.FORTHCOMING
        if now < self.closes_at:
            return Lifecycle.OPEN
        return Lifecycle.CLOSED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def status_label(self) -> str:
        return Lifecycle(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == Lifecycle.OPEN

    @property
    def outcome_due(self) -> datetime.date:
        return timezone.localdate(self.closes_at) + OUTCOME_DUE_AFTER

    @property
    def outcome_overdue(self) -> bool:
        return self.status == Lifecycle.CLOSED and timezone.localdate() > self.outcome_due

    @property
    def feedback_published(self) -> bool:
        """Published responses and summaries appear once the consultation has closed."""
        return self.status in (Lifecycle.CLOSED, Lifecycle.CONCLUDED)

    def active_questions(self):
        return self.questions.filter(retired_at__isnull=True).order_by("sort_order", "pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["questions"] = list(self.active_questions())
        context.update(
            respond_url=self.subpage_url("respond_start"),
            published_url=self.subpage_url("published"),
            summary_url=self.subpage_url("summary"),
            outcome_url=self.subpage_url("outcome"),
            open_data_csv=self.subpage_url("open_data", fmt="csv"),
            open_data_json=self.subpage_url("open_data", fmt="json"),
            closed_text=(
                "This consultation has closed. We are analysing the responses and will publish our response "
                f"on this page by {self.outcome_due:%-d %B %Y}."
            ),
        )
        return context

    def subpage_url(self, name: str, **kwargs) -> str:
        return self.url + self.reverse_subpage(name, kwargs=kwargs or None)

    # Routes: the whole lifecycle lives under this page's URL. The views are in pages.py.
    @path("respond/", name="respond_start")
    def respond_start_route(self, request):
        from . import pages

        return pages.respond_start(request, self)

    @path("respond/about-you/", name="about_you")
    def about_you_route(self, request):
        from . import pages

        return pages.about_you(request, self)

    @path("respond/questions/<int:step>/", name="questions")
    def questions_route(self, request, step):
        from . import pages

        return pages.questions(request, self, step)

    @path("respond/check/", name="check")
    def check_route(self, request):
        from . import pages

        return pages.check(request, self)

    @path("respond/confirmation/", name="confirmation")
    def confirmation_route(self, request):
        from . import pages

        return pages.confirmation(request, self)

    @path("responses/", name="published")
    def published_route(self, request):
        from . import pages

        return pages.published(request, self)

    @path("summary/", name="summary")
    def summary_route(self, request):
        from . import pages

        return pages.summary(request, self)

    @path("outcome/", name="outcome")
    def outcome_route(self, request):
        from . import pages

        return pages.outcome(request, self)

    @path("outcome/pdf/", name="outcome_pdf")
    def outcome_pdf_route(self, request):
        from . import pages

        return pages.outcome_pdf(request, self)

    @re_path(r"^open-data/(?P<fmt>csv|json)/$", name="open_data")
    def open_data_route(self, request, fmt):
        from . import pages

        return pages.open_data(request, self, fmt)


class QuestionDefinition(Orderable):
    """A question as editors write it in the page editor. Published into a `Question` with the same UUID."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="question_definitions")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    section = models.CharField(
        max_length=120,
        blank=True,
        help_text="Questions with the same section heading share a page of the form",
    )
    text = models.CharField(max_length=500)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, default=QuestionKind.FREE_TEXT)
    options = models.TextField(
        blank=True, help_text="For single and multiple choice questions: one option per line"
    )
    max_length = models.PositiveIntegerField(
        default=2000, help_text="Character limit for free text answers and for the 'why' answer"
    )
    why_prompt = models.CharField(
        max_length=300,
        blank=True,
        help_text="Optional follow-up free text, for example 'Why do you say that?'",
    )
    required = models.BooleanField(default=False)

    panels = [
        FieldPanel("section"),
        FieldPanel("text"),
        FieldPanel("help_text"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("options"),
        FieldRowPanel([FieldPanel("max_length"), FieldPanel("why_prompt")]),
    ]

    def clean(self):
        from django.core.exceptions import ValidationError

        choice_kinds = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
        if self.kind in choice_kinds and len(_option_lines(self.options)) < 2:
            raise ValidationError({"options": "Give at least two options, one per line"})
        if self.max_length is not None and not 1 <= self.max_length <= 10000:
            raise ValidationError({"max_length": "The character limit must be between 1 and 10,000"})
        answered = Question.objects.filter(uuid=self.uuid, answers__isnull=False).values_list(
            "kind", flat=True
        )
        kinds = set(answered)
        if kinds and self.kind not in kinds:
            # Reinterpreting existing answers under a new type would misattribute them.
            raise ValidationError(
                {
                    "kind": "This question already has answers, so its type cannot change. Add a new question instead"
                }
            )


def _option_lines(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            seen.setdefault(line[:200], None)
    return list(seen)


class Question(models.Model):
    """The stable identity of a question that answers refer to. Never deleted; retired when removed."""

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.PROTECT, related_name="questions")
    uuid = models.UUIDField(default=uuid.uuid4)
    sort_order = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=120, blank=True)
    text = models.CharField(max_length=500)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, default=QuestionKind.FREE_TEXT)
    options_text = models.TextField(blank=True)
    max_length = models.PositiveIntegerField(default=2000)
    why_prompt = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "uuid"], name="question_unique_uuid_per_consultation"
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def number(self) -> int:
        return getattr(self, "_number", self.sort_order + 1)

    @property
    def options(self) -> list[str]:
        if self.kind == QuestionKind.AGREE_SCALE:
            return list(AGREE_SCALE_OPTIONS)
        if self.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            return _option_lines(self.options_text)
        return []

    @property
    def is_closed_question(self) -> bool:
        return self.kind != QuestionKind.FREE_TEXT

    @property
    def has_free_text(self) -> bool:
        return self.kind == QuestionKind.FREE_TEXT or bool(self.why_prompt)

    @property
    def field_name(self) -> str:
        return f"q-{self.uuid}"


# --- Responses ---------------------------------------------------------------------------------------------


class ConsultationResponse(models.Model):
    consultation = models.ForeignKey(ConsultationPage, on_delete=models.PROTECT, related_name="responses")
    reference = models.CharField(
        max_length=16, unique=True, help_text="Private receipt number given to the respondent"
    )
    public_id = models.CharField(max_length=12, unique=True, help_text="Shown beside the published response")
    idempotency_key = models.UUIDField(unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    respondent_type = models.CharField(max_length=20, choices=RespondentType.choices)
    respondent_name = models.CharField(max_length=120, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    # What is published of the two free-text "about you" fields, rebuilt from the redaction log like an
    # answer's `redacted_text`. Read them through `publication`, never directly.
    redacted_respondent_name = models.CharField(max_length=400, blank=True)
    redacted_organisation_name = models.CharField(max_length=600, blank=True)
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)
    publish_consent = models.CharField(max_length=10, choices=PublishConsent.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    moderation_state = models.CharField(
        max_length=10, choices=ModerationState.choices, default=ModerationState.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(max_length=300, blank=True)
    personal_data_flagged = models.BooleanField(default=False)
    safeguarding_flagged = models.BooleanField(default=False)
    fingerprint = models.CharField(
        max_length=40,
        blank=True,
        help_text="Hash of the normalised free text: identical template responses match",
    )
    campaign = models.ForeignKey(
        "CampaignGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(
                fields=["consultation", "moderation_state", "submitted_at"], name="response_queue_idx"
            ),
            models.Index(fields=["consultation", "respondent_type"], name="response_type_idx"),
            models.Index(fields=["consultation", "fingerprint"], name="response_fingerprint_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_published(self) -> bool:
        return (
            self.moderation_state == ModerationState.APPROVED and self.publish_consent != PublishConsent.NONE
        )

    def published_fields(self) -> list[str]:
        """The free-text "about you" fields that are published with this response, given its consent: the
        respondent's name for named individuals, the organisation's name for named organisations."""
        if self.publish_consent != PublishConsent.NAMED:
            return []
        if self.respondent_type == RespondentType.ORGANISATION:
            return [RedactedField.ORGANISATION_NAME]
        return [RedactedField.RESPONDENT_NAME]


class Answer(models.Model):
    """One row per question answered. `selected` holds chosen options wrapped in newlines ("\\nA\\nB\\n") so
    that filtering and counting by option is a plain indexed-free `contains` on every database."""

    response = models.ForeignKey(ConsultationResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    selected = models.TextField(blank=True)
    text = models.TextField(
        blank=True, help_text="Free text, or the 'why' of a choice question, as submitted"
    )
    redacted_text = models.TextField(
        blank=True, help_text="The text with redactions applied: what others see"
    )

    class Meta:
        ordering = ["question__sort_order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question"),
        ]

    def __str__(self):
        return f"{self.response} / {self.question_id}"

    @property
    def choices(self) -> list[str]:
        return [value for value in self.selected.split("\n") if value]

    @property
    def is_redacted(self) -> bool:
        return self.redacted_text != self.text


def encode_selected(values: list[str]) -> str:
    return "\n" + "\n".join(values) + "\n" if values else ""


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


class Redaction(models.Model):
    """The redaction log: which span was removed (or which suggestion a moderator judged not to be personal
    data, and why), by whom, when. `original` is visible only to moderators. Only `redacted` entries change
    the published text; a `dismissed` entry resolves a suggestion for the publication gate."""

    response = models.ForeignKey(ConsultationResponse, on_delete=models.CASCADE, related_name="redactions")
    field = models.CharField(max_length=20, choices=RedactedField.choices, default=RedactedField.ANSWER)
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="redactions"
    )
    decision = models.CharField(
        max_length=10, choices=RedactionDecision.choices, default=RedactionDecision.REDACTED
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    original = models.TextField()
    reason = models.CharField(max_length=16, choices=RedactionReason.choices)
    note = models.CharField(max_length=300, blank=True)
    redacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    redacted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["field", "answer_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(field="answer") & Q(answer__isnull=False))
                | (~Q(field="answer") & Q(answer__isnull=True)),
                name="redaction_answer_iff_answer_field",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.start}-{self.end})"

    @property
    def is_dismissal(self) -> bool:
        return self.decision == RedactionDecision.DISMISSED

    @property
    def placeholder(self) -> str:
        return f"[redacted: {self.get_reason_display().lower()}]"


# --- Analysis ----------------------------------------------------------------------------------------------


class Origin(models.TextChoices):
    PERSON = "person", "A person"
    SYSTEM = "system", "The system"


class Theme(models.Model):
    consultation = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="themes")
    question = models.ForeignKey(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="themes",
        help_text="Leave empty for a theme that runs across questions",
    )
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=400, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.PERSON)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["consultation", "name"], name="theme_unique_name")]

    def __str__(self):
        return self.name


class ThemeTag(models.Model):
    """An answer coded to a theme. Records whether a person or the system made it and who confirmed it."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="tags")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tags")
    origin = models.CharField(max_length=10, choices=Origin.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "theme"], name="themetag_unique")]

    def __str__(self):
        return f"{self.theme} ← {self.answer_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class CampaignKind(models.TextChoices):
    CAMPAIGN = "campaign", "Campaign"
    DUPLICATE = "duplicate", "Near-duplicates"


class CampaignReview(models.TextChoices):
    PROPOSED = "proposed", "Proposed: waiting for an analyst"
    CONFIRMED = "confirmed", "Confirmed by an analyst"
    REJECTED = "rejected", "Not a campaign (analyst)"


class CampaignGroup(models.Model):
    """Responses sharing template text (near-duplicates), proposed by `campaigns_detect`. Only groups an
    analyst confirms appear in the outcome. No text is stored: an example is read, redacted, from an
    approved member when it is shown (`publication.campaign_example`)."""

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="campaigns")
    label = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=CampaignKind.choices, default=CampaignKind.CAMPAIGN)
    review = models.CharField(max_length=10, choices=CampaignReview.choices, default=CampaignReview.PROPOSED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    exact_duplicates = models.PositiveIntegerField(default=0)
    detected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-size", "pk"]

    def __str__(self):
        return self.label


# --- safeguarding ---------------------------------------------------------------------------------------------

SAFEGUARDING_DEADLINE = datetime.timedelta(hours=24)


class ReferralStatus(models.TextChoices):
    OPEN = "open", "Open: waiting for the safeguarding lead"
    REFERRED = "referred", "Referred to the local authority"
    NO_FURTHER_ACTION = "no_action", "No further action"


class ReferralOrigin(models.TextChoices):
    DETECTED = "detected", "Found by the automatic check"
    MODERATOR = "moderator", "Raised by a moderator"


class SafeguardingReferral(models.Model):
    """A possible safeguarding disclosure in a response, passed to the consultation's safeguarding lead.

    The response waits in moderation (it cannot be approved) while a referral is open. Free text is encrypted at
    rest; the audit trail records who read and changed the referral, never its text."""

    response = models.ForeignKey(
        ConsultationResponse, on_delete=models.PROTECT, related_name="safeguarding_referrals"
    )
    origin = models.CharField(max_length=10, choices=ReferralOrigin.choices)
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The safeguarding lead who owns it",
    )
    concern = EncryptedTextField(blank=True, help_text="Why the moderator raised it")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response"],
                condition=models.Q(status="open"),
                name="referral_one_open_per_response",
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="referral_queue_idx")]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"SG-{self.pk:06d}" if self.pk else "SG-new"

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class SafeguardingNote(models.Model):
    """A note the safeguarding lead adds to a referral (calls made, advice taken). Encrypted at rest."""

    referral = models.ForeignKey(SafeguardingReferral, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note on {self.referral}"
