import re

import pytest
from django.urls import reverse

from cms.accounts.models import AuditEvent
from cms.audit import anonymous_audit_release
from covenant.incidents.models import CaseExclusion, IncidentReport, Message, RiddorAssessment

from .conftest import report_post_data

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4})\b")


def test_start_page_is_open_to_everyone(client):
    response = client.get(reverse("incidents:report_start"))
    assert response.status_code == 200
    assert reverse("incidents:report_form", args=["anonymous"]) in response.content.decode()
    assert reverse("incidents:report_form", args=["named"]) not in response.content.decode()


def test_start_page_offers_named_and_confidential_to_staff(client, login, reporter):
    login(reporter)
    body = client.get(reverse("incidents:report_start")).content.decode()
    assert reverse("incidents:report_form", args=["named"]) in body
    assert reverse("incidents:report_form", args=["confidential"]) in body


def test_unknown_mode_is_404(client):
    assert client.get(reverse("incidents:report_form", args=["loud"])).status_code == 404


def test_named_report_needs_sign_in(client):
    response = client.get(reverse("incidents:report_form", args=["named"]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_signed_in_user_without_organisation_cannot_report_named(client, login, make_user):
    login(make_user(email="nobody@example.org"))
    assert client.get(reverse("incidents:report_form", args=["confidential"])).status_code == 403


def test_anonymous_visitor_reports_and_sees_code_once(client, organisation):
    response = client.post(
        reverse("incidents:report_form", args=["anonymous"]), report_post_data(organisation)
    )
    assert response.status_code == 302
    report = IncidentReport.objects.get()
    assert report.mode == "anonymous"
    assert report.reporter is None
    assert report.category == "discriminatory" and report.protected_characteristic == "race"
    assert report.sub_types == ["discriminatory_remark", "shouting_swearing"]
    assert report.may_tell_line_manager is False

    done = client.get(response["Location"]).content.decode()
    code = CODE_RE.search(done).group(1)
    digits = code.replace(" ", "")
    assert len(digits) == 16
    # Stored only as a slow hash and a keyed index, never as the code.
    assert digits not in report.receipt_hash and digits not in report.receipt_index
    # Argon2id with OWASP's minimum cost, whatever hasher the accounts use.
    assert report.receipt_hash.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    # Shown once: a refresh does not show it again.
    again = client.get(response["Location"]).content.decode()
    assert not CODE_RE.search(again)
    assert "already been shown" in again


def test_signed_in_anonymous_report_keeps_no_link_to_the_account(
    client, login, reporter, organisation, an_hour_later
):
    login(reporter)
    client.post(reverse("incidents:report_form", args=["anonymous"]), report_post_data(organisation))
    report = IncidentReport.objects.get()
    assert report.reporter is None
    an_hour_later()
    anonymous_audit_release()
    event = AuditEvent.objects.get(action="incident.submitted")
    assert event.actor is None and event.ip_address is None


def test_named_report(client, login, reporter, organisation):
    login(reporter)
    response = client.post(reverse("incidents:report_form", args=["named"]), report_post_data(organisation))
    report = IncidentReport.objects.get()
    assert report.reporter == reporter and report.mode == "named"
    assert report.receipt_hash == ""
    assert report.transitions.get().to_status == "submitted"
    done = client.get(response["Location"]).content.decode()
    assert report.reference in done and not CODE_RE.search(done)


def test_named_report_for_an_organisation_the_reporter_is_not_in_is_refused(
    client, login, reporter, other_organisation
):
    login(reporter)
    response = client.post(
        reverse("incidents:report_form", args=["named"]), report_post_data(other_organisation)
    )
    assert response.status_code == 200
    assert "Select an organisation from the list" in response.content.decode()
    assert not IncidentReport.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"narrative": ""}, "narrative", "Describe what happened"),
        ({"category": "nonsense"}, "category", "Select a valid choice"),
        ({"occurred_on_day": "31", "occurred_on_month": "2"}, "occurred_on", "Enter a real date"),
        ({"occurred_on_year": "2199"}, "occurred_on", "today or in the past"),
        ({"occurred_time": "25:99"}, "occurred_time", "Enter a time like 14:30"),
        ({"days_off": "lots"}, "days_off", "Enter days off as a number"),
        ({"days_off": "-3"}, "days_off", "0 or more"),
        (
            {"protected_characteristic": ""},
            "protected_characteristic",
            "what the discriminatory abuse targeted",
        ),
        ({"organisation": "999999"}, "organisation", "Select an organisation from the list"),
        ({"wants_support": ""}, "wants_support", "Select yes or no"),
        (
            {"subject_email": "not-an-email", "source": "colleague"},
            "subject_email",
            "Enter an e-mail address",
        ),
        ({"narrative": "x" * 5001}, "narrative", "5,000 characters or fewer"),
    ],
)
def test_bad_input_gives_an_error_beside_the_field_and_keeps_the_draft(
    client, organisation, overrides, field, message
):
    url = reverse("incidents:report_form", args=["anonymous"])
    data = report_post_data(organisation, **overrides)
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'id="id_{field}-error"' in body or f"id_{field}" in body
    assert not IncidentReport.objects.exists()
    # What was typed is still there, and survives leaving and coming back.
    assert "triage desk" in body or overrides.get("narrative") is not None
    back = client.get(url).content.decode()
    assert "We kept what you entered earlier" in back
    if "narrative" not in overrides:
        assert "racist remarks to me at the triage desk" in back


def test_draft_can_be_discarded(client, organisation):
    url = reverse("incidents:report_form", args=["anonymous"])
    client.post(url, report_post_data(organisation, narrative=""))
    client.post(reverse("incidents:report_draft_discard", args=["anonymous"]))
    assert "We kept what you entered" not in client.get(url).content.decode()


def test_successful_submit_clears_the_draft(client, organisation):
    url = reverse("incidents:report_form", args=["anonymous"])
    client.post(url, report_post_data(organisation, narrative=""))
    client.post(url, report_post_data(organisation))
    assert "We kept what you entered" not in client.get(url).content.decode()


def test_colleague_source_excludes_the_named_people(client, login, reporter, organisation, make_user):
    subject = make_user("incident_handler", organisation=organisation, email="subject@example.org")
    manager = make_user("incident_handler", organisation=organisation, email="boss@example.org")
    login(reporter)
    client.post(
        reverse("incidents:report_form", args=["confidential"]),
        report_post_data(
            organisation,
            category="bullying",
            protected_characteristic="",
            source="manager",
            subject_email="Subject@example.org",
            subject_manager_email="boss@example.org",
        ),
    )
    report = IncidentReport.objects.get()
    assert set(report.exclusions.values_list("user", flat=True)) == {subject.pk, manager.pk}
    assert report.exclusions.get(user=subject).reason == CaseExclusion.Reason.NAMED_SUBJECT


def test_subject_emails_ignored_when_source_is_not_a_colleague(client, organisation, make_user):
    make_user("incident_handler", organisation=organisation, email="handler2@example.org")
    client.post(
        reverse("incidents:report_form", args=["anonymous"]),
        report_post_data(organisation, subject_email="handler2@example.org"),
    )
    assert not CaseExclusion.objects.exists()


def test_over_three_days_off_with_injury_opens_a_riddor_candidate(client, organisation):
    client.post(
        reverse("incidents:report_form", args=["anonymous"]),
        report_post_data(
            organisation,
            category="physical_assault",
            protected_characteristic="",
            injury="moderate",
            days_off="9",
        ),
    )
    assert IncidentReport.objects.get().riddor.state == RiddorAssessment.State.CANDIDATE


def test_new_report_emails_the_organisations_handlers(
    client, organisation, handler, other_org_handler, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("incidents:report_form", args=["anonymous"]), report_post_data(organisation))
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [handler.email]
    assert "racist" not in mailoutbox[0].body  # no narrative in e-mail


# --- follow-up with the code -----------------------------------------------------------------------------------
def _anonymous_report_with_code(client, organisation):
    response = client.post(
        reverse("incidents:report_form", args=["anonymous"]), report_post_data(organisation)
    )
    code = CODE_RE.search(client.get(response["Location"]).content.decode()).group(1)
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

    client.post(reverse("incidents:report_form", args=["anonymous"]), report_post_data(organisation))
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
        client.post(reverse("incidents:report_form", args=["anonymous"]), report_post_data(organisation))
    report = IncidentReport.objects.get()
    [message] = mailoutbox
    assert f"http://127.0.0.1:8123{reverse('incidents:case_detail', args=[report.pk])}" in message.body
