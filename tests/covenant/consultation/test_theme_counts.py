"""A theme's published counts hide its unpublished responses: for themes across questions as for a question's
themes, and counting as unpublished every response the published responses leave out (security review 2, F4
and F5: reproductions that passed while the attack worked, turned to assert it is refused)."""

import pytest
from django.utils import timezone

from covenant.consultation.models import ModerationState, Origin, PublishConsent, Theme, ThemeTag
from covenant.consultation.safeguarding import referral_raise
from covenant.consultation.vocabulary import ReferralOrigin
from tests.covenant.consultation.test_api import approved, free_text, responses_url

pytestmark = pytest.mark.django_db


def _tag(response, theme, analyst):
    ThemeTag.objects.create(
        answer=response.answers.get(),
        theme=theme,
        origin=Origin.PERSON,
        created_by=analyst,
        confirmed_by=analyst,
        confirmed_at=timezone.now(),
    )


def _api_theme(client, page, name):
    data = client.get(f"/api/v1/consultations/{page.pk}/themes").json()
    return {item["name"]: item for item in data["items"]}[name]


def test_a_theme_across_questions_does_not_give_away_its_unpublished_responses_by_subtraction(
    closed_consultation, client, analyst
):
    page = closed_consultation
    question = free_text(page)
    published = [approved(page, question, f"Published words {i}") for i in range(9)]
    quiet = approved(page, question, "Quiet words", publish_consent=PublishConsent.NONE)
    theme = Theme.objects.create(consultation=page, question=None, name="Across", created_by=analyst)
    for response in [*published, quiet]:
        _tag(response, theme, analyst)
    listed = client.get(responses_url(page) + f"?theme={theme.pk}&limit=100").json()["items"]
    assert len(listed) == 9  # anyone can count the published responses with the theme
    across = _api_theme(client, page, "Across")
    assert across["question_id"] is None
    assert across["responses"]["status"] == "suppressed"  # 10 would give away the one unconsented response
    assert across["published_responses"] == {"value": 9, "display": "9", "status": "shown"}
    summary = client.get(page.subpage_url("summary")).content.decode()
    assert "Across</a>: 10" not in summary
    outcome = client.get(page.subpage_url("outcome")).content.decode()
    assert ">10<" not in outcome


def test_a_theme_across_questions_does_not_count_invalid_responses(closed_consultation, client, analyst):
    page = closed_consultation
    question = free_text(page)
    published = [approved(page, question, f"Published words {i}") for i in range(5)]
    invalid = approved(page, question, "spam", moderation_state=ModerationState.INVALID)
    theme = Theme.objects.create(consultation=page, question=None, name="Across", created_by=analyst)
    for response in [*published, invalid]:
        _tag(response, theme, analyst)
    across = _api_theme(client, page, "Across")
    assert across["responses"] == {"value": 5, "display": "5", "status": "shown"}
    assert across["published_responses"]["value"] == 5


def test_a_theme_across_questions_raised_only_by_invalid_responses_is_not_listed(
    closed_consultation, client, analyst
):
    page = closed_consultation
    question = free_text(page)
    invalid = approved(page, question, "spam", moderation_state=ModerationState.INVALID)
    theme = Theme.objects.create(consultation=page, question=None, name="Spam only", created_by=analyst)
    _tag(invalid, theme, analyst)
    data = client.get(f"/api/v1/consultations/{page.pk}/themes").json()
    assert "Spam only" not in {item["name"] for item in data["items"]}


def test_the_published_count_leaves_out_a_response_withdrawn_by_an_open_referral(
    closed_consultation, client, analyst
):
    page = closed_consultation
    question = free_text(page)
    published = [approved(page, question, f"Published words {i}") for i in range(9)]
    withdrawn = approved(page, question, "Withdrawn words")
    referral_raise(response=withdrawn, origin=ReferralOrigin.DETECTED)
    # Approved again with the referral still open (the second defence: publication leaves it out).
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(moderation_state=ModerationState.APPROVED)
    theme = Theme.objects.create(consultation=page, question=question, name="Q", created_by=analyst)
    for response in [*published, withdrawn]:
        _tag(response, theme, analyst)
    listed = client.get(responses_url(page) + f"?theme={theme.pk}&limit=100").json()["items"]
    assert len(listed) == 9
    q = _api_theme(client, page, "Q")
    assert q["published_responses"]["value"] == len(listed)  # the same count anyone can make
    assert q["responses"]["status"] == "suppressed"  # 10 - 9 would give away the withdrawn response
