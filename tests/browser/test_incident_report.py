"""The two-minute report in Chromium: with the keyboard alone (every key press and click counted), with JavaScript
turned off, its error path, and the anonymous follow-up with the code. axe-core checks every page visited.

Issue 17's bar: the core anonymous report in at most 6 required questions and at most 25 key presses or clicks
besides typing the narrative.
"""

import pytest

from covenant.incidents.models import IncidentReport

from .conftest import focused, submit
from .test_journeys_public import activate, assert_error_summary

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NARRATIVE = "A visitor shouted at me and threatened me at the desk."


class Keys:
    """The keyboard, counting every key press (typing the narrative is not counted)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, key: str) -> None:
        self.count += 1
        self.page.keyboard.press(key)

    def tab_to(self, test, *, limit=40) -> dict:
        for _ in range(limit):
            self.press("Tab")
            element = focused(self.page)
            if test(element):
                return element
        raise AssertionError(f"Tab never reached the element on {self.page.url}")

    def answer_radio(self, assert_accessible) -> str:
        """A question page: its first answer has the focus; Space chooses it, Enter sends the page."""
        assert_accessible(self.page)
        element = focused(self.page)
        assert element["type"] == "radio", f"focus is on {element}, not the question's first answer"
        self.press("Space")
        with self.page.expect_navigation():
            self.press("Enter")
        return element["name"]


def test_report_anonymously_with_the_keyboard_only_then_follow_up(page, organisation, assert_accessible):
    page.goto("/incidents/report/")
    assert_accessible(page)
    keys = Keys(page)
    keys.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    keys.press("Enter")
    link = keys.tab_to(lambda el: el["tag"] == "a")
    assert link["text"] == "Anonymously" and link["indicator"]
    with page.expect_navigation():
        keys.press("Enter")

    # 1. What happened: the kind (the first answer has the focus) and the reporter's own words on one page.
    assert_accessible(page)
    assert page.locator("h1").inner_text() == "What happened?"
    assert focused(page)["name"] == "category"
    keys.press("Space")
    keys.press("Tab")
    assert focused(page)["tag"] == "textarea"
    page.keyboard.type(NARRATIVE)  # not counted
    button = keys.tab_to(lambda el: el["tag"] == "button")
    assert button["text"] == "Continue" and button["indicator"]
    with page.expect_navigation():
        keys.press("Enter")

    # 2 to 5: when (today), where, who it happened to, anyone hurt: one answer, one page each.
    questions = [keys.answer_radio(assert_accessible) for _ in range(4)]
    assert questions == ["day", "setting", "relationship", "injury"]
    required_questions = 1 + len(questions)

    # Check your answers, then send.
    assert_accessible(page)
    assert page.locator("h1").inner_text() == "Check your answers before sending your report"
    assert NARRATIVE in page.inner_text("main")
    send = keys.tab_to(lambda el: el["tag"] == "button" and el["text"] == "Send report")
    assert send["indicator"]
    with page.expect_navigation():
        keys.press("Enter")

    assert required_questions <= 6
    assert keys.count <= 25, f"{keys.count} key presses besides typing the narrative"
    assert_accessible(page)
    report = IncidentReport.objects.get()
    assert report.mode == "anonymous" and report.reporter is None and report.organisation == organisation
    assert (report.category, report.narrative) == ("physical_assault", NARRATIVE)
    assert report.reference in page.inner_text(".nhsuk-panel")
    code = page.inner_text("#receipt-code").strip()
    assert len(code.replace(" ", "")) == 16

    # (c) The anonymous follow-up: the code is the only key.
    tab_to = keys.tab_to
    activate(page, lambda page_, test: tab_to(test, limit=80), tag="a", text="follow up a report")
    page.wait_for_url("**/incidents/follow-up/")
    assert_accessible(page)
    field = keys.tab_to(lambda el: el["tag"] == "input" and el["type"] == "text")
    page.keyboard.type(code)
    assert field["name"] == "code"
    activate(page, lambda page_, test: tab_to(test), tag="button", text="Continue")
    page.wait_for_url("**/incidents/follow-up/case/")
    assert_accessible(page)
    assert report.reference in page.inner_text("main")
    replies = report.messages.count()
    page.get_by_label("Your reply").fill("Thank you, I am fine to talk next week.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_url("**/incidents/follow-up/case/")
    assert "Your reply was sent" in page.inner_text("main")
    assert_accessible(page)
    assert report.messages.count() == replies + 1


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_report_with_javascript_off_then_tell_us_more(no_js_page, organisation):
    """The same pages as the keyboard test, which runs axe on them: axe itself needs JavaScript to run."""
    page = no_js_page
    page.goto("/incidents/report/")
    page.get_by_role("link", name="Anonymously").click()
    page.wait_for_url("**/incidents/report/anonymous/")
    page.get_by_label("Verbal abuse or threats").check()
    page.get_by_label("Tell us what happened").fill(NARRATIVE)
    submit(page, "Continue")

    # "Another day" reveals the date boxes, without JavaScript too.
    assert not page.locator("#id_occurred_on_0").is_visible()
    page.get_by_label("Another day").check()
    assert page.locator("#id_occurred_on_0").is_visible()
    page.locator("#id_occurred_on_0").fill("3")
    page.locator("#id_occurred_on_1").fill("2")
    page.locator("#id_occurred_on_2").fill("2026")
    page.get_by_label("Time (optional)").fill("14:30")
    submit(page, "Continue")
    page.get_by_label("Ward", exact=True).check()
    submit(page, "Continue")
    page.get_by_label("It happened to me").check()
    submit(page, "Continue")
    page.get_by_label("No", exact=True).check()
    submit(page, "Continue")

    # Back is a button, and so is Change: both work without JavaScript.
    assert "Check your answers" in page.locator("h1").inner_text()
    submit(page, "Back")
    assert page.locator("h1").inner_text() == "Were you physically hurt?"
    assert page.get_by_label("No", exact=True).is_checked()
    submit(page, "Continue")
    with page.expect_navigation():
        page.get_by_role("button", name="Change where did it happen").click()
    page.get_by_label("Phone", exact=True).check()
    submit(page, "Continue")
    main = page.inner_text("main")
    assert "3 February 2026 at 2:30pm" in main and "Phone" in main
    submit(page, "Send report")

    report = IncidentReport.objects.get()
    assert (report.setting, report.category, report.occurred_approximate) == ("phone", "verbal_abuse", False)
    assert report.reference in page.inner_text(".nhsuk-panel")

    # Tell us more: every question may be skipped.
    submit(page, "Tell us more")
    assert page.locator("h1").inner_text() == "Who did it?"
    page.get_by_label("Patient or service user", exact=True).check()
    submit(page, "Continue")
    while "Check what you are adding" not in page.locator("h1").inner_text():
        submit(page, "Continue")
    submit(page, "Add to my report")
    assert "Details added to your report" in page.inner_text("main")
    report.refresh_from_db()
    assert report.source == "patient"


def test_incident_report_errors_lead_to_the_question(page, organisation, assert_accessible):
    page.goto("/incidents/report/anonymous/")
    submit(page, "Continue")
    assert_error_summary(page)
    summary = page.inner_text(".nhsuk-error-summary")
    assert "Select what happened" in summary and "Tell us what happened" in summary
    assert_accessible(page)
    page.get_by_label("Physical assault").check()
    page.get_by_label("Tell us what happened").fill(NARRATIVE)
    submit(page, "Continue")
    submit(page, "Continue")
    assert_error_summary(page)
    assert page.locator(".nhsuk-error-summary li").count() == 1
    assert "Select when it happened" in page.inner_text(".nhsuk-error-summary")
    assert not IncidentReport.objects.exists()
