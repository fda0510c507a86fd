"""Staff journeys in Chromium, signed in through the real sign-in page, with axe-core on every page visited.

(d) An HR administrator records a move of a person to another sector, and the receiving organisation's HR
administrator confirms the arrival. (e) A consultation moderator approves a response from the queue. (f) The lead
handler assigns an incident case, only the investigator investigates it and answers the reporter's request, and
the lead signs it off.
"""

import datetime

import pytest

from covenant.consultation.models import ModerationState
from covenant.incidents.models import IncidentReport, Status
from demo.factories.consultation import (
    COVENANT_QUESTIONS,
    ConsultationResponseFactory,
    answer,
    consultation_page,
    hub_page,
)
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import AssignmentFactory, EmploymentFactory, OrganisationFactory, PostFactory
from workforce.models import SectorMove

from .conftest import submit
from .test_journeys_public import assert_error_summary

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def trust(db):
    return OrganisationFactory(
        name="Riverside Hospitals NHS Foundation Trust", short_name="Riverside Hospitals"
    )


@pytest.fixture
def care_provider(db):
    return OrganisationFactory(
        name="Harbourside Care Homes Ltd", short_name="Harbourside Care", organisation_type="care_provider"
    )


def test_hr_records_a_move_to_social_care_and_the_receiver_confirms(
    page, make_user, sign_in, trust, care_provider, assert_accessible
):
    hr_sender = make_user("hr_admin", organisation=trust, email="hr@riverside.example")
    hr_receiver = make_user("hr_admin", organisation=care_provider, email="hr@harbourside.example")
    assignment = AssignmentFactory(
        employment=EmploymentFactory(employer=trust, start_date=datetime.date(2021, 4, 1)),
        post=PostFactory(organisation=trust, reference="T-HCA-1"),
    )
    PostFactory(organisation=care_provider, reference="C-SCW-7", job_role="care_worker")
    person = assignment.person

    sign_in(page, hr_sender)
    assert_accessible(page)
    page.goto("/workforce/people/")
    assert_accessible(page)
    page.get_by_role("link", name=person.full_name).click()
    page.wait_for_url(f"**/workforce/people/{person.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Record a move").click()
    page.wait_for_url(f"**/workforce/people/{person.pk}/move/")
    assert_accessible(page)

    # The error path first: nothing chosen.
    submit(page, "Record move")
    assert_error_summary(page)
    assert_accessible(page)

    page.get_by_label("Permanent move").check()
    page.get_by_label("Moving to organisation").select_option(label="Harbourside Care")
    page.get_by_label("Post number at the receiving organisation").fill("C-SCW-7")
    page.locator("#id_effective_date_0").fill("1")
    page.locator("#id_effective_date_1").fill("6")
    page.locator("#id_effective_date_2").fill("2026")
    page.get_by_label("Reason for the move").fill("Moving into social care closer to home")
    page.get_by_role("button", name="Record move").click()
    page.wait_for_url("**/workforce/moves/*/")
    assert_accessible(page)
    assert "must now confirm" in page.inner_text("main")
    move = SectorMove.objects.get(person=person)
    assert move.to_organisation == care_provider and move.status == "recorded"

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, hr_receiver)
    page.goto(f"/workforce/moves/{move.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm arrival at Harbourside Care").click()
    page.wait_for_url(f"**/workforce/moves/{move.pk}/")
    assert "Arrival confirmed" in page.inner_text("main")
    assert_accessible(page)
    move.refresh_from_db()
    assert move.status == "confirmed"


def test_moderator_approves_a_response(page, make_user, sign_in, organisation, assert_accessible):
    moderator = make_user("consultation_moderator", organisation=organisation, email="mod@icb.example")
    hub_page()
    consultation = consultation_page(slug="moderated", questions=COVENANT_QUESTIONS[:1])
    response = ConsultationResponseFactory(consultation=consultation)
    answer(response, consultation.questions.get(), selected=["Agree"], text="Call me on 07700 900123.")

    sign_in(page, moderator)
    page.goto("/consultation/moderation/")
    assert_accessible(page)
    page.get_by_role("link", name=response.reference).click()
    page.wait_for_url(f"**/consultation/moderation/{response.pk}/")
    assert_accessible(page)
    # The phone number holds the response in moderation until it is redacted (the publication gate).
    assert "Before this response can be approved" in page.inner_text("main")
    page.get_by_role("button", name="Redact all suggestions").click()
    page.wait_for_url(f"**/consultation/moderation/{response.pk}/")
    assert "[redacted: phone number]" in page.inner_text("main")
    assert_accessible(page)

    submit(page, "Save decision")
    assert_error_summary(page)
    assert "Choose a decision" in page.inner_text(".nhsuk-error-summary")
    assert_accessible(page)

    page.get_by_label("Approve for publication").check()
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url("**/consultation/moderation/?moderation_state=pending")
    assert_accessible(page)
    response.refresh_from_db()
    assert response.moderation_state == ModerationState.APPROVED
    assert response.moderated_by == moderator


# --- (f) an incident case: two people to close it, and an answer to what the reporter asked ------------------
def _handler_page(browser, live_server, sign_in, user, url):
    """A browser of its own for a handler, signed in with two-factor authentication, on `url`."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, user)
    page.goto(url)
    page.wait_for_url("**/account/two-factor/verify/**")
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.get_by_label("Security code").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{url}")
    return page


def test_a_case_is_investigated_by_its_investigator_and_signed_off_by_another_handler(
    browser, live_server, make_user, sign_in, trust, assert_accessible
):
    lead = make_user("incident_handler", organisation=trust, email="lead@riverside.example")
    investigator = make_user(
        "incident_handler",
        organisation=trust,
        email="sam@riverside.example",
        first_name="Sam",
        last_name="Example",
    )
    report = IncidentReportFactory(
        organisation=trust,
        status=Status.TRIAGE,
        lead_handler=lead,
        wants_support=False,
        wants_police_action="yes",
        wants_feedback=True,
    )
    url = f"/incidents/cases/{report.pk}/"

    lead_page = _handler_page(browser, live_server, sign_in, lead, url)
    assert_accessible(lead_page)
    lead_page.get_by_role("link", name="Assign an investigator").click()
    lead_page.get_by_label("Investigator").select_option(label="Sam Example")
    lead_page.get_by_role("button", name="Assign an investigator").click()
    lead_page.wait_for_url(f"**{url}")
    assert "Only the investigator, Sam Example, can start the review." in lead_page.inner_text("main")
    assert lead_page.get_by_role("link", name="Start the review").count() == 0
    assert_accessible(lead_page)

    page = _handler_page(browser, live_server, sign_in, investigator, url)
    page.get_by_role("link", name="Start the review").click()
    page.get_by_role("button", name="Start the review").click()
    page.wait_for_url(f"**{url}")
    main = page.inner_text("main")
    assert "police action before sending the case for sign-off." in main
    assert page.get_by_role("link", name="Send for sign-off").count() == 0
    assert_accessible(page)

    page.get_by_role("link", name="Record a decision on police action").click()
    submit(page, "Record the decision")
    assert_error_summary(page)
    assert_accessible(page)
    page.get_by_label("Reason for the decision (internal)").fill("The patient lacked capacity (delirium).")
    page.get_by_label("What the reporter will be told").fill(
        "We agreed with you not to report this to the police. You can still call 101."
    )
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"**{url}")
    page.get_by_role("link", name="Send for sign-off").click()
    page.get_by_label("Outcome the reporter will see").fill("We have reviewed what happened with the ward.")
    page.get_by_label("Internal rationale").fill("Risk assessment updated.")
    page.get_by_role("button", name="Send for sign-off").click()
    page.wait_for_url(f"**{url}")
    assert "You are the investigator, so another handler must sign the case off." in page.inner_text("main")
    assert page.get_by_role("link", name="Sign off and close").count() == 0
    assert_accessible(page)

    lead_page.goto(url)
    lead_page.get_by_role("link", name="Sign off and close").click()
    lead_page.get_by_role("button", name="Sign off and close").click()
    lead_page.wait_for_url(f"**{url}")
    assert_accessible(lead_page)
    report = IncidentReport.objects.get(pk=report.pk)
    assert report.status == Status.CLOSED and report.signed_off_by == lead
    assert report.transitions.get(action="request_sign_off").actor == investigator
