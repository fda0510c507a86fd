"""A member of the public goes from the home page to the Covenant and follows "Ask to sign" to the page that says
what an organisation's representative does, with axe-core on each page."""

import pytest

from tests.cms.pages import covenant_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_public_follows_ask_to_sign_to_the_explanation(page, assert_accessible):
    covenant_page()
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Read the NHS Covenant").click()
    page.wait_for_url("**/the-covenant/")
    assert_accessible(page)
    page.get_by_role("button", name="Ask to sign the Covenant").click()
    page.wait_for_url("**/covenant/how-to-sign/")
    assert page.get_by_role("heading", level=1).inner_text() == "How your organisation signs the NHS Covenant"
    sign_in = page.get_by_role("link", name="Sign in to start a signing request")
    assert sign_in.get_attribute("href") == "/account/sign-in/?next=%2Fcovenant%2Fsign%2F"
    assert_accessible(page)
    sign_in.click()
    page.wait_for_url("**/account/sign-in/?next=*")
