import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cms.accounts.models import AuditEvent
from covenant.incidents import services
from covenant.incidents.models import IncidentReport, Sanction, Status, SupportOffer
from demo.factories.incidents import IncidentReportFactory

pytestmark = pytest.mark.django_db


def _do(client, report, action, **data):
    return client.post(reverse("incidents:case_transition", args=[report.pk, action]), data)


def test_whole_case_journey(
    client, login, handler, second_handler, named_report, mailoutbox, django_capture_on_commit_callbacks
):
    report = named_report
    login(handler)
    assert _do(client, report, "acknowledge").status_code == 302
    report.refresh_from_db()
    assert report.status == Status.TRIAGE and report.acknowledged_at and report.lead_handler == handler

    assert _do(client, report, "assign", investigator=handler.pk).status_code == 302
    assert _do(client, report, "start_review").status_code == 302
    assert (
        _do(client, report, "request_info", message_for_reporter="Which bay were you in?").status_code == 302
    )
    report.refresh_from_db()
    assert report.status == Status.AWAITING_INFO
    assert report.messages.get().audience == "reporter"

    services.message_post_by_reporter(report=report, body="Bay 3", author=report.reporter)
    report.refresh_from_db()
    assert report.status == Status.UNDER_REVIEW

    assert _do(client, report, "actions_pending").status_code == 302
    response = _do(client, report, "request_sign_off", outcome_for_reporter="", closure_rationale="")
    assert response.status_code == 400
    assert "Enter the outcome the reporter will see" in response.content.decode()
    assert (
        _do(
            client,
            report,
            "request_sign_off",
            outcome_for_reporter="The patient was given a written warning.",
            closure_rationale="Second incident this month; capacity confirmed.",
        ).status_code
        == 302
    )
    # The investigator cannot sign off their own case.
    assert _do(client, report, "close").status_code == 403
    report.refresh_from_db()
    assert report.status == Status.AWAITING_SIGN_OFF

    login(second_handler)
    with django_capture_on_commit_callbacks(execute=True):
        assert _do(client, report, "close").status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.signed_off_by == second_handler and report.closed_at
    assert [t.to_status for t in report.transitions.all()] == [
        "triage",
        "assigned",
        "under_review",
        "awaiting_info",
        "under_review",
        "action_pending",
        "awaiting_sign_off",
        "closed",
    ]
    assert all(t.at for t in report.transitions.all())
    assert mailoutbox[-1].to == [report.reporter.email]
    assert "Second incident" not in mailoutbox[-1].body

    assert _do(client, report, "reopen", note="").status_code == 400
    assert _do(client, report, "reopen", note="Appeal from the reporter").status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REOPENED and report.closed_at is None


def test_transition_not_available_from_this_state_is_refused(client, login, handler, named_report):
    login(handler)
    assert _do(client, named_report, "close").status_code == 403
    assert _do(client, named_report, "fly").status_code == 404


def test_not_an_incident_needs_a_reason_for_the_reporter(client, login, handler, named_report, reporter):
    login(handler)
    _do(client, named_report, "acknowledge")
    response = _do(client, named_report, "not_an_incident", reason_for_reporter="  ")
    assert response.status_code == 400
    assert "Enter the reason the reporter will see" in response.content.decode()
    _do(
        client,
        named_report,
        "not_an_incident",
        reason_for_reporter="This is a grievance; HR will contact you.",
    )
    login(reporter)
    body = client.get(reverse("incidents:my_report", args=[named_report.pk])).content.decode()
    assert "This is a grievance; HR will contact you." in body


def test_merge_needs_a_case_at_the_same_organisation(
    client, login, handler, named_report, other_organisation
):
    login(handler)
    _do(client, named_report, "acknowledge")
    elsewhere = IncidentReportFactory(organisation=other_organisation)
    for value in ("", "nonsense", elsewhere.reference, named_report.reference):
        response = _do(client, named_report, "merge", merge_into=value)
        assert response.status_code == 400, value
    master = IncidentReportFactory(organisation=named_report.organisation)
    assert _do(client, named_report, "merge", merge_into=master.reference).status_code == 302
    named_report.refresh_from_db()
    assert named_report.status == Status.MERGED and named_report.merged_into == master


def test_excluded_or_outside_handler_cannot_be_assigned(
    client, login, handler, named_report, make_user, other_org_handler
):
    excluded = make_user("incident_handler", organisation=named_report.organisation, email="ex@example.org")
    named_report.exclusions.create(user=excluded, reason="named_subject")
    login(handler)
    _do(client, named_report, "acknowledge")
    for candidate in (excluded, other_org_handler):
        response = _do(client, named_report, "assign", investigator=candidate.pk)
        assert response.status_code == 400
    named_report.refresh_from_db()
    assert named_report.investigator is None and named_report.status == Status.TRIAGE


def test_every_case_read_is_audited(client, login, handler, named_report):
    login(handler)
    client.get(reverse("incidents:case_detail", args=[named_report.pk]))
    event = AuditEvent.objects.get(action="incident.viewed")
    assert event.actor == handler and event.object_id == str(named_report.pk)
    assert event.ip_address == "127.0.0.1"
    client.get(reverse("incidents:case_list") + "?_export=csv")
    assert AuditEvent.objects.filter(action="incident.case_list_exported").exists()


def test_every_change_is_audited(client, login, handler, named_report):
    login(handler)
    _do(client, named_report, "acknowledge")
    client.post(
        reverse("incidents:case_message", args=[named_report.pk]), {"audience": "internal", "body": "Note"}
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"incident.acknowledge", "incident.message"} <= actions


def test_handler_message_needs_an_audience(client, login, handler, named_report):
    login(handler)
    response = client.post(reverse("incidents:case_message", args=[named_report.pk]), {"body": "Hello"})
    assert response.status_code == 400
    assert "Select who can read the message" in response.content.decode()
    assert not named_report.messages.exists()


def test_case_list_query_count_does_not_grow(
    client, login, handler, organisation, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(30):
        IncidentReportFactory(organisation=organisation, investigator=handler)
    login(handler)
    with django_assert_max_num_queries(26):
        response = client.get(reverse("incidents:case_list"))
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("incidents:case_list") + "?page=2")
    for _ in range(30):
        IncidentReportFactory(organisation=organisation, investigator=second_investigator(organisation))
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("incidents:case_list") + "?page=2")
    assert len(second.captured_queries) == len(first.captured_queries)


def second_investigator(organisation):
    from demo.factories.cms import UserFactory

    return UserFactory()


def test_case_list_filters(client, login, handler, organisation):
    physical = IncidentReportFactory(organisation=organisation, category="physical_assault")
    verbal = IncidentReportFactory(organisation=organisation, category="verbal_abuse")
    login(handler)
    body = client.get(reverse("incidents:case_list") + "?category=physical_assault").content.decode()
    assert physical.reference in body and verbal.reference not in body
    assert client.get(reverse("incidents:case_list") + "?category=zzz").status_code == 200
    assert client.get(reverse("incidents:case_list") + "?_export=pdf").status_code == 400


def test_export_neutralises_formulas_and_leaves_out_narratives(client, login, handler, organisation):
    IncidentReportFactory(organisation=organisation, site="=1+1", narrative="SECRET narrative")
    login(handler)
    response = client.get(reverse("incidents:case_list") + "?_export=csv")
    content = b"".join(response.streaming_content).decode()
    assert "SECRET" not in content


# --- identity ---------------------------------------------------------------------------------------------------
def test_confidential_identity_only_for_assigned_handlers_and_after_custodian_approval(
    client, login, handler, second_handler, custodian, reporter, organisation
):
    report = IncidentReportFactory(organisation=organisation, reporter=reporter, mode="confidential")
    login(second_handler)
    body = client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
    assert reporter.email not in body and "Confidential" in body

    login(handler)
    _do(client, report, "acknowledge")
    assert reporter.email in client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()

    login(second_handler)
    response = client.post(reverse("incidents:case_identity_request", args=[report.pk]), {"reason": ""})
    assert response.status_code == 400
    client.post(reverse("incidents:case_identity_request", args=[report.pk]), {"reason": "Safeguarding risk"})
    disclosure = report.disclosure_requests.get()
    assert (
        reporter.email not in client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
    )

    login(custodian)
    response = client.post(
        reverse("incidents:disclosure_decide", args=[disclosure.pk]), {"decision": "authorise"}
    )
    assert response.status_code == 400 and "Enter the reason for your decision" in response.content.decode()
    client.post(
        reverse("incidents:disclosure_decide", args=[disclosure.pk]),
        {"decision": "authorise", "note": "Lawful basis: safeguarding"},
    )
    assert AuditEvent.objects.filter(action="incident.identity_authorised", actor=custodian).exists()

    login(second_handler)
    assert reporter.email in client.get(reverse("incidents:case_detail", args=[report.pk])).content.decode()
    event = AuditEvent.objects.filter(action="incident.viewed", actor=second_handler).latest("at")
    assert event.detail["identity_shown"] is True


def test_identity_cannot_be_requested_for_named_or_anonymous_reports(handler, named_report, submit):
    with pytest.raises(ValidationError):
        services.disclosure_request_create(report=named_report, actor=handler, reason="x")
    anonymous, _ = submit()
    with pytest.raises(ValidationError):
        services.disclosure_request_create(report=anonymous, actor=handler, reason="x")


def test_investigator_alone_cannot_reveal_identity(handler, organisation, reporter):
    report = IncidentReportFactory(organisation=organisation, reporter=reporter, mode="confidential")
    disclosure = services.disclosure_request_create(report=report, actor=handler, reason="Need to know")
    with pytest.raises(PermissionDenied):
        services.disclosure_decide(disclosure=disclosure, actor=handler, authorise=True, note="Me")


def test_exclusion_hides_the_case_from_a_handler(client, login, handler, second_handler, named_report):
    login(handler)
    response = client.post(
        reverse("incidents:case_exclusion_add", args=[named_report.pk]),
        {"email": second_handler.email, "reason": "conflict"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("incidents:case_exclusion_add", args=[named_report.pk]),
        {"email": "nobody@nowhere.example", "reason": "conflict"},
    )
    assert response.status_code == 400 and "No account has that e-mail address" in response.content.decode()
    login(second_handler)
    assert client.get(reverse("incidents:case_detail", args=[named_report.pk])).status_code == 404


# --- child records ----------------------------------------------------------------------------------------------
def test_support_offer_lifecycle_with_check_ins(client, login, handler, named_report):
    login(handler)
    response = client.post(
        reverse("incidents:support_add", args=[named_report.pk]), {"staff_member": "", "route": "x"}
    )
    assert response.status_code == 400
    assert not SupportOffer.objects.exists()
    client.post(
        reverse("incidents:support_add", args=[named_report.pk]), {"staff_member": "Reporter", "route": "eap"}
    )
    offer = SupportOffer.objects.get()
    client.post(reverse("incidents:support_update", args=[named_report.pk, offer.pk]), {"move": "accept"})
    offer.refresh_from_db()
    assert offer.state == "accepted"
    due = [c.due_on - timezone.localdate() for c in offer.check_ins.all()]
    assert [d.days for d in due] == [3, 7, 28]
    check_in = offer.check_ins.first()
    client.post(reverse("incidents:check_in_done", args=[named_report.pk, check_in.pk]), {"note": "Coping"})
    check_in.refresh_from_db()
    assert check_in.done_at is not None
    response = client.post(
        reverse("incidents:support_update", args=[named_report.pk, offer.pk]), {"move": "escalate"}
    )
    assert (
        response.status_code == 400 and "Enter who the support was escalated to" in response.content.decode()
    )
    client.post(
        reverse("incidents:support_update", args=[named_report.pk, offer.pk]),
        {"move": "escalate", "escalated_to": "Staff psychology"},
    )
    offer.refresh_from_db()
    assert offer.state == "escalated"
    response = client.post(
        reverse("incidents:support_update", args=[named_report.pk, offer.pk]), {"move": "accept"}
    )
    assert response.status_code == 400


def test_sanction_lifecycle_written_warning_with_review_date(
    client, login, handler, second_handler, named_report
):
    login(handler)
    page = client.get(reverse("incidents:sanction_add", args=[named_report.pk])).content.decode()
    assert "Emergency treatment is never withheld" in page
    client.post(
        reverse("incidents:sanction_add", args=[named_report.pk]),
        {"subject_description": "Patient ref P-1", "kind": "written_warning"},
    )
    sanction = Sanction.objects.get()
    url = lambda move: reverse("incidents:sanction_move", args=[named_report.pk, sanction.pk, move])  # noqa: E731
    response = client.post(url("clinical_review"), {"note": "No medical factors"})
    assert response.status_code == 400 and "capacity was considered" in response.content.decode()
    client.post(url("clinical_review"), {"note": "No medical factors", "capacity_considered": "on"})
    # The proposer cannot approve their own sanction.
    assert client.post(url("approve"), {}).status_code == 403
    login(second_handler)
    client.post(url("approve"), {})
    today = timezone.localdate()
    bad = {"issued_on_day": today.day, "issued_on_month": today.month, "issued_on_year": today.year}
    response = client.post(url("issue"), bad)
    assert response.status_code == 400 and "Enter the review date" in response.content.decode()
    past = today - datetime.timedelta(days=1)
    response = client.post(
        url("issue"),
        bad | {"review_on_day": past.day, "review_on_month": past.month, "review_on_year": past.year},
    )
    assert "The review date must be after the date issued" in response.content.decode()
    review = today + datetime.timedelta(days=180)
    client.post(
        url("issue"),
        bad | {"review_on_day": review.day, "review_on_month": review.month, "review_on_year": review.year},
    )
    sanction.refresh_from_db()
    assert (
        sanction.state == "issued" and sanction.review_on == review and sanction.approved_by == second_handler
    )
    assert client.get(url("approve")).status_code == 404


def test_sanctions_not_for_colleague_sources(handler, organisation):
    report = IncidentReportFactory(organisation=organisation, source="colleague", category="bullying")
    with pytest.raises(ValidationError):
        services.sanction_propose(
            report=report, actor=handler, subject_description="X", kind="verbal_warning"
        )


def test_riddor_decisions(client, login, handler, named_report):
    login(handler)
    url = reverse("incidents:riddor_edit", args=[named_report.pk])
    response = client.post(url, {"state": "reported"})
    assert response.status_code == 400 and "Enter the HSE reference" in response.content.decode()
    response = client.post(url, {"state": "not_reportable"})
    assert "Enter why it is not reportable" in response.content.decode()
    client.post(url, {"state": "not_reportable", "reason": "Stress only"})
    assert named_report.riddor.state == "not_reportable"


def test_riddor_deadline_warning(handler, organisation):
    report = IncidentReportFactory(
        organisation=organisation, occurred_at=timezone.now() - datetime.timedelta(days=12), injury="moderate"
    )
    assessment = services.riddor_record(report=report, actor=handler, state="candidate")
    assert assessment.deadline_warning and assessment.days_left == 3


def test_police_outcome(client, login, handler, named_report):
    login(handler)
    url = reverse("incidents:police_edit", args=[named_report.pk])
    response = client.post(url, {"state": "charged"})
    assert response.status_code == 400 and "Enter the crime reference number" in response.content.decode()
    client.post(url, {"state": "charged", "crime_reference": "CR/123/26", "aewa_eligible": "on"})
    assert named_report.police_outcome.aewa_eligible is True


def test_actions(client, login, handler, named_report, other_org_handler):
    login(handler)
    url = reverse("incidents:action_add", args=[named_report.pk])
    due = timezone.localdate() + datetime.timedelta(days=14)
    date = {"due_on_day": due.day, "due_on_month": due.month, "due_on_year": due.year}
    response = client.post(url, {"description": "Review alarms", "owner": other_org_handler.pk} | date)
    assert response.status_code == 400
    client.post(url, {"description": "Review alarms", "owner": handler.pk} | date)
    action = named_report.actions.get()
    assert action.owner == handler and action.due_on == due
    client.post(reverse("incidents:action_done", args=[named_report.pk, action.pk]))
    action.refresh_from_db()
    assert action.completed_at is not None


def test_dashboard_shows_overdue_work(client, login, handler, organisation):
    late = IncidentReportFactory(
        organisation=organisation,
        reported_at=timezone.now() - datetime.timedelta(days=3),
        acknowledge_by=timezone.now() - datetime.timedelta(days=2),
    )
    login(handler)
    body = client.get(reverse("incidents:dashboard")).content.decode()
    assert late.reference in body


def test_anonymous_report_service_refuses_named_without_sign_in(submit):
    with pytest.raises(PermissionDenied):
        submit(mode="named")
    assert not IncidentReport.objects.exists()


def test_export_has_the_pages_columns_with_labels_and_leaves_out_excluded_cases(
    client, login, handler, second_handler, organisation, other_organisation
):
    import csv
    import io

    from covenant.incidents.models import CaseExclusion

    handler.first_name, handler.last_name = "Morgan", "Hale"
    handler.save()
    shown = IncidentReportFactory(
        organisation=organisation, category="verbal_abuse", source="patient", investigator=handler
    )
    hidden = IncidentReportFactory(organisation=organisation)
    CaseExclusion.objects.create(report=hidden, user=second_handler, reason="conflict")
    IncidentReportFactory(organisation=other_organisation)
    login(second_handler)
    response = client.get(reverse("incidents:case_list") + "?_export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
        "Reference", "Reported", "Organisation", "Category", "Setting", "Source", "Mode", "Status",
        "Investigator", "Acknowledge by",
    ]  # fmt: skip
    assert [row[0] for row in rows[1:]] == [shown.reference]
    row = rows[1]
    assert row[2] == organisation.name
    assert row[3] == "Verbal abuse or threats" and row[5] == shown.get_source_display()
    assert row[8] == "Morgan Hale"
    assert "+00:00" not in row[1] and row[1].startswith(str(shown.reported_at.year))


def test_the_case_list_counts_its_cases_once(client, login, handler, organisation):
    """On a large organisation each count is a scan: the page asks for it once (the table's paginator)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    IncidentReportFactory.create_batch(3, organisation=organisation)
    login(handler)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("incidents:case_list") + "?status=submitted")
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts
