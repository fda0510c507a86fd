"""Run it for real (issue 16), in Chromium: from an empty migrated database with one platform administrator,
everything else through the screens. The platform administrator imports trusts from the ODS sample and invites
each trust's administrator; they invite HR administrators and a member of staff; HR adds a post and a person in
it, records a DBS check that a second HR administrator verifies, and records the person's move to the partner
trust; the staff member accepts the check and makes a passport code, and the partner's HR administrator redeems
it and sees the check reused. E-mailed links are read from the outbox; no step touches the shell or the database
(the ORM is only read, to assert)."""

import base64
import datetime
import re

import pytest
from django.core import mail

from cms.accounts.models import User
from workforce.models import Organisation, PassportCredential, Person, SectorMove

from .conftest import submit
from .test_hr_data_entry import fill_date
from .test_onboarding import ODS, PASSWORD, _code, _invitation_link, _verified_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def _invite(page, organisation, email, role):
    page.goto(f"/workforce/organisations/{organisation.pk}/invite/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(role, exact=True).check()
    submit(page, "Send the invitation")
    assert f"Invitation sent to {email}" in page.content()


def _accept(browser, live_server, email, first_name, *, two_factor=False):
    """The invited person opens the e-mailed link in a browser of their own, creates the account and signs in
    (setting up two-factor authentication where their role needs it). Returns their signed-in page."""
    page = _new_page(browser, live_server)
    page.goto(_invitation_link(email))
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill("Synthetic")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    submit(page, "Create my account")
    page.wait_for_url("**/account/sign-in/**")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if two_factor:
        page.wait_for_url("**/account/two-factor/set-up/**")
        secret = re.sub(r"[^A-Z2-7]", "", page.locator("code.app-secret").text_content())
        key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
        page.get_by_label("Security code").fill(_code(key_hex))
        submit(page, "Turn on two-factor authentication")
        page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_url("**/account/**")
    return page


def _add_post(page, reference, title):
    page.goto("/workforce/posts/new/")
    page.get_by_label("Post number").fill(reference)
    page.get_by_label("Job title").fill(title)
    page.get_by_label("National job role").select_option(label="Healthcare assistant")
    page.get_by_label("Pay band").fill("3")
    submit(page, "Add post")
    assert f"Post {reference} added" in page.inner_text("main")


def test_from_an_empty_service_to_a_redeemed_passport(
    browser, live_server, make_user, sign_in, assert_accessible
):
    assert not Organisation.objects.exists() and not User.objects.exists()
    platform_admin = make_user("platform_admin", email="platform@ops.example")
    platform = _verified_page(browser, live_server, sign_in, platform_admin)

    # The platform administrator imports the integrated care boards, then the trusts.
    for kind, name in (("Integrated care boards", "eccg.csv"), ("NHS trusts", "etr.csv")):
        platform.goto("/workforce/organisations/import/")
        platform.get_by_label(kind).check()
        platform.locator("input[type=file][name=file]").set_input_files(str(ODS / name))
        platform.get_by_label("Import the file").check()
        submit(platform, "Continue")
        platform.wait_for_url("**/workforce/organisations/")
    assert_accessible(platform)
    trust, partner = Organisation.objects.get(ods_code="ZT1"), Organisation.objects.get(ods_code="ZT2")

    # Each trust's administrator is invited and accepts with two-factor authentication.
    _invite(platform, trust, "admin@valley.example", "Organisation administrator")
    _invite(platform, partner, "admin@coast.example", "Organisation administrator")
    admin = _accept(browser, live_server, "admin@valley.example", "Ola", two_factor=True)
    partner_admin = _accept(browser, live_server, "admin@coast.example", "Pat", two_factor=True)

    # The trust's administrator invites two HR administrators; the partner's, one.
    _invite(admin, trust, "hr@valley.example", "HR administrator")
    _invite(admin, trust, "hr2@valley.example", "HR administrator")
    _invite(partner_admin, partner, "hr@coast.example", "HR administrator")
    hr = _accept(browser, live_server, "hr@valley.example", "Hana")
    verifier = _accept(browser, live_server, "hr2@valley.example", "Vic")
    receiver = _accept(browser, live_server, "hr@coast.example", "Rae")

    # HR adds a post and a person in it, and links the record to the person's work e-mail.
    _add_post(hr, "ZT1-HCA-12", "Healthcare assistant, ward 12")
    hr.goto("/workforce/people/new/")
    assert_accessible(hr)
    hr.get_by_label("First name").fill("Rowan")
    hr.get_by_label("Last name").fill("Hale")
    fill_date(hr, "date_of_birth", datetime.date(1990, 2, 9))
    hr.get_by_label("National Insurance number").fill("QQ 12 34 56 A")
    hr.get_by_label("Employer").select_option(value=str(trust.pk))
    fill_date(hr, "start_date", datetime.date(2024, 6, 1))
    hr.get_by_label("Post number (optional)").fill("ZT1-HCA-12")
    submit(hr, "Add person")
    assert "Rowan Hale added" in hr.inner_text("main")
    person = Person.objects.get(last_name="Hale")
    hr.goto(f"/workforce/people/{person.pk}/reporting/")
    hr.get_by_label("Work e-mail address").fill("rowan.hale@valley.example")
    submit(hr, "Save")

    # HR records a DBS check; the second HR administrator verifies it.
    hr.goto(f"/workforce/people/{person.pk}/credentials/new/")
    hr.get_by_label("Issuing organisation").select_option(value=str(trust.pk))
    hr.get_by_label("DBS check", exact=True).check()
    hr.get_by_label("DBS level").select_option(label="Enhanced with barred list")
    hr.get_by_label("The DBS check is on the update service").check()
    fill_date(hr, "issued_on", datetime.date.today() - datetime.timedelta(days=60))
    fill_date(hr, "evidence_checked_on", datetime.date.today() - datetime.timedelta(days=59))
    hr.get_by_label("Evidence you saw").fill("DBS certificate")
    submit(hr, "Record credential")
    assert "Waiting for a second person to verify" in hr.content()
    verifier.goto("/workforce/passport/verify/")
    submit(verifier, f"Verify DBS check for {person.full_name}")
    credential = PassportCredential.objects.get(person=person)
    assert credential.verified_by.email == "hr2@valley.example"
    assert credential.recorded_by.email == "hr@valley.example"

    # The partner's HR administrator adds the post the person will fill; HR records the move into it.
    _add_post(receiver, "ZT2-HCA-3", "Healthcare assistant, community")
    hr.goto(f"/workforce/people/{person.pk}/move/")
    assert_accessible(hr)
    hr.get_by_label("Permanent move").check()
    hr.get_by_label("Moving to organisation").select_option(value=str(partner.pk))
    hr.get_by_label("Post number at the receiving organisation").fill("ZT2-HCA-3")
    fill_date(hr, "offer_date", datetime.date.today() - datetime.timedelta(days=20))
    fill_date(hr, "effective_date", datetime.date.today() + datetime.timedelta(days=10))
    hr.get_by_label("Reason for the move").fill("Moving closer to home")
    submit(hr, "Record move")
    hr.wait_for_url("**/workforce/moves/*/")
    move = SectorMove.objects.get(person=person)
    assert (move.to_organisation, move.to_post.reference) == (partner, "ZT2-HCA-3")

    # The partner's HR administrator says which DBS checks it reuses.
    receiver.goto("/workforce/passport-rules/")
    assert_accessible(receiver)
    receiver.get_by_label("Receiving organisation").select_option(value=str(partner.pk))
    receiver.get_by_label("Check", exact=True).select_option(label="DBS check")
    receiver.get_by_label("Lowest DBS level accepted").select_option(label="Enhanced")
    submit(receiver, "Add rule")
    assert "Rule added" in receiver.content()
    receiver.get_by_label("Receiving organisation").select_option(value=str(partner.pk))
    receiver.get_by_label("Check", exact=True).select_option(label="Right to work")
    submit(receiver, "Add rule")
    assert "Rule added" in receiver.content()

    # The member of staff is invited with the work e-mail HR recorded, accepts the check and makes a code.
    _invite(admin, trust, "rowan.hale@valley.example", "Incident reporter")
    staff = _accept(browser, live_server, "rowan.hale@valley.example", "Rowan")
    staff.goto("/workforce/my-passport/")
    assert_accessible(staff)
    staff.get_by_role("link", name=re.compile("Waiting for the holder")).click()
    staff.get_by_label("Yes, it is right").check()
    submit(staff, "Save answer")
    staff.get_by_label("Organisation to share with").select_option(value=str(partner.pk))
    submit(staff, "Make a code")
    code = staff.locator(".app-share-code strong").inner_text()

    # The partner's HR administrator redeems the code: the DBS check is reused, the right to work is not there.
    receiver.goto("/workforce/passport/redeem/")
    receiver.get_by_label("Passport code").fill(code)
    submit(receiver, "Continue")
    receiver.wait_for_url("**/workforce/passport/shared/*/")
    assert_accessible(receiver)
    main = receiver.inner_text("main")
    assert "Reused from the passport" in main and "Not on the passport" in main
    assert "DBS check" in main and "Right to work" in main
    invited = {
        "admin@valley.example",
        "admin@coast.example",
        "hr@valley.example",
        "hr2@valley.example",
        "hr@coast.example",
        "rowan.hale@valley.example",
    }
    assert invited <= {address for message in mail.outbox for address in message.to}
    for page in (platform, admin, partner_admin, hr, verifier, receiver, staff):
        page.context.close()
