import pytest

from .conftest import submit

# Transactional so the live server thread sees the data; serialized rollback restores the migrations' pages.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_home_page(page, assert_accessible):
    response = page.goto("/")
    assert response.status == 200
    assert page.locator("h1").first.inner_text().strip() == "NHS Covenant"
    assert page.locator("a.nhsuk-skip-link").get_attribute("href") == "#maincontent"
    # The NHS.UK frontend script ran: no CSP violation blocked it.
    assert "nhsuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    assert_accessible(page)


def test_sign_in_and_sign_out(page, live_server, make_user, password, assert_accessible):
    user = make_user("incident_reporter")
    page.goto("/account/sign-in/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/")
    assert page.get_by_role("heading", name="Your account").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name="Sign in").first.is_visible()


def test_sign_in_error_summary(page, assert_accessible):
    page.goto("/account/sign-in/")
    submit(page, "Sign in")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page)


def test_not_found_page(page, assert_accessible):
    response = page.goto("/this-page-does-not-exist/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert_accessible(page)


def test_home_page_on_a_phone(mobile_page, assert_accessible):
    mobile_page.goto("/")
    assert mobile_page.locator("header.nhsuk-header").is_visible()
    assert_accessible(mobile_page)
