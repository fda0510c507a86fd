"""Finding 8 (issue 12): refused requests for protected incident records are audited, rate-limited, and an
auditor sees who was refused most."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from cms.accounts import roles
from cms.accounts.models import AuditEvent
from cms.audit import REFUSED
from covenant.incidents.models import SupportOffer
from demo.factories.incidents import IncidentReportFactory

pytestmark = pytest.mark.django_db

AUDIT_URL = reverse("audit_log")
CASE = "incidents.incidentreport"


def _refusals(user):
    return AuditEvent.objects.filter(action=REFUSED, actor=user)


def _refused_summary(html: str) -> str:
    """The 'Refused access' table at the top of the audit screen."""
    section = html.split('id="refused-access"', 1)[1]
    return section.split("</table>", 1)[0] if "</table>" in section else section.split("</p>", 1)[0]


def test_a_handler_probing_another_organisations_cases_is_audited_and_shown_to_auditors(
    client, login, organisation, other_org_handler, auditor
):
    cases = IncidentReportFactory.create_batch(12, organisation=organisation)
    login(other_org_handler)
    for index in range(120):
        case = cases[index % len(cases)]
        assert client.get(reverse("incidents:case_detail", args=[case.pk])).status_code == 404
    for case in cases[:5]:
        response = client.post(reverse("incidents:case_transition", args=[case.pk, "acknowledge"]), {})
        assert response.status_code == 404
    assert {case.status for case in cases} == {"submitted"}
    assert not AuditEvent.objects.filter(action="incident.transition").exists()

    # The first refusal is in the trail at once, with the record, the method and the address.
    first = _refusals(other_org_handler).earliest("pk")
    assert (first.object_type, first.object_id) == (CASE, str(cases[0].pk))
    assert first.detail["method"] == "GET" and first.detail["reason"] == "not_visible"
    assert first.ip_address == "127.0.0.1"
    assert _refusals(other_org_handler).count() < 125

    login(auditor)
    page = client.get(AUDIT_URL).content.decode()
    rows = list(_refusals(other_org_handler))
    assert len(rows) < 125, "rate-limited: not one row per request"
    assert sum(row.detail["count"] for row in rows) == 125
    methods = Counter()
    for row in rows:
        methods.update(row.detail["methods"])
    assert methods == {"GET": 120, "POST": 5}

    summary = _refused_summary(page)
    assert re.search(rf"{re.escape(other_org_handler.email)}</a></td>\s*<td[^>]*>125</td>", summary), summary
    # Looking again writes nothing more and shows the same count.
    again = _refused_summary(client.get(AUDIT_URL).content.decode())
    assert _refusals(other_org_handler).count() == len(rows)
    assert re.search(r">125</td>", again)


def test_the_refused_access_summary_follows_the_filters(
    client, login, organisation, other_org_handler, auditor
):
    case = IncidentReportFactory(organisation=organisation)
    login(other_org_handler)
    client.get(reverse("incidents:case_detail", args=[case.pk]))
    login(auditor)
    assert other_org_handler.email in _refused_summary(client.get(AUDIT_URL).content.decode())
    filtered = client.get(AUDIT_URL, {"actor": "nobody@example.org"}).content.decode()
    assert "No refused requests among these entries" in _refused_summary(filtered)


@pytest.mark.parametrize("role", [role.key for role in roles.ROLES if role.key != "auditor"])
def test_only_auditors_see_the_refusals(client, login, make_user, organisation, other_org_handler, role):
    case = IncidentReportFactory(organisation=organisation)
    login(other_org_handler)
    client.get(reverse("incidents:case_detail", args=[case.pk]))
    login(make_user(role, organisation=organisation))
    assert client.get(AUDIT_URL).status_code == 403
    assert client.get(AUDIT_URL, {"_export": "csv"}).status_code == 403


def test_the_prober_cannot_read_the_audit_screen(client, login, organisation, other_org_handler):
    case = IncidentReportFactory(organisation=organisation)
    login(other_org_handler)
    client.get(reverse("incidents:case_detail", args=[case.pk]))
    assert client.get(AUDIT_URL).status_code == 403


def test_signed_out_requests_are_sent_to_sign_in_and_leave_no_refusal(client, organisation):
    case = IncidentReportFactory(organisation=organisation)
    response = client.get(reverse("incidents:case_detail", args=[case.pk]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=REFUSED).exists()


def test_the_anonymous_follow_up_flow_records_no_refusal_and_no_address(client):
    """Without a code the follow-up page sends the visitor back; nothing ties the attempt to an address."""
    response = client.get(reverse("incidents:follow_up_case"))
    assert response.status_code == 302
    client.post(reverse("incidents:follow_up"), {"code": "1234 5678 9012 3456"})
    assert not AuditEvent.objects.filter(action=REFUSED).exists()
    assert not AuditEvent.objects.filter(ip_address__isnull=False, actor__isnull=True).exists()


def test_roles_without_the_case_permission_are_refused_and_audited(client, login, hr_admin, named_report):
    login(hr_admin)
    assert client.get(reverse("incidents:case_detail", args=[named_report.pk])).status_code == 403
    row = _refusals(hr_admin).get()
    assert row.detail["reason"] == "not_a_handler" and row.object_id == str(named_report.pk)


def test_a_record_of_another_case_is_refused_and_audited(
    client, login, handler, organisation, other_organisation, other_org_handler
):
    """Asking for another organisation's support offer under one's own case is a probe too."""
    own = IncidentReportFactory(organisation=organisation)
    theirs = IncidentReportFactory(organisation=other_organisation)
    offer = SupportOffer.objects.create(
        report=theirs, staff_member="Reporter", route="eap", offered_by=other_org_handler
    )
    login(handler)
    url = reverse("incidents:support_update", args=[own.pk, offer.pk])
    assert client.post(url, {"move": "accept"}).status_code == 404
    offer.refresh_from_db()
    assert offer.state == "offered"
    row = _refusals(handler).get()
    assert (row.object_type, row.object_id) == ("incidents.supportoffer", str(offer.pk))
    assert row.detail["method"] == "POST" and row.detail["reason"] == "not_on_this_case"


def test_a_transition_not_open_to_the_user_is_refused_and_audited(client, login, handler, organisation):
    case = IncidentReportFactory(organisation=organisation, status="awaiting_sign_off", investigator=handler)
    login(handler)
    assert client.get(reverse("incidents:case_transition", args=[case.pk, "close"])).status_code == 403
    row = _refusals(handler).get()
    assert row.detail["reason"] == "close_not_permitted" and row.object_id == str(case.pk)


def test_another_reporters_report_is_refused_and_audited(client, login, other_reporter, named_report):
    login(other_reporter)
    assert client.get(reverse("incidents:my_report", args=[named_report.pk])).status_code == 404
    row = _refusals(other_reporter).get()
    assert (row.object_type, row.detail["reason"]) == (CASE, "not_their_report")


def test_a_disclosure_request_of_another_organisation_is_refused_and_audited(
    client, login, make_user, other_organisation, handler, named_report
):
    from covenant.incidents.models import IdentityDisclosureRequest

    named_report.mode = "confidential"
    named_report.save()
    disclosure = IdentityDisclosureRequest.objects.create(
        report=named_report, requested_by=handler, reason="Risk"
    )
    custodian = make_user("identity_custodian", organisation=other_organisation)
    login(custodian)
    url = reverse("incidents:disclosure_decide", args=[disclosure.pk])
    assert client.post(url, {"decision": "authorise", "note": "ok"}).status_code == 404
    disclosure.refresh_from_db()
    assert disclosure.state == "requested"
    row = _refusals(custodian).get()
    assert row.object_type == "incidents.identitydisclosurerequest" and row.detail["method"] == "POST"
