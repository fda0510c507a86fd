"""Review 2, F3: a possible safeguarding disclosure cannot be approved and published before the background check
(`response_check`) has run: approval runs the check itself and fails closed."""

import pytest
from django.core.exceptions import ValidationError

from covenant.consultation import publication
from covenant.consultation.models import ConsultationResponse, ModerationState, ReferralStatus
from covenant.consultation.services.moderation import response_moderate

from .journey import FULL_ANSWERS, answer_everything, send

pytestmark = pytest.mark.django_db

DISCLOSURE = "My partner hits me when I get home."


@pytest.fixture
def tasks_never_run(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_a_disclosure_cannot_be_approved_before_the_background_check_runs(
    consultation, client, moderator, tasks_never_run
):
    answers = {**FULL_ANSWERS, 1: ("Strongly agree", "Because staff deserve it."), 5: DISCLOSURE}
    check = answer_everything(client, consultation, answers=answers)
    assert send(client, consultation, check).status_code == 200
    response = ConsultationResponse.objects.get()
    assert not response.safeguarding_flagged and not response.safeguarding_referrals.exists()

    with pytest.raises(ValidationError) as refused:
        response_moderate(response=response, moderator=moderator, decision=ModerationState.APPROVED)

    assert any("Safeguarding referral" in message for message in refused.value.messages)
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.PENDING
    assert response.safeguarding_flagged
    assert (
        response.safeguarding_referrals.filter(status=ReferralStatus.OPEN).count() == 1
    )  # kept, not rolled back
    published = publication.publishable_answers(consultation=consultation).filter(
        published_text__icontains="hits me"
    )
    assert published.count() == 0


def test_a_response_without_a_disclosure_is_approved_without_the_background_check(
    consultation, client, moderator, tasks_never_run
):
    answers = {**FULL_ANSWERS, 1: ("Strongly agree", "Because staff deserve it.")}
    check = answer_everything(client, consultation, answers=answers)
    assert send(client, consultation, check).status_code == 200
    response = ConsultationResponse.objects.get()
    response_moderate(response=response, moderator=moderator, decision=ModerationState.APPROVED)
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.APPROVED
    assert not response.safeguarding_referrals.exists()
