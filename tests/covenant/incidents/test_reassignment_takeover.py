"""Review finding F4: no handler can take a confidential case from an owner who is still there, and so see who
reported it: not by moving it (one case or in bulk), not by excluding its lead or naming them as who did it, not
by assigning themselves in place of its investigator. A case moves only away from an owner who has gone."""

import pytest
from django.core import mail
from django.urls import reverse

from cms.accounts.models import AuditEvent
from covenant.incidents.models import CaseExclusion, IncidentReport
from covenant.incidents.selectors.cases import reporter_identity_visible
from covenant.incidents.services.exclusions import exclusion_add
from covenant.incidents.services.perpetrators import case_perpetrator_record
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import EmploymentFactory, PersonFactory
from workforce.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def confidential(make_user, handler, organisation):
    reporter = make_user("incident_reporter", organisation=organisation, email="whistle@example.org")
    return IncidentReportFactory(
        organisation=organisation,
        mode="confidential",
        reporter=reporter,
        lead_handler=handler,
        status="assigned",
    )


def test_a_handler_cannot_move_a_confidential_case_from_its_active_lead_to_themselves(
    client, login, handler, second_handler, confidential
):
    assert not reporter_identity_visible(user=second_handler, report=confidential)
    login(second_handler)
    response = client.post(
        reverse("incidents:case_reassign", args=[confidential.pk]),
        {"from_user": handler.pk, "to_user": second_handler.pk},
    )
    assert response.status_code == 400
    assert "to yourself" in response.context["form"].errors["to_user"][0]
    confidential.refresh_from_db()
    assert confidential.lead_handler == handler
    assert not reporter_identity_visible(user=second_handler, report=confidential)
    assert not AuditEvent.objects.filter(action="incident.case_reassigned").exists()


def test_a_case_does_not_move_away_from_an_owner_still_there(
    client, login, make_user, handler, second_handler, organisation, confidential
):
    third = make_user("incident_handler", organisation=organisation, email="third@example.org")
    login(second_handler)
    response = client.post(
        reverse("incidents:case_reassign", args=[confidential.pk]),
        {"from_user": handler.pk, "to_user": third.pk},
    )
    assert response.status_code == 400
    assert "still handles" in response.context["form"].errors["to_user"][0]
    response = client.post(
        reverse("incidents:cases_reassign"), {"from_user": handler.pk, "to_user": third.pk}
    )
    assert response.status_code == 302
    confidential.refresh_from_db()
    assert confidential.lead_handler == handler


def test_a_case_moves_from_an_owner_no_longer_a_handler_and_they_are_told(
    client,
    login,
    make_user,
    handler,
    second_handler,
    organisation,
    confidential,
    django_capture_on_commit_callbacks,
):
    third = make_user("incident_handler", organisation=organisation, email="third@example.org")
    Membership.objects.filter(user=handler).delete()
    login(second_handler)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("incidents:case_reassign", args=[confidential.pk]),
            {"from_user": handler.pk, "to_user": third.pk},
        )
    assert response.status_code == 302
    confidential.refresh_from_db()
    assert confidential.lead_handler == third
    told = {message.to[0]: message for message in mail.outbox}
    assert set(told) == {third.email, handler.email}
    assert (
        "moved from you" in told[handler.email].subject
        and confidential.narrative not in told[handler.email].body
    )


def test_excluding_the_lead_does_not_hand_the_case_to_whoever_excluded_them(
    handler, second_handler, confidential
):
    exclusion_add(report=confidential, actor=second_handler, email=handler.email, reason="conflict")
    confidential.refresh_from_db()
    assert confidential.lead_handler_id != second_handler.pk
    assert not reporter_identity_visible(user=second_handler, report=confidential)
    # The case now needs a new owner, moved by someone else to someone else.
    assert IncidentReport.objects.filter(pk=confidential.pk).exists()


def test_an_excluded_lead_hands_the_lead_to_the_investigator_who_already_knows(
    make_user, handler, second_handler, organisation, confidential
):
    investigator = make_user("incident_handler", organisation=organisation, email="investigates@example.org")
    confidential.investigator = investigator
    confidential.save()
    exclusion_add(report=confidential, actor=second_handler, email=handler.email, reason="conflict")
    confidential.refresh_from_db()
    assert (confidential.lead_handler, confidential.investigator) == (investigator, investigator)


def test_naming_the_lead_as_who_did_it_does_not_hand_the_case_to_the_handler(
    client, login, handler, second_handler, organisation, confidential
):
    EmploymentFactory(person=PersonFactory(work_email=handler.email), employer=organisation)
    case_perpetrator_record(report=confidential, actor=second_handler, staff_email=handler.email)
    confidential.refresh_from_db()
    assert confidential.lead_handler_id != second_handler.pk
    assert not reporter_identity_visible(user=second_handler, report=confidential)
    # The excluded lead has gone from the case: it is on the list, and still cannot be moved to second_handler.
    login(second_handler)
    assert [r.pk for r in client.get(reverse("incidents:cases_needing_owner")).context["cases"]] == [
        confidential.pk
    ]
    response = client.post(
        reverse("incidents:case_reassign", args=[confidential.pk]),
        {"from_user": handler.pk, "to_user": second_handler.pk},
    )
    assert response.status_code == 400


def test_a_handler_cannot_assign_themselves_in_place_of_an_investigator_still_there(
    client, login, make_user, handler, second_handler, organisation, confidential
):
    investigator = make_user("incident_handler", organisation=organisation, email="investigates@example.org")
    confidential.investigator = investigator
    confidential.save()
    login(second_handler)
    response = client.post(
        reverse("incidents:case_transition", args=[confidential.pk, "assign"]),
        {"investigator": second_handler.pk},
    )
    assert response.status_code == 400
    confidential.refresh_from_db()
    assert confidential.investigator == investigator
    assert not reporter_identity_visible(user=second_handler, report=confidential)
    # Once the investigator has gone, any handler may take it on.
    CaseExclusion.objects.create(report=confidential, user=investigator, reason="conflict")
    response = client.post(
        reverse("incidents:case_transition", args=[confidential.pk, "assign"]),
        {"investigator": second_handler.pk},
    )
    assert response.status_code == 302
