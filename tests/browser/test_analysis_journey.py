"""An analyst analyses one question in Chromium, with axe-core on every page: suggest themes, accept one under
their own name, reject another, suggest themes for every answer and confirm them (issue 19)."""

import pytest

from covenant.consultation.models import ModerationState, ThemeSuggestion, ThemeTag
from demo.factories.consultation import (
    COVENANT_QUESTIONS,
    ConsultationResponseFactory,
    answer,
    consultation_page,
    hub_page,
)

from .conftest import submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ANSWERS = [
    "Parking charges for night staff at the hospital are far too high.",
    "Staff should not pay parking charges when they work nights.",
    "The car park charges staff a fortune for parking on a night shift.",
    "Every lone worker needs a personal alarm that reaches a real person.",
    "Give community staff alarms so lone workers can call for help.",
    "Lone workers should carry an alarm on every home visit.",
]


def test_analyst_suggests_accepts_and_confirms_themes(
    page, make_user, sign_in, organisation, assert_accessible
):
    analyst = make_user("analyst", organisation=organisation, email="analyst@icb.example")
    hub_page()
    consultation = consultation_page(slug="analysed", questions=COVENANT_QUESTIONS[4:5])
    question = consultation.questions.get()
    for text in ANSWERS:
        response = ConsultationResponseFactory(
            consultation=consultation, moderation_state=ModerationState.APPROVED
        )
        answer(response, question, text=text)

    sign_in(page, analyst)
    page.goto(f"/consultation/analysis/{consultation.pk}/themes/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Question {question.number}:").click()
    page.wait_for_url(f"**/consultation/analysis/questions/{question.pk}/")
    assert_accessible(page)

    submit(page, "Suggest candidate themes")
    page.wait_for_url(f"**/consultation/analysis/questions/{question.pk}/")
    assert "themes suggested" in page.inner_text("main")
    assert_accessible(page)
    parking = next(s for s in ThemeSuggestion.objects.all() if "parking" in s.terms)
    page.locator(f"#id_name_{parking.pk}").fill("Parking charges")
    page.locator(f"form:has(input[name=suggestion][value='{parking.pk}'])").get_by_role(
        "button", name="Accept theme"
    ).click()
    page.wait_for_url(f"**/consultation/analysis/questions/{question.pk}/")
    assert "Theme “Parking charges” accepted" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("button", name="Reject").first.click()
    page.wait_for_url(f"**/consultation/analysis/questions/{question.pk}/")
    assert "will not be suggested again" in page.inner_text("main")

    submit(page, "Suggest themes for every answer")
    page.wait_for_url(f"**/consultation/analysis/questions/{question.pk}/")
    assert_accessible(page)
    waiting = ThemeTag.objects.filter(confirmed_at__isnull=True).count()
    assert waiting
    submit(page, "Confirm every suggestion on this page")
    page.wait_for_url(f"**/consultation/analysis/questions/{question.pk}/")
    assert f"{waiting} suggested theme" in page.inner_text("main")
    assert_accessible(page)
    assert not ThemeTag.objects.filter(confirmed_at__isnull=True).exists()
    assert ThemeTag.objects.filter(confirmed_by=analyst, theme__name="Parking charges").count() == waiting
