import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cms.accounts.models import AuditEvent
from covenant.incidents import services
from covenant.incidents.models import IncidentReport, Message
from demo.factories.incidents import IncidentReportFactory

pytestmark = pytest.mark.django_db


def _archived(years_ago: int, **fields):
    closed = timezone.now() - datetime.timedelta(days=365 * years_ago + 5)
    return IncidentReportFactory(status="archived", closed_at=closed, reported_at=closed, **fields)


def test_purge_destroys_expired_archived_cases_and_audits_each(handler):
    old = _archived(11)
    Message.objects.create(report=old, audience="internal", author=handler, body="x")
    recent = _archived(2)
    held = _archived(11, legal_hold=True)
    open_case = IncidentReportFactory(reported_at=timezone.now() - datetime.timedelta(days=365 * 12))
    assert services.incidents_purge_expired() == 1
    assert set(IncidentReport.objects.values_list("pk", flat=True)) == {recent.pk, held.pk, open_case.pk}
    assert not Message.objects.exists()
    event = AuditEvent.objects.get(action="incident.destroyed")
    assert event.object_id == str(old.pk) and event.detail["retention_class"] == "case"


def test_not_pursued_reports_have_a_shorter_retention():
    report = IncidentReportFactory(
        status="archived", reported_at=timezone.now() - datetime.timedelta(days=365 * 4)
    )
    assert report.retention_class == "not_pursued"
    call_command("incidents_purge", stdout=None)
    assert not IncidentReport.objects.filter(pk=report.pk).exists()


def test_merge_target_is_kept_until_its_duplicates_go():
    master = _archived(11)
    _archived(2, merged_into=master)
    assert services.incidents_purge_expired() == 0
    assert IncidentReport.objects.filter(pk=master.pk).exists()


def test_legal_hold_view(client, login, handler, named_report):
    login(handler)
    url = reverse("incidents:case_legal_hold", args=[named_report.pk])
    response = client.post(url, {"on": "yes"})
    assert response.status_code == 400 and "Enter the reason" in response.content.decode()
    client.post(url, {"on": "yes", "reason": "Employment tribunal claim"})
    named_report.refresh_from_db()
    assert named_report.legal_hold
    assert AuditEvent.objects.filter(action="incident.legal_hold_set", actor=handler).exists()


@pytest.mark.parametrize("role", ["reporter", "other_org_handler", "analyst", "auditor", "custodian"])
def test_legal_hold_view_refused_to_others(client, login, request, role, named_report):
    login(request.getfixturevalue(role))
    response = client.post(
        reverse("incidents:case_legal_hold", args=[named_report.pk]), {"on": "yes", "reason": "x"}
    )
    assert response.status_code in (403, 404)
    named_report.refresh_from_db()
    assert not named_report.legal_hold
