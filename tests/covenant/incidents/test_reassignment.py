"""Cases move to another handler when one leaves: one case or all of a person's open cases, only to a handler
who may have each case (same organisation, not excluded), audited, the new owner told by e-mail through the task
queue after the commit; and the open cases of a deactivated handler wait on a "needs a new owner" list."""

import pytest
from django.core import mail
from django.urls import reverse

from cms.accounts.models import AuditEvent
from covenant.incidents.models import CaseExclusion, IncidentReport
from demo.factories.incidents import IncidentReportFactory
from workforce.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(make_user, organisation):
    return make_user("incident_handler", organisation=organisation, email="leaving@example.org")


@pytest.fixture
def successor(second_handler):
    return second_handler


def _gone(user):
    """A case moves only away from an owner who has gone: here, deactivated."""
    user.is_active = False
    user.save()


def _case(organisation, *, lead=None, investigator=None, status="assigned"):
    return IncidentReportFactory(
        organisation=organisation, lead_handler=lead, investigator=investigator, status=status
    )


def test_a_lead_moves_one_case_and_the_new_handler_is_told_after_the_commit(
    client, login, handler, leaver, successor, organisation, django_capture_on_commit_callbacks
):
    report = _case(organisation, lead=handler, investigator=leaver)
    _gone(leaver)
    login(handler)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("incidents:case_reassign", args=[report.pk]),
            {"from_user": leaver.pk, "to_user": successor.pk},
        )
        assert response.status_code == 302
        assert mail.outbox == []  # not sent in the request: queued once the move is committed
    assert len(callbacks) == 1
    callbacks[0]()
    report.refresh_from_db()
    assert (report.lead_handler, report.investigator) == (handler, successor)
    (message,) = mail.outbox
    assert message.to == [successor.email] and report.reference in message.subject
    assert reverse("incidents:case_detail", args=[report.pk]) in message.body
    assert report.narrative not in message.body
    event = AuditEvent.objects.get(action="incident.case_reassigned")
    assert event.actor == handler and event.object_id == str(report.pk)
    assert event.detail == {
        "from_user": leaver.pk,
        "to_user": successor.pk,
        "roles": ["investigator"],
        "bulk": False,
    }


def test_a_case_is_not_moved_to_someone_excluded_from_it(
    client, login, handler, leaver, successor, organisation
):
    report = _case(organisation, lead=leaver)
    CaseExclusion.objects.create(report=report, user=successor, reason="named_subject")
    _gone(leaver)
    login(handler)
    response = client.post(
        reverse("incidents:case_reassign", args=[report.pk]),
        {"from_user": leaver.pk, "to_user": successor.pk},
    )
    assert response.status_code == 400
    assert "to_user" in response.context["form"].errors
    assert IncidentReport.objects.get().lead_handler == leaver
    assert not AuditEvent.objects.filter(action="incident.case_reassigned").exists() and not mail.outbox


def test_a_case_is_not_moved_to_another_organisations_handler(
    client, login, handler, leaver, other_org_handler, organisation
):
    report = _case(organisation, lead=leaver)
    _gone(leaver)
    login(handler)
    response = client.post(
        reverse("incidents:case_reassign", args=[report.pk]),
        {"from_user": leaver.pk, "to_user": other_org_handler.pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["to_user"]
    assert IncidentReport.objects.get().lead_handler == leaver


def test_a_closed_case_is_not_moved(client, login, handler, leaver, successor, organisation):
    report = _case(organisation, lead=leaver, status="closed")
    _gone(leaver)
    login(handler)
    response = client.post(
        reverse("incidents:case_reassign", args=[report.pk]),
        {"from_user": leaver.pk, "to_user": successor.pk},
    )
    assert response.status_code == 400
    assert "Only an open case can be moved" in response.content.decode()


def test_all_of_a_leavers_open_cases_move_at_once_except_those_the_new_owner_may_not_have(
    client,
    login,
    handler,
    leaver,
    successor,
    organisation,
    other_organisation,
    django_capture_on_commit_callbacks,
):
    leading = _case(organisation, lead=leaver)
    investigating = _case(organisation, lead=handler, investigator=leaver)
    both = _case(organisation, lead=leaver, investigator=leaver, status="under_review")
    conflicted = _case(organisation, lead=leaver)
    CaseExclusion.objects.create(report=conflicted, user=successor, reason="line_management")
    closed = _case(organisation, lead=leaver, status="closed")
    hidden_from_lead = _case(organisation, lead=leaver)
    CaseExclusion.objects.create(report=hidden_from_lead, user=handler, reason="conflict")
    elsewhere = _case(other_organisation, lead=leaver)
    _gone(leaver)
    login(handler)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("incidents:cases_reassign"), {"from_user": leaver.pk, "to_user": successor.pk}
        )
    assert response.status_code == 302 and response["Location"] == reverse("incidents:cases_needing_owner")

    owners = {r.pk: (r.lead_handler_id, r.investigator_id) for r in IncidentReport.objects.all()}
    assert owners[leading.pk] == (successor.pk, None)
    assert owners[investigating.pk] == (handler.pk, successor.pk)
    assert owners[both.pk] == (successor.pk, successor.pk)
    for unchanged in (conflicted, closed, hidden_from_lead, elsewhere):
        assert owners[unchanged.pk][0] == leaver.pk
    moved = AuditEvent.objects.filter(action="incident.case_reassigned")
    assert sorted(int(e.object_id) for e in moved) == sorted([leading.pk, investigating.pk, both.pk])
    assert all(e.detail["bulk"] for e in moved)
    (message,) = mail.outbox
    assert message.to == [successor.email] and "3 violence and abuse cases moved to you" == message.subject
    page = client.get(response["Location"])
    shown = [str(m) for m in page.context["messages"]]
    assert any(conflicted.reference in m and "not moved" in m for m in shown)
    assert hidden_from_lead.reference not in " ".join(shown)


def test_moving_cases_from_someone_with_none_says_so(client, login, handler, leaver, successor, organisation):
    _case(organisation, lead=successor)
    login(handler)
    response = client.post(
        reverse("incidents:cases_reassign"), {"from_user": successor.pk, "to_user": leaver.pk}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("incidents:cases_reassign"), {"from_user": handler.pk, "to_user": handler.pk}
    )
    assert response.status_code == 400


def test_a_deactivated_or_departed_handlers_open_cases_need_a_new_owner(
    client, login, handler, leaver, successor, organisation, other_org_handler
):
    waiting = _case(organisation, lead=leaver)
    investigated = _case(organisation, lead=handler, investigator=leaver)
    _case(organisation, lead=leaver, status="closed")
    fine = _case(organisation, lead=successor)
    login(handler)
    assert client.get(reverse("incidents:cases_needing_owner")).context["cases"] == []

    leaver.is_active = False
    leaver.save()
    response = client.get(reverse("incidents:cases_needing_owner"))
    assert [r.pk for r in response.context["cases"]] == [waiting.pk, investigated.pk]
    assert response.context["gone"] == [leaver]
    page = response.content.decode()
    assert "(deactivated)" in page and fine.reference not in page
    assert f"?from={leaver.pk}" in page
    event = AuditEvent.objects.filter(action="incident.needs_new_owner_viewed").latest("pk")
    assert event.detail == {"cases": [waiting.pk, investigated.pk]}

    # Another organisation's lead sees none of them.
    login(other_org_handler)
    assert client.get(reverse("incidents:cases_needing_owner")).context["cases"] == []

    # Still active but no longer a handler at the organisation: the same.
    leaver.is_active = True
    leaver.save()
    Membership.objects.filter(user=leaver).delete()
    login(handler)
    response = client.get(reverse("incidents:cases_needing_owner"))
    assert [r.pk for r in response.context["cases"]] == [waiting.pk, investigated.pk]
    assert "(no longer a handler here, or excluded)" in response.content.decode()

    client.post(reverse("incidents:cases_reassign"), {"from_user": leaver.pk, "to_user": successor.pk})
    assert client.get(reverse("incidents:cases_needing_owner")).context["cases"] == []
