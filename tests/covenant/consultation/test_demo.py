import pytest

from cms.accounts.models import AuditEvent
from cms.disclosure import Suppressed
from covenant.consultation.models import (
    CampaignGroup,
    ConsultationPage,
    ConsultationResponse,
    ModerationState,
    Redaction,
    ThemeSuggestion,
    ThemeTag,
)
from demo import consultation as demo_consultation
from demo import site as demo_site

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        ConsultationResponse.objects.count(),
        Redaction.objects.count(),
        ThemeTag.objects.count(),
        sorted(CampaignGroup.objects.values_list("size", flat=True)),
        sorted(ConsultationResponse.objects.values_list("moderation_state", flat=True)),
    )


def test_seed_builds_the_story_and_is_idempotent(client):
    world = demo_site.DemoWorld()
    sizes = {"people": 10, "incidents": 5, "responses": 60, "seed": 7}
    demo_site.seed(world=world, sizes=sizes)
    demo_consultation.seed(world=world, sizes=sizes)
    covenant = ConsultationPage.objects.get(slug="nhs-covenant")
    assert covenant.is_open and covenant.get_parent().slug == "consultations"
    assert covenant.active_questions().count() == 8
    assert covenant.responses.count() == 60
    states = set(covenant.responses.values_list("moderation_state", flat=True))
    assert {ModerationState.PENDING, ModerationState.APPROVED} <= states
    assert Redaction.objects.filter(answer__response__consultation=covenant).exists()
    assert covenant.campaigns.exists()
    concluded = ConsultationPage.objects.get(slug="lone-working-safety")
    assert concluded.status == "concluded"
    outcome = client.get(concluded.subpage_url("outcome"))
    assert outcome.status_code == 200
    assert {"online", "email", "post"} <= set(concluded.responses.values_list("channel", flat=True))
    # Published counts go through cms/disclosure.py: a channel with one or two responses reads [c], never 0.
    by_channel = {label: n for label, n, _ in outcome.context["counts"]["by_channel"]}
    assert all(isinstance(n, Suppressed) or n >= 3 for n in by_channel.values())
    offline = covenant.responses.exclude(channel="online")
    assert offline.exists() and offline.count() < covenant.responses.count() // 4
    assert AuditEvent.objects.filter(action="consultation.response_entered").count() == (
        ConsultationResponse.objects.exclude(channel="online").count()
    )
    before = snapshot()
    demo_consultation.seed(world=world, sizes=sizes)
    assert snapshot() == before


def test_each_demo_consultation_asks_and_answers_its_own_subject():
    from covenant.consultation.models import Answer, Theme
    from demo.consultation_topics import COVENANT, LONE_WORKING

    world = demo_site.DemoWorld()
    sizes = {"people": 10, "incidents": 5, "responses": 60, "seed": 11}
    demo_site.seed(world=world, sizes=sizes)
    demo_consultation.seed(world=world, sizes=sizes)
    for slug, topic, other in (
        ("nhs-covenant", COVENANT, LONE_WORKING),
        ("lone-working-safety", LONE_WORKING, COVENANT),
    ):
        page = ConsultationPage.objects.get(slug=slug)
        asked = list(page.active_questions().values_list("text", flat=True))
        assert asked == [question[1] for question in topic.questions]
        assert not set(asked) & {question[1] for question in other.questions}
        own = {*topic.doubts, topic.campaign, *(s for sentences in topic.themes.values() for s in sentences)}
        foreign = {
            *other.doubts,
            other.campaign,
            *(s for sentences in other.themes.values() for s in sentences),
        }
        texts = Answer.objects.filter(response__consultation=page).exclude(text="").select_related("question")
        assert texts.count() >= 10
        for answer in texts:
            # The text starts with one of the topic's own sentences (planted personal data may follow it), and a
            # free-text answer comes from a theme that answers that question.
            assert any(answer.text.startswith(sentence) for sentence in own), answer.text
            assert not any(sentence in answer.text for sentence in foreign), answer.text
            if answer.question.kind == "free_text" and not answer.text.startswith(topic.campaign):
                fitting = topic.themes_for(answer.question.text)
                assert any(answer.text.startswith(s) for name in fitting for s in topic.themes[name])
            if answer.text in topic.doubts:
                assert set(answer.choices) <= {"Disagree", "Strongly disagree"}
        assert set(Theme.objects.filter(consultation=page).values_list("name", flat=True)) == set(
            topic.themes
        )
    # Members of the public are not asked how often they work alone.
    staff_only = (
        ConsultationPage.objects.get(slug="lone-working-safety")
        .active_questions()
        .get(text__startswith="If you work in health or social care")
    )
    answered_by = set(staff_only.answers.values_list("response__respondent_type", flat=True))
    assert answered_by and answered_by <= {"nhs_staff", "social_care_staff"}
    # Issue 19: each theme sits on the question it answers (or across them), and the open consultation shows
    # an analysis under way: suggested themes for a question and suggested tags to confirm.
    covenant = ConsultationPage.objects.get(slug="nhs-covenant")
    homes = {theme.name: theme.question for theme in Theme.objects.filter(consultation=covenant)}
    assert homes["Careers across sectors"].text.startswith("What should change in how staff move")
    assert homes["Easier reporting"].text.startswith("What would make it easier to report")
    assert homes["Security and alarms"] is None
    assert homes["Careers across sectors"] != homes["Easier reporting"]
    assert ThemeSuggestion.objects.filter(question__consultation=covenant, state="proposed").exists()
    assert ThemeTag.objects.filter(theme__consultation=covenant, confirmed_at__isnull=True).exists()
    for group in CampaignGroup.objects.all():
        assert (group.kind == "campaign") == (group.size >= 5)
