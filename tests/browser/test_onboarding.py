"""Onboarding from an empty service, in Chromium, with axe-core on every page: the platform administrator imports
organisations from ODS files, invites a trust's administrator, who accepts the e-mailed link, sets up two-factor
authentication and invites an HR administrator. No step touches the shell or the database."""

import base64
import re
from pathlib import Path

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.accounts.models import User
from workforce.models import Invitation, Organisation

from .conftest import submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ODS = Path(__file__).resolve().parent.parent / "data" / "ods"
PASSWORD = "a-long-synthetic-passphrase-42"  # noqa: S105  # nosec B105  # synthetic test account


def _code(key_hex: str) -> str:
    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


def _verified_page(browser, live_server, sign_in, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, user)
    page.goto("/workforce/organisations/")
    page.wait_for_url("**/account/two-factor/verify/**")
    page.get_by_label("Security code").fill(_code(device.key))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/workforce/organisations/")
    return page


def _invitation_link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    return re.search(r"https?://[^/\s]+(/workforce/invitation/[^/\s]+/)", message.body).group(1)


def test_a_new_service_is_set_up_from_the_screens(
    browser, live_server, make_user, sign_in, assert_accessible
):
    platform_admin = make_user("platform_admin", email="platform@ops.example")
    page = _verified_page(browser, live_server, sign_in, platform_admin)
    assert_accessible(page)

    # The integrated care boards, then the trusts: a dry run first, then the import.
    page.get_by_role("link", name="Import from an ODS file").click()
    assert_accessible(page)
    for kind, name in (("Integrated care boards", "eccg.csv"), ("NHS trusts", "etr.csv")):
        page.get_by_label(kind).check()
        page.locator("input[type=file][name=file]").set_input_files(str(ODS / name))
        page.get_by_label("Check the file only (dry run)").check()
        submit(page, "Continue")
        assert "Nothing has been imported yet" in page.content()
        assert_accessible(page)
        page.locator("input[type=file][name=file]").set_input_files(str(ODS / name))
        page.get_by_label("Import the file").check()
        submit(page, "Continue")
        page.wait_for_url("**/workforce/organisations/")
        if kind != "NHS trusts":
            page.get_by_role("link", name="Import from an ODS file").click()
    trust = Organisation.objects.get(ods_code="ZT1")
    assert trust.icb.ods_code == "QZ1"

    # The trust's administrator is invited...
    page.get_by_role("link", name=trust.name).click()
    assert_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("E-mail address").fill("not an address")
    submit(page, "Send the invitation")
    assert "There is a problem" in page.content()
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("admin@valley.example")
    page.get_by_label("Organisation administrator").check()
    submit(page, "Send the invitation")
    assert "Invitation sent to admin@valley.example" in page.content()

    # ... accepts the link in a browser of their own, signs in and sets up two-factor authentication...
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    admin_page = context.new_page()
    admin_page.set_default_timeout(15000)
    link = _invitation_link("admin@valley.example")
    admin_page.goto(link)
    assert_accessible(admin_page)
    admin_page.get_by_label("First name").fill("Ola")
    admin_page.get_by_label("Last name").fill("Admin")
    admin_page.get_by_label("Choose a password").fill(PASSWORD)
    admin_page.get_by_label("Type the password again").fill(PASSWORD)
    submit(admin_page, "Create my account")
    admin_page.wait_for_url("**/account/sign-in/**")
    admin_page.get_by_label("Email address").fill("admin@valley.example")
    admin_page.get_by_label("Password", exact=True).fill(PASSWORD)
    admin_page.get_by_role("button", name="Sign in").click()
    admin_page.wait_for_url("**/account/two-factor/set-up/**")
    assert_accessible(admin_page)
    secret = re.sub(r"[^A-Z2-7]", "", admin_page.locator("code.app-secret").text_content())
    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    admin_page.get_by_label("Security code").fill(_code(key_hex))
    submit(admin_page, "Turn on two-factor authentication")
    admin_page.get_by_role("link", name="I have saved my recovery codes").click()

    # ... and invites an HR administrator, which only their own organisation offers them.
    admin_page.goto("/workforce/organisations/")
    assert_accessible(admin_page)
    assert "Add an organisation" not in admin_page.content()
    admin_page.get_by_role("link", name=trust.name).click()
    admin_page.get_by_role("link", name="Invite someone").click()
    admin_page.get_by_label("E-mail address").fill("hr@valley.example")
    admin_page.get_by_label("HR administrator").check()
    submit(admin_page, "Send the invitation")
    assert "Invitation sent to hr@valley.example" in admin_page.content()
    assert_accessible(admin_page)
    context.close()

    admin = User.objects.get(email="admin@valley.example")
    assert admin.memberships.get().role == "org_admin"
    assert Invitation.objects.get(email="hr@valley.example").invited_by == admin
    assert _invitation_link("hr@valley.example")
