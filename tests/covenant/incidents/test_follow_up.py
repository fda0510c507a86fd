"""After the report: following it up with the code, a named reporter's own reports, codes hashed at earlier costs."""

import re

import pytest
from django.urls import reverse

from cms.accounts.models import AuditEvent
from cms.audit import anonymous_audit_release
from covenant.incidents.models import IncidentReport, Message

from .conftest import code_of, report_pages

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4})\b")


# --- follow-up with the code -----------------------------------------------------------------------------------
def _anonymous_report_with_code(client, organisation):
    code = code_of(report_pages(client, organisation))
    return IncidentReport.objects.get(), code


def test_follow_up_with_right_code_shows_status_and_reporter_messages_only(
    client, organisation, handler, an_hour_later
):
    report, code = _anonymous_report_with_code(client, organisation)
    Message.objects.create(
        report=report, audience="reporter", author=handler, body="Which shift were you on?"
    )
    Message.objects.create(report=report, audience="internal", author=handler, body="INTERNAL suspect known")
    report.closure_rationale = "INTERNAL rationale"
    report.save()
    response = client.post(reverse("incidents:follow_up"), {"code": code})
    assert response.status_code == 302
    body = client.get(reverse("incidents:follow_up_case")).content.decode()
    assert "Which shift were you on?" in body
    assert "INTERNAL" not in body
    assert report.reporter_status_label in body
    an_hour_later()
    anonymous_audit_release()
    assert AuditEvent.objects.filter(action="incident.viewed_by_code", ip_address__isnull=True).exists()


def test_follow_up_reply_moves_a_waiting_case_on(client, organisation, handler):
    report, code = _anonymous_report_with_code(client, organisation)
    report.status = "awaiting_info"
    report.save()
    client.post(reverse("incidents:follow_up"), {"code": code.replace(" ", "")})
    response = client.post(reverse("incidents:follow_up_case"), {"body": "The night shift."})
    assert response.status_code == 302
    message = report.messages.get()
    assert message.from_reporter and message.audience == "reporter" and message.author is None
    report.refresh_from_db()
    assert report.status == "under_review"


def test_follow_up_empty_reply_is_a_field_error(client, organisation):
    _, code = _anonymous_report_with_code(client, organisation)
    client.post(reverse("incidents:follow_up"), {"code": code})
    response = client.post(reverse("incidents:follow_up_case"), {"body": "  "})
    assert response.status_code == 200
    assert "Enter your reply" in response.content.decode()
    assert not Message.objects.exists()


@pytest.mark.parametrize("code", ["", "1234", "abcd efgh ijkl mnop", "0000 0000 0000 0000", "1" * 40])
def test_follow_up_with_wrong_code_reveals_nothing(client, organisation, code):
    _anonymous_report_with_code(client, organisation)
    response = client.post(reverse("incidents:follow_up"), {"code": code})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert client.get(reverse("incidents:follow_up_case")).status_code == 302


def test_follow_up_case_without_code_goes_to_the_code_page(client):
    response = client.get(reverse("incidents:follow_up_case"))
    assert response.status_code == 302 and response["Location"] == reverse("incidents:follow_up")


def test_follow_up_is_rate_limited(client, organisation, settings):
    _, code = _anonymous_report_with_code(client, organisation)
    for _ in range(settings.INCIDENT_FOLLOW_UP_ADDRESS_FAILURES):
        client.post(reverse("incidents:follow_up"), {"code": "1111 2222 3333 4444"})
    response = client.post(reverse("incidents:follow_up"), {"code": code})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_leaving_follow_up_forgets_the_case(client, organisation):
    _, code = _anonymous_report_with_code(client, organisation)
    client.post(reverse("incidents:follow_up"), {"code": code})
    client.post(reverse("incidents:follow_up_leave"))
    assert client.get(reverse("incidents:follow_up_case")).status_code == 302


# --- a named reporter's own reports ----------------------------------------------------------------------------
def test_reporter_sees_own_reports_only(client, login, reporter, other_reporter, named_report, organisation):
    from demo.factories.incidents import IncidentReportFactory

    others = IncidentReportFactory(reporter=other_reporter, organisation=organisation)
    login(reporter)
    body = client.get(reverse("incidents:my_reports")).content.decode()
    assert named_report.reference in body and others.reference not in body
    assert client.get(reverse("incidents:my_report", args=[named_report.pk])).status_code == 200
    assert client.get(reverse("incidents:my_report", args=[others.pk])).status_code == 404


def test_reporter_sees_outcome_but_not_internal_rationale(client, login, reporter, named_report, handler):
    named_report.status = "closed"
    named_report.closed_at = named_report.reported_at
    named_report.outcome_for_reporter = "A written warning was issued."
    named_report.closure_rationale = "INTERNAL: prior incidents on record"
    named_report.save()
    Message.objects.create(report=named_report, audience="internal", author=handler, body="INTERNAL note")
    login(reporter)
    body = client.get(reverse("incidents:my_report", args=[named_report.pk])).content.decode()
    assert "A written warning was issued." in body
    assert "INTERNAL" not in body


def test_reporter_can_reply(client, login, reporter, named_report):
    login(reporter)
    response = client.post(reverse("incidents:my_report", args=[named_report.pk]), {"body": "An update."})
    assert response.status_code == 302
    assert named_report.messages.get().author == reporter


def test_my_reports_needs_sign_in(client, named_report):
    assert client.get(reverse("incidents:my_reports")).status_code == 302
    assert client.get(reverse("incidents:my_report", args=[named_report.pk])).status_code == 302


def test_a_follow_up_code_hashed_before_argon2_still_opens_its_report(client, organisation):
    """Reports made while codes were hashed with the account hasher (PBKDF2 in production) keep working."""
    from django.contrib.auth.hashers import make_password

    from covenant.incidents import selectors

    report_pages(client)
    report = IncidentReport.objects.get()
    code = "4026 1139 5820 7714"
    report.receipt_hash = make_password("4026113958207714")
    report.receipt_index = selectors.receipt_index(code)
    report.save(update_fields=["receipt_hash", "receipt_index"])
    assert selectors.report_for_receipt(code=code) == report
    assert selectors.report_for_receipt(code="4026 1139 5820 7715") is None


def test_the_handlers_email_links_to_the_served_address(
    client, organisation, handler, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://127.0.0.1:8123"
    with django_capture_on_commit_callbacks(execute=True):
        report_pages(client)
    report = IncidentReport.objects.get()
    [message] = mailoutbox
    assert f"http://127.0.0.1:8123{reverse('incidents:case_detail', args=[report.pk])}" in message.body


@pytest.mark.parametrize(("time_cost", "memory_cost"), [(2, 19456), (1, 4096)])
def test_a_follow_up_code_hashed_at_the_earlier_cost_still_opens_its_report(
    client, organisation, time_cost, memory_cost
):
    """Codes hashed at Argon2id 19 MiB / 2 passes, then 4 MiB / 1 pass, before the cost came down for issue 15,
    keep working."""
    import argon2

    from covenant.incidents import selectors

    report_pages(client, organisation)
    report = IncidentReport.objects.get()
    code = "4026113958207714"
    earlier = argon2.PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1).hash(code)
    report.receipt_hash = "argon2" + earlier
    report.receipt_index = selectors.receipt_index(code)
    report.save(update_fields=["receipt_hash", "receipt_index"])
    assert selectors.report_for_receipt(code=code) == report
    assert selectors.report_for_receipt(code="4026113958207715") is None
