"""The public page behind "Ask to sign the Covenant": what an organisation's representative does, for each visitor."""

import pytest
from wagtail.models import Site
from wagtail.rich_text import RichText

from cms.models import CovenantSigningSettings

pytestmark = pytest.mark.django_db

URL = "/covenant/how-to-sign/"
SIGN_IN = "/account/sign-in/?next=%2Fcovenant%2Fsign%2F"


def test_anonymous_visitor_is_told_what_to_do_and_can_sign_in_to_the_request_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>How your organisation signs the NHS Covenant</h1>" in html
    assert "Organisations sign the Covenant, not individual people" in html
    assert f'href="{SIGN_IN}">Sign in to start a signing request</a>' in html
    # Without an editor's text, the default tells them whom to ask for an account.
    assert "Ask your organisation's HR or workforce team" in html
    assert 'href="/covenant/signatories/"' in html and 'href="/covenant/report/"' in html
    assert 'class="nhsuk-breadcrumb"' in html


def test_sign_in_link_returns_to_the_request_form(client, hr_admin, password, bank):
    response = client.post(SIGN_IN, {"username": hr_admin.email, "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/covenant/sign/"
    assert response.status_code == 200
    assert "Ask to sign the NHS Covenant" in response.content.decode()


def test_account_contacts_come_from_the_editors_setting(client):
    contacts = CovenantSigningSettings.for_site(Site.objects.get(is_default_site=True))
    contacts.account_contact = RichText(
        "<p>Write to the Covenant programme team, who set up accounts for new organisations.</p>"
    ).source
    contacts.contact_email = "covenant.team@example.org"
    contacts.save()
    html = client.get(URL).content.decode()
    assert "Write to the Covenant programme team, who set up accounts for new organisations." in html
    assert "HR or workforce team: they manage" not in html
    assert 'href="mailto:covenant.team@example.org"' in html
    # The Covenant page and the list of signatories show the same contact for holding signatories to account.
    assert 'href="mailto:covenant.team@example.org"' in client.get("/covenant/signatories/").content.decode()


def test_hr_admin_goes_straight_on_to_the_request(client, login, hr_admin):
    login(hr_admin)
    html = client.get(URL).content.decode()
    assert 'href="/covenant/sign/"' in html and "Start a signing request" in html
    assert "Sign in to start a signing request" not in html
    assert "If you do not have an account" not in html


def test_signed_in_user_without_the_role_is_told_why(client, login, make_user):
    login(make_user("incident_reporter"))
    html = client.get(URL).content.decode()
    assert "Your account cannot start a request" in html
    assert 'href="/covenant/sign/"' not in html
    assert "If you do not have an account" in html
