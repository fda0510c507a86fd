"""HR data entry in Chromium, with axe-core on every page: an HR administrator adds a post and a person in it,
downloads the import template, records where the person came from, and sets up an integrated team with a
partner's staff member in it. Error paths first on each form."""

import datetime

import pytest

from demo.factories.workforce import (
    AssignmentFactory,
    EmploymentFactory,
    OrganisationFactory,
    PersonFactory,
    PostFactory,
)
from workforce import services
from workforce.models import IntegratedTeamMember, Person, Post, SectorMove
from workforce.vocabulary import LegalModel, PartnerRole

from .conftest import submit
from .test_journeys_public import assert_error_summary

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fill_date(page, name, day):
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def test_hr_adds_a_post_and_a_person_and_records_their_arrival(page, make_user, sign_in, assert_accessible):
    trust = OrganisationFactory(
        name="Riverside Hospitals NHS Foundation Trust", short_name="Riverside Hospitals", ods_code="RV9"
    )
    hr = make_user("hr_admin", organisation=trust, email="hr@riverside.example")
    sign_in(page, hr)

    page.goto("/workforce/posts/")
    assert_accessible(page)
    page.get_by_role("link", name="Add a post").click()
    page.wait_for_url("**/workforce/posts/new/")
    assert_accessible(page)
    submit(page, "Add post")
    assert_error_summary(page)
    assert_accessible(page)
    page.get_by_label("Post number").fill("RV9-HCA-12")
    page.get_by_label("Job title").fill("Healthcare assistant, ward 12")
    page.get_by_label("National job role").select_option(label="Healthcare assistant")
    page.get_by_label("Pay band").fill("3")
    submit(page, "Add post")
    assert "Post RV9-HCA-12 added" in page.inner_text("main")
    assert_accessible(page)
    post = Post.objects.get(reference="RV9-HCA-12")

    page.goto("/workforce/people/")
    page.get_by_role("link", name="Add a person").click()
    page.wait_for_url("**/workforce/people/new/")
    assert_accessible(page)
    page.get_by_label("First name").fill("Rowan")
    page.get_by_label("Last name").fill("Hale")
    fill_date(page, "date_of_birth", datetime.date(1990, 2, 9))
    page.get_by_label("National Insurance number").fill("QQ 12 34 56 A")
    fill_date(page, "start_date", datetime.date(2026, 6, 1))
    page.get_by_label("Post number (optional)").fill("RV9-NOPE")
    submit(page, "Add person")
    assert_error_summary(page)
    assert "There is no post number RV9-NOPE" in page.inner_text("main")
    assert_accessible(page)
    assert not Person.objects.exists()
    page.get_by_label("Post number (optional)").fill(post.reference)
    submit(page, "Add person")
    assert "Rowan Hale added" in page.inner_text("main")
    assert_accessible(page)
    person = Person.objects.get(last_name="Hale")
    assert person.assignments.get().post == post

    page.get_by_role("link", name="Record where Rowan came from").click()
    assert_accessible(page)
    page.get_by_label("Sector they came from").select_option(label="Social care")
    page.get_by_label("Organisation they came from").fill("Meadowbank Care Home")
    fill_date(page, "offer_date", datetime.date(2026, 4, 20))
    page.get_by_label("Reason for the move").fill("Career move into the NHS")
    submit(page, "Record arrival")
    assert "Arrival from Meadowbank Care Home recorded" in page.inner_text("main")
    assert_accessible(page)
    assert SectorMove.objects.get(person=person).days_offer_to_start == 42

    page.goto("/workforce/import/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template as a spreadsheet (XLSX)").click()
    assert download.value.suggested_filename == "workforce-import-template.xlsx"


def test_an_integrated_team_with_staff_of_two_partners(
    browser, live_server, make_user, sign_in, assert_accessible
):
    trust = OrganisationFactory(
        name="Riverside Hospitals NHS Foundation Trust", short_name="Riverside Hospitals"
    )
    council = OrganisationFactory(name="Riverside Council", organisation_type="local_authority")
    hr_trust = make_user("hr_admin", organisation=trust, email="hr@riverside.example")
    hr_council = make_user("hr_admin", organisation=council, email="hr@council.example")
    start = datetime.date.today() - datetime.timedelta(days=200)
    for organisation, number in ((trust, "T-1"), (council, "C-1")):
        employment = EmploymentFactory(
            person=PersonFactory(), employer=organisation, staff_number=number, start_date=start
        )
        AssignmentFactory(
            employment=employment, post=PostFactory(organisation=organisation), start_date=start
        )
    arrangement = services.joint_arrangement_create(
        actor=hr_trust,
        data={
            "title": "Discharge and reablement",
            "post": PostFactory(organisation=trust, reference="T-JOINT-1"),
            "legal_model": LegalModel.JOINT_EMPLOYMENT,
            "status": "active",
            "employer": trust,
            "place_of_work": council,
            "funder": trust,
            "start_date": start,
            "review_date": start + datetime.timedelta(days=365),
        },
        partners=[
            {
                "organisation": trust,
                "roles": [PartnerRole.EMPLOYER, PartnerRole.FUNDER],
                "funding_share": 60,
                "time_share": 50,
            },
            {
                "organisation": council,
                "roles": [PartnerRole.HOST, PartnerRole.FUNDER],
                "funding_share": 40,
                "time_share": 50,
            },
        ],
    )
    joining = datetime.date.today() - datetime.timedelta(days=10)

    def context_page():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        return context.new_page()

    page = context_page()
    sign_in(page, hr_trust)
    page.goto(f"/workforce/joint-arrangements/{arrangement.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Set up an integrated team").click()
    assert_accessible(page)
    page.get_by_label("Team name").fill("Discharge to assess")
    submit(page, "Set up team")
    assert "Team Discharge to assess set up" in page.inner_text("main")
    assert_accessible(page)
    submit(page, "Add member")
    assert_error_summary(page)
    assert_accessible(page)
    page.get_by_label("Staff number").fill("T-1")
    fill_date(page, "member-start_date", joining)
    submit(page, "Add member")
    assert_accessible(page)
    team_url = page.url
    page.context.close()

    page = context_page()
    sign_in(page, hr_council)
    page.goto(team_url)
    page.get_by_label("Staff number").fill("C-1")
    fill_date(page, "member-start_date", joining)
    submit(page, "Add member")
    assert_accessible(page)
    employers = set(
        IntegratedTeamMember.objects.values_list("assignment__employment__employer__name", flat=True)
    )
    assert employers == {trust.name, council.name}
    page.context.close()
