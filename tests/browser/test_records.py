"""A data protection officer's journey in Chromium, with axe-core on every page: the records schedule, a period
changed after an error, a legal hold placed and lifted, and a person's records found, downloaded and erased."""

import datetime
import zipfile

import pytest

from cms.records.models import LegalHold, RetentionPeriod
from demo.factories.workforce import EmploymentFactory, OrganisationFactory

from .conftest import submit
from .test_journeys_public import assert_error_summary
from .test_journeys_staff import _handler_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_dpo_sets_a_period_holds_a_record_and_answers_a_request(
    browser, live_server, make_user, sign_in, assert_accessible, tmp_path
):
    trust = OrganisationFactory(name="Riverside Hospitals NHS Foundation Trust")
    dpo = make_user("dpo", organisation=trust, email="dpo@riverside.example")
    leaver = EmploymentFactory(
        employer=trust,
        start_date=datetime.date(2001, 1, 1),
        end_date=datetime.date(2012, 3, 31),
        person__work_email="leaver@riverside.example",
    ).person
    page = _handler_page(browser, live_server, sign_in, dpo, "/records/retention/")
    assert_accessible(page)
    assert page.get_by_role("cell", name="Audit events", exact=True).is_visible()

    page.get_by_role("link", name="Change the period for background task rows").click()
    page.wait_for_url("**/records/retention/tasks.results/")
    assert_accessible(page)
    page.get_by_label("Keep for (days)").fill("0")
    submit(page, "Save the period")
    assert_error_summary(page)
    assert_accessible(page)
    page.get_by_label("Keep for (days)").fill("60")
    page.get_by_label("Why is the period changing?").fill("Longer to diagnose failures")
    submit(page, "Save the period")
    page.wait_for_url("**/records/retention/")
    assert RetentionPeriod.objects.get(kind="tasks.results").days == 60

    page.get_by_role("button", name="Place a legal hold").click()
    page.wait_for_url("**/records/holds/new/")
    assert_accessible(page)
    submit(page, "Place the hold")
    assert_error_summary(page)
    assert_accessible(page)
    page.get_by_label("One record").check()
    page.get_by_label("Kind of record", exact=True).select_option("workforce.person")
    page.get_by_label("Record number").fill(str(leaver.pk))
    page.get_by_label("Reason for the hold").fill("Employment tribunal claim ET/0001")
    submit(page, "Place the hold")
    page.wait_for_url("**/records/retention/")
    assert_accessible(page)
    assert LegalHold.objects.filter(object_id=str(leaver.pk), lifted_at__isnull=True).exists()

    page.goto("/records/subject-access/")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("leaver@riverside.example")
    submit(page, "Find what is held")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download everything (ZIP of CSV files and a PDF summary)").click()
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    assert "workforce_person.csv" in zipfile.ZipFile(path).namelist()

    page.get_by_label("The request").fill("E-mail of 1 March 2026, ref DP-7")
    page.get_by_label("I have checked this is the right person").check()
    submit(page, "Erase what the law allows")
    assert_accessible(page)
    assert page.get_by_text("A legal hold covers this record.").is_visible()

    hold = LegalHold.objects.get()
    page.goto(f"/records/holds/{hold.pk}/lift/")
    assert_accessible(page)
    page.get_by_label("Why is the hold lifted?").fill("Claim withdrawn")
    submit(page, "Lift the hold")
    page.wait_for_url("**/records/retention/")
    leaver.refresh_from_db()
    assert leaver.erased_at is None
