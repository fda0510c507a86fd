"""The staff passport in Chromium, with axe-core on every page visited: an HR administrator records a DBS check
(the error path first), a colleague verifies it, the holder accepts it and makes a code for the organisation they
are moving to, and that organisation's HR administrator redeems the code and sees the check reused."""

import datetime
import re

import pytest

from demo.factories.workforce import (
    AcceptanceRuleFactory,
    AssignmentFactory,
    EmploymentFactory,
    OrganisationFactory,
    PostFactory,
)
from workforce.models import PassportCredential

from .conftest import submit
from .test_journeys_public import assert_error_summary

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_record_verify_accept_share_and_redeem(page, make_user, sign_in, assert_accessible):
    care = OrganisationFactory(
        name="Harbourside Care Homes Ltd", short_name="Harbourside Care", organisation_type="care_provider"
    )
    trust = OrganisationFactory(
        name="Riverside Hospitals NHS Foundation Trust", short_name="Riverside Hospitals"
    )
    AcceptanceRuleFactory(organisation=trust, kind="dbs", minimum_dbs_level="enhanced")
    recorder = make_user("hr_admin", organisation=care, email="hr@harbourside.example")
    verifier = make_user("hr_admin", organisation=care, email="hr2@harbourside.example")
    receiver = make_user("hr_admin", organisation=trust, email="hr@riverside.example")
    holder = make_user("incident_reporter", organisation=care, email="jo@harbourside.example")
    assignment = AssignmentFactory(
        employment=EmploymentFactory(employer=care, start_date=datetime.date(2021, 4, 1)),
        post=PostFactory(organisation=care, reference="C-SCW-7", job_role="care_worker"),
    )
    person = assignment.person
    person.work_email = holder.email
    person.save()

    sign_in(page, recorder)
    page.goto(f"/workforce/people/{person.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Record a credential for {person.full_name}").click()
    assert_accessible(page)
    submit(page, "Record credential")
    assert_error_summary(page)
    assert_accessible(page)
    page.get_by_label("Issuing organisation").select_option(label="Harbourside Care")
    page.get_by_label("DBS check", exact=True).check()
    page.get_by_label("DBS level").select_option(label="Enhanced with barred list")
    page.get_by_label("The DBS check is on the update service").check()
    for prefix, day in (
        ("issued_on", datetime.date(2025, 3, 1)),
        ("evidence_checked_on", datetime.date(2025, 3, 2)),
    ):
        page.locator(f"#id_{prefix}_0").fill(str(day.day))
        page.locator(f"#id_{prefix}_1").fill(str(day.month))
        page.locator(f"#id_{prefix}_2").fill(str(day.year))
    page.get_by_label("Evidence you saw").fill("DBS certificate")
    submit(page, "Record credential")
    page.wait_for_url(f"**/workforce/people/{person.pk}/")
    assert "Waiting for a second person to verify" in page.content()
    page.goto("/workforce/passport/verify/")
    assert "You recorded this" in page.content()
    assert_accessible(page)
    page.context.clear_cookies()

    sign_in(page, verifier)
    page.goto("/workforce/passport/verify/")
    submit(page, f"Verify DBS check for {person.full_name}")
    assert_accessible(page)
    assert PassportCredential.objects.get(person=person).verified_by == verifier
    page.context.clear_cookies()

    sign_in(page, holder)
    page.goto("/workforce/my-passport/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Waiting for the holder")).click()
    assert_accessible(page)
    page.get_by_label("Yes, it is right").check()
    submit(page, "Save answer")
    page.wait_for_url("**/workforce/my-passport/")
    page.get_by_label("Organisation to share with").select_option(label="Riverside Hospitals")
    submit(page, "Make a code")
    assert_accessible(page)
    code = page.locator(".app-share-code strong").inner_text()
    page.context.clear_cookies()

    sign_in(page, receiver)
    page.goto("/workforce/passport/redeem/")
    assert_accessible(page)
    page.get_by_label("Passport code").fill("ABCD-EFGH-JKLM")
    submit(page, "Continue")
    assert_error_summary(page)
    page.get_by_label("Passport code").fill(code)
    submit(page, "Continue")
    page.wait_for_url("**/workforce/passport/shared/*/")
    assert_accessible(page)
    assert "Reused from the passport" in page.content()
    page.goto("/workforce/passport/shared/")
    assert_accessible(page)
