"""Screens that fit: at 1,280 pixels the handlers' case list shows status, investigator and next deadline without
scrolling sideways, on NHS.UK's full-width container, with a long trust name kept to its short form."""

import datetime

import pytest
from django.utils import timezone

from covenant.incidents.models import CaseAction, Status
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import MembershipFactory, OrganisationFactory

from .conftest import submit
from .test_journeys_staff import _handler_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LONG_NAME = "Riverside and Wolds University Hospitals and Community Services NHS Foundation Trust"


def test_the_case_list_fits_1280_pixels(browser, live_server, make_user, sign_in, assert_accessible):
    trust = OrganisationFactory(name=LONG_NAME, short_name="Riverside and Wolds")
    council = OrganisationFactory(name="Wolds County Council", short_name="Wolds Council")
    lead = make_user(
        "incident_handler",
        organisation=trust,
        email="lead@riverside.example",
        first_name="Alex",
        last_name="Lead",
    )
    MembershipFactory(user=lead, organisation=council, role="incident_handler")
    investigator = make_user(
        "incident_handler",
        organisation=trust,
        email="sam@riverside.example",
        first_name="Samantha",
        last_name="Investigator-Longname",
    )
    for _ in range(6):
        IncidentReportFactory(organisation=trust, category="sexual", setting="community", source="relative")
    assigned = IncidentReportFactory(
        organisation=trust,
        status=Status.ASSIGNED,
        acknowledged_at=timezone.now(),
        investigator=investigator,
        category="sexual",
    )
    CaseAction.objects.create(
        report=assigned,
        description="Review the rota",
        owner=investigator,
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )

    page = _handler_page(browser, live_server, sign_in, lead, "/incidents/cases/")
    assert page.viewport_size["width"] == 1280
    assert_accessible(page)

    # Nothing scrolls sideways: neither the page nor the table's own scroll region.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    region = page.locator(".nhsuk-scroll__content")
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")

    # The full-width container variant, so the table has the whole screen.
    assert page.locator("main").evaluate(
        "el => el.parentElement.classList.contains('nhsuk-width-container-fluid')"
    )

    # Status, investigator and next deadline headers and cells are on screen.
    for header in ("Status", "Investigator", "Next deadline"):
        box = page.get_by_role("columnheader", name=header).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280, header
    row = page.get_by_role("row").filter(has_text=assigned.reference)
    for text in ("Assigned", "Samantha Investigator-Longname", "Action due"):
        cell = row.get_by_role("cell").filter(has_text=text).first
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280, text

    # The trust's long name is its short form, with the full name kept in an abbreviation, and takes two lines
    # at most (about 24 pixels a line).
    abbr = row.locator("abbr").first
    assert abbr.get_attribute("title") == LONG_NAME
    assert abbr.inner_text() == "Riverside and Wolds"
    assert abbr.bounding_box()["height"] <= 2 * 28


def test_a_lead_records_who_did_it_and_sees_the_repeat(
    browser, live_server, make_user, sign_in, assert_accessible
):
    trust = OrganisationFactory(
        name="Riverside Hospitals NHS Foundation Trust", short_name="Riverside Hospitals"
    )
    lead = make_user("incident_handler", organisation=trust, email="lead@riverside.example")
    first, second = (IncidentReportFactory(organisation=trust) for _ in range(2))
    page = _handler_page(browser, live_server, sign_in, lead, f"/incidents/cases/{first.pk}/")
    for report, typed in ((first, "943 476 5919"), (second, "943-476-5919")):
        page.goto(f"/incidents/cases/{report.pk}/")
        page.get_by_role("link", name="Record who did it").click()
        assert_accessible(page)
        field = page.get_by_label("Patient's NHS number (optional)")
        field.fill("943 476 5918")  # a wrong check digit first
        submit(page, "Save")
        assert page.locator(".nhsuk-error-summary").get_by_text("Enter a valid NHS number").is_visible()
        assert_accessible(page)
        page.get_by_label("Patient's NHS number (optional)").fill(typed)
        submit(page, "Save")
        page.wait_for_url(f"**/incidents/cases/{report.pk}/")
        assert page.get_by_text("943 476 5919").is_visible()
    page.goto("/incidents/cases/repeat-perpetrators/")
    assert_accessible(page)
    group = page.get_by_role("table", name="Patient 1: 2 cases")
    for report in (first, second):
        assert group.get_by_role("link", name=report.reference).is_visible()
