"""Factories for consultations. The demo seed builds on these too."""

from __future__ import annotations

import datetime
import uuid

import factory
from django.conf import settings
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.models import HomePage
from covenant.consultation.models import (
    Answer,
    ConsultationHubPage,
    ConsultationPage,
    ConsultationResponse,
    PublishConsent,
    QuestionDefinition,
    QuestionKind,
    RespondentType,
    encode_selected,
)
from covenant.consultation.services import questions_sync

COVENANT_QUESTIONS = (
    # section, text, kind, options, why prompt, required, help text
    (
        "The Covenant's commitments",
        "Do you agree that every health and social care organisation should sign the Covenant?",
        QuestionKind.AGREE_SCALE,
        "",
        "Why do you say that?",
        True,
        "",
    ),
    (
        "The Covenant's commitments",
        "Which commitments matter most to you?",
        QuestionKind.MULTIPLE_CHOICE,
        "Safe workplaces\nSupport after violence or abuse\nFair treatment\nCareers across NHS and social care\n"
        "Flexible working",
        "",
        False,
        "Select all that apply",
    ),
    (
        "The Covenant's commitments",
        "Should social care staff have the same protections as NHS staff?",
        QuestionKind.SINGLE_CHOICE,
        "Yes\nNo\nNot sure",
        "Tell us more (optional)",
        False,
        "",
    ),
    (
        "Violence and abuse",
        "Have you experienced violence or abuse at work in the last 12 months?",
        QuestionKind.SINGLE_CHOICE,
        "Yes\nNo\nPrefer not to say",
        "",
        False,
        "",
    ),
    (
        "Violence and abuse",
        "What would make it easier to report violence or abuse?",
        QuestionKind.FREE_TEXT,
        "",
        "",
        False,
        "Do not include names or details that could identify anyone",
    ),
    (
        "Violence and abuse",
        "Do you agree that organisations should share reports across health and social care?",
        QuestionKind.AGREE_SCALE,
        "",
        "Why do you say that?",
        False,
        "",
    ),
    (
        "Anything else",
        "What should change in how staff move between the NHS and social care?",
        QuestionKind.FREE_TEXT,
        "",
        "",
        False,
        "",
    ),
    (
        "Anything else",
        "Is there anything else you want to tell us about the Covenant?",
        QuestionKind.FREE_TEXT,
        "",
        "",
        False,
        "",
    ),
)

# The demo's concluded consultation asks about its own subject, lone working, not the Covenant's questions.
LONE_WORKING_QUESTIONS = (
    (
        "Working alone",
        "If you work in health or social care, how often do you work alone?",
        QuestionKind.SINGLE_CHOICE,
        "On most shifts\nEvery week, but not most shifts\nNow and then\nNever",
        "",
        False,
        "For example home visits, night shifts on your own, or driving between patients",
    ),
    (
        "Working alone",
        "Have you felt unsafe while working alone in the last 12 months?",
        QuestionKind.SINGLE_CHOICE,
        "Yes\nNo\nPrefer not to say",
        "",
        False,
        "",
    ),
    (
        "Keeping lone workers safe",
        "Do you agree that every employer should give staff who work alone a personal alarm that reaches a "
        "monitored response centre?",
        QuestionKind.AGREE_SCALE,
        "",
        "Why do you say that?",
        True,
        "",
    ),
    (
        "Keeping lone workers safe",
        "Which of these would make working alone safer?",
        QuestionKind.MULTIPLE_CHOICE,
        "A personal alarm\nChecking in and out of each visit\nBeing told about risks before a visit\n"
        "Going in pairs to visits flagged as risky\nSafe parking and paid taxis after dark\n"
        "Training in calming a situation down",
        "",
        False,
        "Select all that apply",
    ),
    (
        "Keeping lone workers safe",
        "What should happen when someone working alone does not check in on time?",
        QuestionKind.FREE_TEXT,
        "",
        "",
        False,
        "Do not include names or details that could identify anyone",
    ),
    (
        "Anything else",
        "Is there anything else you want to tell us about working alone?",
        QuestionKind.FREE_TEXT,
        "",
        "",
        False,
        "",
    ),
)


def home_page():
    home = HomePage.objects.first()
    if home is None:  # a transactional test after another one's flush: the migrations' pages are gone
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(instance=HomePage(title="Home", slug="home"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
        )
    return home


def hub_page(*, slug: str = "consultations") -> ConsultationHubPage:
    existing = ConsultationHubPage.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    hub = ConsultationHubPage(
        title="Consultations", slug=slug, intro="<p>Have your say on how we work together.</p>"
    )
    home_page().add_child(instance=hub)
    hub.save_revision().publish()
    return hub


def consultation_page(
    *,
    title: str = "The NHS Covenant",
    slug: str | None = None,
    status: str = "open",
    questions=COVENANT_QUESTIONS,
    hub: ConsultationHubPage | None = None,
    **fields,
) -> ConsultationPage:
    """A published consultation in the given lifecycle state, its questions published into Question rows."""
    now = timezone.now()
    day = datetime.timedelta(days=1)
    dates = {
        "forthcoming": (now + 7 * day, now + 91 * day),
        "open": (now - 7 * day, now + 77 * day),
        "closed": (now - 100 * day, now - 14 * day),
        "overdue": (now - 200 * day, now - 100 * day),
        "concluded": (now - 200 * day, now - 100 * day),
    }[status]
    hub = hub or hub_page()
    page = ConsultationPage(
        title=title,
        slug=slug or factory.Faker._get_faker().unique.slug(),
        summary=fields.pop("summary", "We want to know what you think of the NHS Covenant."),
        body=fields.pop("body", "<p>The Covenant sets out what staff can expect from their employers.</p>"),
        opens_at=dates[0],
        closes_at=dates[1],
        **fields,
    )
    if status == "concluded":
        page.outcome_published_at = timezone.localdate() - 10 * day
        page.outcome_summary = page.outcome_summary or "<p>We heard strong support for the Covenant.</p>"
        page.next_steps = page.next_steps or "<p>Organisations will sign the Covenant from April.</p>"
    for position, (section, text, kind, options, why, required, help_text) in enumerate(questions):
        page.question_definitions.add(
            QuestionDefinition(
                sort_order=position,
                section=section,
                text=text,
                kind=kind,
                options=options,
                why_prompt=why,
                required=required,
                help_text=help_text,
                max_length=2000,
            )
        )
    hub.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    questions_sync(page=page)  # idempotent; the publish signal has already done it
    return page


class ConsultationResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationResponse

    reference = factory.Sequence(lambda n: f"CNS-T{n:03d}-{n:04d}")
    public_id = factory.Sequence(lambda n: f"RT{n:06d}")
    idempotency_key = factory.LazyFunction(uuid.uuid4)
    respondent_type = RespondentType.PUBLIC
    publish_consent = PublishConsent.ANONYMOUS
    respondent_name = ""
    organisation_name = ""
    # As `response_submit` does: the published versions start as typed, until a moderator redacts them.
    redacted_respondent_name = factory.LazyAttribute(lambda response: response.respondent_name)
    redacted_organisation_name = factory.LazyAttribute(lambda response: response.organisation_name)


def answer(response, question, *, selected=(), text=""):
    return Answer.objects.create(
        response=response,
        question=question,
        selected=encode_selected(list(selected)),
        text=text,
        redacted_text=text,
    )
