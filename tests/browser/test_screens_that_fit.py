"""Screens that fit: at 1,280 pixels the handlers' case list shows status, investigator and next deadline without
scrolling sideways, on NHS.UK's full-width container, with a long trust name kept to its short form."""

import datetime

import pytest
from django.utils import timezone

from covenant.incidents.models import CaseAction, Status
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import MembershipFactory, OrganisationFactory

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
