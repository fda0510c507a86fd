"""The two public journeys, walked in Chromium with the keyboard alone, with axe-core on every page.

Responding to a consultation is done with Tab, typing, Space and Enter only: no clicks (the incident report's
own keyboard, no-JavaScript and follow-up journeys are in test_incident_report.py). Each page is checked for serious and critical accessibility problems, each link or button that
is activated must show a focus indicator, and each journey's error path must lead to the NHS.UK error summary.
The anonymous follow-up with the receipt code continues from the incident report.
"""

import pytest

from covenant.consultation.models import ConsultationResponse
from demo.factories.consultation import COVENANT_QUESTIONS, consultation_page, hub_page

from .conftest import focused, submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Two sections: a required agree-scale question (with "why"), then an optional free-text question.
QUESTIONS = (COVENANT_QUESTIONS[0], COVENANT_QUESTIONS[4])


@pytest.fixture
def open_consultation(settings):
    settings.CONSULTATION_MIN_SECONDS = 0
    hub_page()
    return consultation_page(title="The NHS Covenant", slug="covenant-journey", questions=QUESTIONS)


def activate(page, tab_to, *, tag, text):
    """Tab to the link or button with this text, check its focus indicator, and press Enter."""
    element = tab_to(page, lambda el: el["tag"] == tag and el["text"].startswith(text))
    assert element["indicator"], f"No visible focus indicator on the {tag} {text!r} on {page.url}"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def heading(page) -> str:
    return page.inner_text("h1").strip()


def choose_first_option(page, tab_to, select_id):
    """Tab to a select and type its first real option, as a keyboard user picks from a closed list."""
    tab_to(page, lambda el: el["id"] == select_id)
    label = page.eval_on_selector(f"#{select_id}", "el => el.options[1].text")
    page.keyboard.type(label)
    assert page.eval_on_selector(f"#{select_id}", "el => el.value"), f"typing {label!r} chose nothing"


def check_radio(page, tab_to, radio_id):
    tab_to(page, lambda el: el["id"] == radio_id)
    page.keyboard.press("Space")
    assert page.is_checked(f"#{radio_id}")


def type_into(page, tab_to, field_id, text):
    tab_to(page, lambda el: el["id"] == field_id)
    page.keyboard.type(text)


def assert_error_summary(page):
    """The NHS.UK error summary is shown and focused, the title says Error, and every link targets a field."""
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:"), page.title()
    assert page.evaluate("() => document.activeElement.classList.contains('nhsuk-error-summary')"), (
        f"focus is on {focused(page)}, not the error summary"
    )
    links = summary.locator("a")
    assert links.count() > 0
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert href.startswith("#"), href
        target = page.locator(f"[id='{href[1:]}']")
        assert target.count() == 1, f"error link {href} targets nothing"
        assert target.evaluate("el => el.tagName.toLowerCase()") in {"input", "select", "textarea"}


# --- (a) responding to a consultation ---------------------------------------------------------------------------


def test_respond_to_a_consultation_with_the_keyboard_only(page, open_consultation, tab_to, assert_accessible):
    page.goto(open_consultation.url)
    assert_accessible(page)
    activate(page, tab_to, tag="a", text="Start now")

    assert heading(page) == "About you"
    assert_accessible(page)
    check_radio(page, tab_to, "id_respondent_type_0")  # Member of the public
    check_radio(page, tab_to, "id_publish_consent_0")  # publish with my name
    type_into(page, tab_to, "id_respondent_name", "Sam Keyboard")
    activate(page, tab_to, tag="button", text="Continue")

    assert "step 2 of 4" in page.inner_text("main")
    assert_accessible(page)
    radio = tab_to(page, lambda el: el["type"] == "radio" and el["name"].startswith("q-"))
    page.keyboard.press("Space")
    assert page.is_checked(f"#{radio['id']}")
    tab_to(page, lambda el: el["tag"] == "textarea")
    page.keyboard.type("Because everyone deserves to be safe at work.")
    activate(page, tab_to, tag="button", text="Continue")

    assert "step 3 of 4" in page.inner_text("main")
    assert_accessible(page)
    # Back, a button that carries the answers, and forward again: nothing typed is lost.
    activate(page, tab_to, tag="button", text="Back")
    assert "step 2 of 4" in page.inner_text("main")
    assert "Because everyone deserves" in page.input_value("textarea")
    activate(page, tab_to, tag="button", text="Continue")
    tab_to(page, lambda el: el["tag"] == "textarea")
    page.keyboard.type("A short form on a phone, and knowing someone reads it.")
    activate(page, tab_to, tag="button", text="Continue")

    assert heading(page).startswith("Check your answers")
    assert_accessible(page)
    assert "Sam Keyboard" in page.inner_text("main")
    assert "A short form on a phone" in page.inner_text("main")
    # Change an answer from "Check your answers" and come back to it.
    change = tab_to(page, lambda el: el["tag"] == "button" and "question 2" in " ".join(el["text"].split()))
    assert change["indicator"] and change["text"].startswith("Change")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "step 3 of 4" in page.inner_text("main")
    tab_to(page, lambda el: el["tag"] == "textarea")
    page.keyboard.press("End")
    page.keyboard.type(" Soon.")
    activate(page, tab_to, tag="button", text="Continue")
    assert heading(page).startswith("Check your answers")
    assert "knowing someone reads it. Soon." in page.inner_text("main")
    activate(page, tab_to, tag="button", text="Send response")

    assert_accessible(page)
    response = ConsultationResponse.objects.get()
    assert page.get_by_role("heading", name="Response sent").is_visible()
    assert response.reference in page.inner_text(".nhsuk-panel")
    assert response.respondent_name == "Sam Keyboard"
    assert response.answers.count() == 2


def test_respond_to_a_consultation_with_javascript_off(browser, live_server, open_consultation):
    """Back, Change and Send are buttons of plain forms: the journey needs no script (axe needs one, so the
    pages are checked with it in the test above)."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(open_consultation.url)
        page.get_by_role("button", name="Start now").click()
        assert heading(page) == "About you"
        page.get_by_label("Member of the public").check()
        page.get_by_label("Publish my response anonymously").check()
        submit(page, "Continue")
        page.get_by_label("Agree", exact=True).check()
        submit(page, "Continue")
        with page.expect_navigation():
            page.get_by_role("button", name="Back", exact=True).click()
        assert page.get_by_label("Agree", exact=True).is_checked()
        submit(page, "Continue")
        page.locator("textarea").fill("It works without JavaScript.")
        submit(page, "Continue")
        assert heading(page).startswith("Check your answers")
        submit(page, "Change who you are responding as")
        assert page.get_by_label("Member of the public").is_checked()
        submit(page, "Continue")
        assert heading(page).startswith("Check your answers")
        submit(page, "Send response")
        assert page.get_by_role("heading", name="Response sent").is_visible()
        response = ConsultationResponse.objects.get()
        assert response.reference in page.inner_text(".nhsuk-panel")
        assert response.answers.get(text="It works without JavaScript.")
    finally:
        context.close()


def test_consultation_errors_lead_to_the_fields(page, open_consultation, assert_accessible):
    page.goto(open_consultation.url + "respond/")
    assert heading(page) == "About you"
    submit(page, "Continue")
    assert_error_summary(page)
    assert "Select who you are responding as" in page.inner_text(".nhsuk-error-summary")
    assert_accessible(page)

    page.get_by_label("Member of the public").check()
    page.get_by_label("Publish my response anonymously").check()
    submit(page, "Continue")
    submit(page, "Continue")  # question 1 is required
    assert_error_summary(page)
    assert "Answer question 1" in page.inner_text(".nhsuk-error-summary")
    assert_accessible(page)
    # The error link takes the user to the question.
    page.locator(".nhsuk-error-summary a").first.click()
    assert page.evaluate("() => document.activeElement.name").startswith("q-")
    assert not ConsultationResponse.objects.exists()


# --- (b) the anonymous incident report and (c) its follow-up: tests/browser/test_incident_report.py ------------


def test_follow_up_with_a_wrong_code(page, assert_accessible):
    page.goto("/incidents/follow-up/")
    submit(page, "Continue")
    assert_error_summary(page)
    assert_accessible(page)
    page.locator("input[name=code]").fill("1234-5678-1234-5678")
    submit(page, "Continue")
    assert_error_summary(page)
    assert "could not find a report" in page.inner_text(".nhsuk-error-summary")
