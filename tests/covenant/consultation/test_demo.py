import pytest

from cms.accounts.models import AuditEvent
from cms.disclosure import Suppressed
from covenant.consultation.models import (
    CampaignGroup,
    ConsultationPage,
    ConsultationResponse,
    ModerationState,
    Redaction,
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
