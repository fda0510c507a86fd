"""The consultation's Wagtail pages: the hub that lists consultations, and the consultation page itself.

The page's routes serve its whole public lifecycle from its one URL; each route hands the request to a function
in the public views (views/respond.py, views/published.py, views/outcome.py). Those modules never import this
one, so the dependency runs one way: page -> views -> services, selectors and the other models.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.models import page_breadcrumbs

from ..views import outcome, published, respond
from ..vocabulary import Lifecycle

OUTCOME_DUE_AFTER = datetime.timedelta(weeks=12)


def lifecycle_at(
    now: datetime.datetime, *, opens_at: datetime.datetime, closes_at: datetime.datetime, concluded: bool
) -> str:
    """Where a consultation is in its lifecycle at `now` (the page and its cached snapshot share this)."""
    if concluded:
        return Lifecycle.CONCLUDED
    if now < opens_at:
        return Lifecycle.FORTHCOMING
    if now < closes_at:
        return Lifecycle.OPEN
    return Lifecycle.CLOSED


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
        context["breadcrumbs"] = page_breadcrumbs(self)
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
    (their views are in `covenant/consultation/views/`: respond.py, published.py and outcome.py). The response
    journey itself is served at plain URLs (`respond_url`), and `respond/` here only leads there."""

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
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The closing date must be after the opening date"})

    def status_at(self, now: datetime.datetime) -> str:
        return lifecycle_at(
            now,
            opens_at=self.opens_at,
            closes_at=self.closes_at,
            concluded=bool(self.outcome_published_at and self.outcome_summary),
        )

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
        context["breadcrumbs"] = page_breadcrumbs(self)
        context.update(
            respond_url=self.respond_url(),
            all_questions_url=self.subpage_url("all_questions"),
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

    def respond_url(self) -> str:
        """The response journey, at a plain URL (views/public.py) so that its steps skip the page tree."""
        return reverse("consultation:respond", args=[self.pk])

    def subpage_url(self, name: str, **kwargs) -> str:
        return self.url + self.reverse_subpage(name, kwargs=kwargs or None)

    # Routes: the whole lifecycle lives under this page's URL.
    @path("respond/", name="respond_start")
    def respond_start_route(self, request):
        return respond.respond_start(request, self)

    @path("respond/resume/<str:token>/", name="resume")
    def resume_route(self, request, token):
        return respond.resume(request, self, token)

    @path("questions/", name="all_questions")
    def all_questions_route(self, request):
        return outcome.all_questions(request, self)

    @path("questions/pdf/", name="all_questions_pdf")
    def all_questions_pdf_route(self, request):
        return outcome.all_questions_pdf(request, self)

    @path("responses/", name="published")
    def published_route(self, request):
        return published.published(request, self)

    @path("summary/", name="summary")
    def summary_route(self, request):
        return published.summary(request, self)

    @path("outcome/", name="outcome")
    def outcome_route(self, request):
        return outcome.outcome(request, self)

    @path("outcome/pdf/", name="outcome_pdf")
    def outcome_pdf_route(self, request):
        return outcome.outcome_pdf(request, self)

    @re_path(r"^open-data/(?P<fmt>csv|json)/$", name="open_data")
    def open_data_route(self, request, fmt):
        return published.open_data(request, self, fmt)
