"""Save and come back later, in Chromium: start a response, save it part-way, open the resume link in a fresh
browser (no cookies, no session), see the earlier answers, finish and send. axe-core checks every page visited."""

import pytest

from covenant.consultation.models import ConsultationResponse, SavedDraft
from demo.factories.consultation import COVENANT_QUESTIONS, consultation_page, hub_page

from .conftest import submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUESTIONS = (COVENANT_QUESTIONS[0], COVENANT_QUESTIONS[4])  # a required agree scale, then free text
WHY = "Everyone deserves to be safe at work, and I will say more when I have time."


@pytest.fixture
def open_consultation(settings):
    settings.CONSULTATION_MIN_SECONDS = 0
    hub_page()
    return consultation_page(title="The NHS Covenant", slug="covenant-resume", questions=QUESTIONS)


def test_save_come_back_in_a_fresh_browser_and_send(
    page, browser, live_server, open_consultation, assert_accessible
):
    page.goto(open_consultation.url)
    page.get_by_role("link", name="read or print all the questions").click()
    page.wait_for_url("**/questions/")
    assert_accessible(page)
    assert QUESTIONS[1][1] in page.inner_text("main")
    page.go_back()

    page.get_by_role("button", name="Start now").click()
    assert page.inner_text("h1").strip() == "About you"
    page.get_by_label("Member of the public").check()
    page.get_by_label("Publish my response anonymously").check()
    submit(page, "Continue")
    page.get_by_label("Agree", exact=True).check()
    page.get_by_label("Why do you say that?").fill(WHY)
    submit(page, "Save and come back later")

    assert page.get_by_role("heading", name="Save your answers and come back later").is_visible()
    assert_accessible(page)
    submit(page, "Save my answers")
    assert page.get_by_role("heading", name="Your answers are saved").is_visible()
    assert_accessible(page)
    link = page.locator("#resume-link").get_attribute("href")
    assert f"/consultation/respond/{open_consultation.pk}/resume/" in link
    assert SavedDraft.objects.count() == 1

    fresh = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        other = fresh.new_page()
        other.set_default_timeout(15000)
        other.goto(link)
        assert_accessible(other)
        assert other.get_by_label("Agree", exact=True).is_checked()
        assert other.get_by_label("Why do you say that?").input_value() == WHY
        submit(other, "Continue")
        other.locator("textarea").fill("A short form that works on a phone.")
        submit(other, "Continue")
        assert other.inner_text("h1").startswith("Check your answers")
        assert_accessible(other)
        assert WHY in other.inner_text("main")
        submit(other, "Send response")
        assert_accessible(other)
        response = ConsultationResponse.objects.get()
        assert response.reference in other.inner_text(".nhsuk-panel")
        assert response.answers.count() == 2
        assert not SavedDraft.objects.exists()  # sent: the draft has gone

        other.goto(link)
        assert other.get_by_role("heading", name="This link does not open any saved answers").is_visible()
        assert_accessible(other)
    finally:
        fresh.close()
