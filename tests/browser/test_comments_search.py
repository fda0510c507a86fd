"""The comments database in Chromium: from the consultations hub, search the published comments of every
consultation, see the matches highlighted, filter by consultation, and meet a clear error for a search with no
words; axe-core on every page."""

import pytest

from covenant.consultation import services
from covenant.consultation.models import ModerationState
from demo.factories.consultation import ConsultationResponseFactory, answer, consultation_page, hub_page

from .conftest import submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def comments_world(make_user, organisation):
    hub_page()
    moderator = make_user("consultation_moderator", organisation=organisation)
    pages = {
        "closed": consultation_page(title="Keeping lone workers safe", slug="lone-workers", status="closed"),
        "concluded": consultation_page(
            title="Careers across health and care", slug="careers", status="concluded"
        ),
    }
    texts = {
        "closed": [
            "Personal alarms for lone workers at night.",
            "Check-in calls every hour on night visits.",
        ],
        "concluded": ["Night shifts should count towards training.", "Passports that move with staff."],
    }
    for key, page in pages.items():
        question = next(q for q in page.active_questions() if q.has_free_text)
        for text in texts[key]:
            response = ConsultationResponseFactory(consultation=page)
            answer(response, question, selected=["Agree"], text=text)
            services.response_moderate(
                response=response, moderator=moderator, decision=ModerationState.APPROVED
            )
    return pages


def test_search_the_comments_database_and_filter_by_consultation(page, comments_world, assert_accessible):
    page.goto("/consultations/")
    page.get_by_role("link", name="Search published comments from every consultation").click()
    page.wait_for_url("**/consultation/comments/")
    assert_accessible(page)
    assert "4 comments, newest first" in page.inner_text("main")

    page.get_by_label("Search the comments").fill("night")
    submit(page, "Search")
    assert_accessible(page)
    main = page.inner_text("main")
    assert "3 comments matching “night”" in main
    assert "Passports that move with staff." not in main
    marks = page.locator("mark.app-match").all_inner_texts()
    assert marks and all(mark.lower() == "night" for mark in marks)

    page.get_by_label("Consultation").select_option(label="Keeping lone workers safe")
    submit(page, "Search")
    assert_accessible(page)
    main = page.inner_text("main")
    assert "2 comments matching “night”" in main
    assert "Night shifts should count" not in main
    assert "Personal alarms for lone workers" in main and "Check-in calls" in main
    assert (
        page.get_by_role("link", name="Download CSV of these comments").get_attribute("href").count("q=night")
    )

    page.get_by_role("link", name="Keeping lone workers safe").first.click()
    page.wait_for_url("**/lone-workers/responses/")


def test_a_search_with_no_words_is_an_error_beside_the_box(page, comments_world, assert_accessible):
    page.goto("/consultation/comments/")
    page.get_by_label("Search the comments").fill("!!!")
    submit(page, "Search")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible() and page.title().startswith("Error:")
    assert "Enter a word to search for" in page.inner_text(".nhsuk-form-group--error")
    assert_accessible(page)
    summary.locator("a").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_q"
