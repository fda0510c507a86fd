"""Browser tests: Playwright drives Debian's Chromium (never a browser Playwright downloads) against a live server.

Skipped with a clear reason where /usr/bin/chromium is missing; .ci/run installs it so CI always runs them.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(
                    pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
                )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def axe_violations(page, *, impacts=("serious", "critical")):
    """Run axe-core on the page; return the violations of the given impact."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def describe(violations) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} – " + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in violations
    )


@pytest.fixture
def assert_accessible():
    def _check(page):
        violations = axe_violations(page)
        assert not violations, f"axe found problems on {page.url}:\n{describe(violations)}"

    return _check


@pytest.fixture
def sign_in(password, assert_accessible):
    """sign_in(page, user) signs in through the real sign-in page, checking that page with axe on the way."""

    def _sign_in(page, user):
        page.goto("/account/sign-in/")
        assert_accessible(page)
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/account/**")
        return page

    return _sign_in


def submit(page, button: str):
    """Press the named button and wait for the page the form posts to, even where it is the same URL again.

    A form that fails validation re-renders at the same address, so wait_for_url cannot tell the old page from
    the new one; waiting for the navigation itself can.
    """
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def focused(page) -> dict:
    """What has keyboard focus: its id, tag, type, name and whether a focus indicator is drawn around it."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
                && style.outlineColor !== "rgba(0, 0, 0, 0)";
            return {
                id: el.id, tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "",
                text: (el.innerText || el.value || "").trim().slice(0, 80),
                indicator: outline || style.boxShadow !== "none",
            };
        }"""
    )


@pytest.fixture
def tab_to():
    """tab_to(page, test) presses Tab until the focused element passes test(focused(page)); returns it."""

    def _tab_to(page, test, *, limit=250):
        for _ in range(limit):
            page.keyboard.press("Tab")
            element = focused(page)
            if test(element):
                return element
        raise AssertionError(f"Tab never reached the element on {page.url}")

    return _tab_to


@pytest.fixture(autouse=True)
def _site_tree(request):
    """Rebuild the Wagtail site and home page the migrations made, if an earlier live-server test lost them.

    After a live-server test the flush can run on a connection without Django's serialized copy of the migrated
    data, so the serialized rollback restores nothing and the page tree is gone (pytest-django issue #1117).
    Groups and content types come back by themselves (post_migrate); the page tree is rebuilt here.
    """
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.conf import settings
    from wagtail.models import Locale, Page, Site

    from cms.models import HomePage

    if HomePage.objects.exists():
        return
    locale = Locale.objects.order_by("pk").first() or Locale.objects.create(
        language_code=settings.LANGUAGE_CODE.split("-")[0]
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(
        instance=HomePage(
            title="NHS Covenant",
            slug="home",
            locale=locale,
            intro="Working together across health and social care: our people, their safety, and our promise.",
        )
    )
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="NHS Covenant"
    )
