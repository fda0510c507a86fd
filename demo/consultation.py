"""Demo consultations: the open NHS Covenant consultation with responses in every moderation state (some with
planted personal data that moderators redacted, campaign groups for analysts to confirm, analysts' themes), and
"Keeping lone workers safe", concluded with its published outcome. Each asks questions about its own subject and
its respondents answer them (demo/consultation_topics.py).

Every person, number and address is invented: phone numbers are from Ofcom's drama range, NHS numbers from
the 999 test range. Idempotent: pages are found by slug, responses by an idempotency key derived from the seed,
and moderation, themes and campaign detection run only for records that do not have them yet.
"""

from __future__ import annotations

import random
import uuid

from django.db import transaction
from django.utils import timezone

from cms.models import HomePage
from covenant.consultation import safeguarding, services, suggestions, theme_analysis
from covenant.consultation.models import (
    AnalysisRun,
    Answer,
    CampaignKind,
    Channel,
    ConsultationPage,
    ConsultationResponse,
    ModerationState,
    ReferralStatus,
    Theme,
)
from demo.consultation_topics import COVENANT, LONE_WORKING, Topic
from demo.factories.consultation import consultation_page, hub_page

COVENANT_SLUG = "nhs-covenant"
CONCLUDED_SLUG = "lone-working-safety"
NAMESPACE = uuid.UUID("6d1f3c8e-8d6b-4c1f-9d8e-2a6f4b7c9e10")

# Personal data a respondent might include, for moderators to redact (all invented, from test ranges).
PLANTED = [
    "Ring me on 07700 900{n:03d} if you want to know more.",
    "My e-mail is respondent{n}@example.org.",
    "Sister Margaret Holloway on ward 12 saw it happen.",
    "It happened outside 14 Chapel Lane, LS6 2QT.",
    "My NHS number is 999 000 0018 if you need my records.",
]
SAFEGUARDING = (
    "I still feel unsafe: my partner hits me when I get home, and work is the only place I can talk."
)
ORGANISATIONS = (
    "Riverside Carers Network",
    "Harbourside Care Homes Ltd",
    "St Aidan's Hospice",
    "Unison Riverside branch (demo)",
    "Royal College of Nursing, Wolds (demo)",
)
NAMES = ("Alex Rowe", "Sam Patel", "Jordan Hughes", "Chris Morgan", "Robin Clarke")
# What people add after their point, so that independent answers are rarely word for word the same.
AFTERTHOUGHTS = (
    *([""] * 8),
    " That would make a real difference.",
    " Thank you for asking.",
    " I have seen this happen too many times.",
    " Please listen to staff on this.",
    " It matters to everyone I work with.",
    " We are worn down.",
    " My colleagues would say the same.",
    " This has gone on for years.",
    " Nobody should have to put up with it.",
    " I hope this time something changes.",
)
# Two responses in every thirteen came by e-mail or post (by position, so every demo size has some).
OFFLINE_EVERY = {3: Channel.EMAIL, 8: Channel.POST}


def _respondent(rng: random.Random) -> dict:
    respondent_type = rng.choices(
        ["public", "nhs_staff", "social_care_staff", "organisation"], weights=[30, 35, 25, 10]
    )[0]
    consent = rng.choices(["named", "anonymous", "none"], weights=[20, 60, 20])[0]
    about = {
        "respondent_type": respondent_type,
        "organisation_name": rng.choice(ORGANISATIONS) if respondent_type == "organisation" else "",
        "region": rng.choice(["north_east_yorkshire", "north_east_yorkshire", "north_west", ""]),
        "publish_consent": consent,
        "respondent_name": rng.choice(NAMES)
        if consent == "named" and respondent_type != "organisation"
        else "",
    }
    return about


def _answers(topic: Topic, questions, rng: random.Random, index: int, *, campaign: bool, about: dict) -> dict:
    """Answers on the topic's own subject: free text from a theme that fits the question, a reason that goes
    with the chosen agreement, staff-only questions left blank by the public."""
    themes = list(topic.themes)
    theme = themes[index % len(themes)]

    def sentence(question) -> str:
        fitting = topic.themes_for(question.text)
        point = rng.choice(topic.themes[theme if theme in fitting else fitting[index % len(fitting)]])
        return point + rng.choice(AFTERTHOUGHTS)

    answers = {}
    for question in questions:
        key = str(question.uuid)
        options = question.options
        if question.text in topic.staff_only and about["respondent_type"] in {"public", "organisation"}:
            continue
        if question.kind == "agree_scale":
            weights = [40, 30, 10, 12, 8] if question.required else [25, 35, 20, 12, 8]
            selected = rng.choices(options, weights=weights)
            answers[key] = {"selected": selected, "text": ""}
            if question.why_prompt and rng.random() < 0.5:
                if campaign:
                    answers[key]["text"] = topic.campaign
                elif selected[0] in {"Disagree", "Strongly disagree"}:
                    answers[key]["text"] = rng.choice(topic.doubts)
                else:
                    answers[key]["text"] = sentence(question)
        elif question.kind == "multiple_choice":
            answers[key] = {"selected": sorted(rng.sample(options, rng.randint(1, 3)), key=options.index)}
        elif question.kind == "single_choice":
            if rng.random() < 0.9:
                answers[key] = {"selected": [rng.choice(options)], "text": ""}
        elif rng.random() < 0.7 or question.required:
            text = sentence(question)
            if campaign:
                text = topic.campaign
            elif rng.random() < 0.15:
                text += " " + rng.choice(PLANTED).format(n=index % 1000)
            elif index % 97 == 13:
                text += " " + SAFEGUARDING
            answers[key] = {"selected": [], "text": text}
    return answers


def _submit_all(
    page, topic: Topic, *, count: int, seed: int, moderator, channel_mix: bool, stdout=None
) -> list:
    created = []
    questions = list(page.active_questions())
    start, end = page.opens_at, min(page.closes_at, timezone.now())
    for index in range(count):
        rng = random.Random(f"{seed}-{page.slug}-{index}")  # nosec B311  # demo data, not security
        key = uuid.uuid5(NAMESPACE, f"{seed}-{page.slug}-{index}")
        if ConsultationResponse.objects.filter(idempotency_key=key).exists():
            continue
        campaign = index % 12 == 5
        about = _respondent(rng)
        answers = _answers(topic, questions, rng, index, campaign=campaign, about=about)
        # Spread submission times over the consultation period so lists look real.
        submitted_at = start + (end - start) * (index + 1) / (count + 1)
        channel = OFFLINE_EVERY.get(index % 13, Channel.ONLINE) if channel_mix else Channel.ONLINE
        if channel == Channel.ONLINE:
            response, _ = services.response_submit(
                consultation=page, about=about, answers=answers, idempotency_key=key
            )
        else:
            # A handful arrived by e-mail or post and a moderator typed them in, as on the staff screen.
            response, _ = services.response_enter_offline(
                consultation=page,
                channel=channel,
                received_on=timezone.localdate(submitted_at),
                about=about,
                answers=answers,
                idempotency_key=key,
                entered_by=moderator,
            )
        response.submitted_at = submitted_at
        created.append(response)
    ConsultationResponse.objects.bulk_update(created, ["submitted_at"], batch_size=500)
    return created


def _moderate(page, *, moderator, lead, share: float, seed: int, leave_referrals_open: bool = False) -> None:
    for response in page.responses.filter(moderation_state=ModerationState.PENDING).order_by("pk"):
        rng = random.Random(f"{seed}-moderate-{response.idempotency_key}")  # nosec B311  # demo data, not security
        if rng.random() > share:
            continue
        if safeguarding.safeguarding_blockers(response):
            if leave_referrals_open:  # the safeguarding lead's queue has work to show; the response waits
                continue
            for referral in response.safeguarding_referrals.filter(status=ReferralStatus.OPEN):
                safeguarding.referral_decide(
                    referral=referral,
                    lead=lead,
                    decision=ReferralStatus.REFERRED,
                    reason="Discussed with the respondent's employer's safeguarding team and referred to the local "
                    "authority's adult safeguarding hub.",
                )
        # The moderator resolves every personal-data suggestion as the screen's "Redact all suggestions" does,
        # so the approved responses pass the publication gate.
        if suggestions.unresolved_suggestions(response):
            services.response_redact_suggestions(response=response, moderator=moderator)
        if response.publish_consent == "none" or rng.random() < 0.05:
            decision = ModerationState.REJECTED
        else:
            decision = ModerationState.APPROVED
        services.response_moderate(response=response, moderator=moderator, decision=decision)


def theme_home(page, topic: Topic, name: str):
    """The question a theme belongs to: the first question with free text that the topic says it answers
    (`Topic.fits`), or None (a theme across the questions) when the topic names no question for it."""
    for question in page.active_questions():
        if question.has_free_text and name in topic.fits.get(question.text, ()):
            return question
    return None


def _theme(page, topic: Topic, *, analyst, share: float, seed: int) -> None:
    """The analyst's themes, each on the question it answers (or across the questions), with a share of the
    answers that make its point tagged and confirmed."""
    free_text = [q for q in page.active_questions() if q.has_free_text]
    for name, sentences in topic.themes.items():
        home = theme_home(page, topic, name)
        theme = Theme.objects.filter(consultation=page, name=name).first() or services.theme_create(
            consultation=page, name=name, user=analyst, question=home
        )
        candidates = Answer.objects.filter(
            response__consultation=page,
            response__moderation_state=ModerationState.APPROVED,
            question__in=[home] if home is not None else free_text,
        ).exclude(tags__theme=theme)
        for answer in candidates.order_by("pk"):
            if any(sentence[:40] in answer.text for sentence in sentences):
                if random.Random(f"{seed}-tag-{answer.pk}").random() < share:  # nosec B311  # demo data, not security
                    services.answer_tag(answer=answer, theme=theme, user=analyst)


def _analysis_in_progress(page, *, analyst) -> None:
    """Where the analyst has got to on the open consultation: candidate themes suggested for its first free-text
    question, and themes suggested for the answers of each question with themes, waiting to be confirmed.
    Runs once (the runs are its record)."""
    questions = [q for q in page.active_questions() if q.has_free_text]
    if not questions or AnalysisRun.objects.filter(question__in=questions).exists():
        return
    first = next(q for q in questions if q.kind == "free_text")
    theme_analysis.themes_suggest(
        AnalysisRun.objects.create(question=first, kind="suggest", requested_by=analyst)
    )
    for question in questions:
        if Theme.objects.filter(question=question).exists():
            theme_analysis.themes_assign(
                AnalysisRun.objects.create(question=question, kind="assign", requested_by=analyst)
            )


def _name_lead(page, lead) -> None:
    if lead is not None and page.safeguarding_lead_id is None:
        page.safeguarding_lead = lead
        page.save(update_fields=["safeguarding_lead"])


@transaction.atomic
def seed(*, world, sizes: dict, stdout=None) -> None:
    if HomePage.objects.first() is None:
        return
    moderator = world.users.get("moderator@rw-icb.example")
    analyst = world.users.get("analyst@rw-icb.example")
    lead = world.users.get("safeguarding.lead@rw-icb.example")
    hub = hub_page(slug="consultations")
    covenant = ConsultationPage.objects.filter(slug=COVENANT_SLUG).first() or consultation_page(
        title="The NHS Covenant: have your say",
        slug=COVENANT_SLUG,
        hub=hub,
        summary="Tell us what you think of the NHS Covenant: the promise between NHS and social care "
        "organisations and the people who work in them.",
        body=(
            "<p>The NHS Covenant sets out what everyone working in health and social care can expect: a safe "
            "workplace, zero tolerance of violence and abuse, support when things go wrong, fair treatment, and "
            "careers that move freely between the NHS and social care.</p>"
            "<p>We want to hear from staff, the public and organisations before the Covenant is finalised.</p>"
        ),
        audience="NHS and social care staff, people who use services, and organisations in Riverside and Wolds",
    )
    _name_lead(covenant, lead)
    concluded = ConsultationPage.objects.filter(slug=CONCLUDED_SLUG).first()
    if concluded is None:
        concluded = consultation_page(
            title="Keeping lone workers safe",
            slug=CONCLUDED_SLUG,
            hub=hub,
            status="open",
            questions=LONE_WORKING.questions,
            summary="How should employers protect staff who work alone in the community?",
            body="<p>Community nurses, home care workers and paramedics often work alone.</p>",
        )
        _name_lead(concluded, lead)
        _submit_all(
            concluded,
            LONE_WORKING,
            count=max(10, sizes["responses"] // 5),
            seed=sizes["seed"],
            moderator=moderator,
            channel_mix=True,
        )
        _moderate(concluded, moderator=moderator, lead=lead, share=1.0, seed=sizes["seed"])
        _theme(concluded, LONE_WORKING, analyst=analyst, share=1.0, seed=sizes["seed"])
        # The analyst confirms the campaigns, so the outcome shows them; near-duplicates stay proposed.
        for group in services.campaigns_detect(consultation=concluded):
            if group.kind == CampaignKind.CAMPAIGN:
                services.campaign_review(group=group, user=analyst, decision="confirmed")
        now = timezone.now()
        concluded.opens_at = now - timezone.timedelta(days=200)
        concluded.closes_at = now - timezone.timedelta(days=110)
        concluded.outcome_published_at = timezone.localdate() - timezone.timedelta(days=30)
        concluded.outcome_summary = (
            "<p>Most respondents supported a duty on employers to provide personal alarms and a check-in system "
            "for everyone who works alone, and asked for the same protection in social care as in the NHS.</p>"
        )
        concluded.next_steps = (
            "<p>Partner organisations will adopt a shared lone working standard by April, and report progress "
            "to the integrated care board every six months.</p>"
        )
        concluded.save_revision().publish()
    _submit_all(
        covenant,
        COVENANT,
        count=sizes["responses"],
        seed=sizes["seed"],
        moderator=moderator,
        channel_mix=True,
    )
    _moderate(
        covenant, moderator=moderator, lead=lead, share=0.6, seed=sizes["seed"], leave_referrals_open=True
    )
    _theme(covenant, COVENANT, analyst=analyst, share=0.7, seed=sizes["seed"])
    _analysis_in_progress(covenant, analyst=analyst)
    if not covenant.campaigns.exists():
        services.campaigns_detect(consultation=covenant)
    if stdout is not None:
        stdout.write(
            f"Consultations: {ConsultationResponse.objects.filter(consultation=covenant).count()} responses to "
            f"{covenant.title}, {ConsultationResponse.objects.filter(consultation=concluded).count()} to "
            f"{concluded.title} (concluded)."
        )
