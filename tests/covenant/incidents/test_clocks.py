"""The clocks chase themselves (covenant/incidents/clocks.py, chasing.py): with the clock frozen at chosen moments,
each step reminds its owner on time and escalates to the case's lead once overdue, bank holidays do not count
for the acknowledgement, and no e-mail goes twice in a day however often the job runs."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import dateformat, timezone

from cms.accounts.models import AuditEvent
from covenant.incidents import clocks, services, tasks
from covenant.incidents.chasing import EXPIRES_FROM, clocks_chase, sanctions_expire_due
from covenant.incidents.models import CaseExclusion, RiddorAssessment, Sanction, SupportCheckIn
from covenant.incidents.services.sanctions import SANCTION_MOVES
from demo.factories.incidents import IncidentReportFactory

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def clock():
    """clock(when) freezes `timezone.now` (and so `localdate`) at `when` until the test ends."""
    patcher = mock.patch("django.utils.timezone.now", return_value=timezone.now())
    now = patcher.start()

    def _set(when):
        now.return_value = when
        return when

    yield _set
    patcher.stop()


def sent(kind=None):
    """(subject, sorted recipients) of the e-mails sent so far, optionally only "Due" or "Overdue" ones."""
    return [
        (message.subject, sorted(message.to))
        for message in mail.outbox
        if kind is None or message.subject.startswith(kind)
    ]


def chase(clock, when):
    clock(when)
    mail.outbox.clear()
    return clocks_chase()


@pytest.fixture
def case(handler, second_handler, organisation):
    """A case acknowledged by `handler` (its lead) and assigned to `second_handler` (its investigator)."""
    return IncidentReportFactory(
        organisation=organisation,
        status="assigned",
        acknowledged_at=at(2026, 11, 30, 9, 0),
        lead_handler=handler,
        investigator=second_handler,
        occurred_at=at(2026, 12, 1, 15, 0),
        reported_at=at(2026, 12, 1, 16, 0),
    )


def test_acknowledgement_due_after_the_bank_holiday_weekend_is_reminded_then_escalated(
    clock, submit, handler, second_handler
):
    clock(at(2026, 5, 22, 17, 0))  # Friday before the spring bank holiday
    report, _ = submit(mode="anonymous")
    assert report.acknowledge_by == at(2026, 5, 26, 17, 0)
    everyone = sorted([handler.email, second_handler.email])

    assert chase(clock, at(2026, 5, 23, 9, 0)).reminders == []  # Saturday
    assert chase(clock, at(2026, 5, 25, 9, 0)).reminders == []  # the bank holiday: not due yet
    chased = chase(clock, at(2026, 5, 26, 9, 0))  # Tuesday morning: due today
    assert chased.reminders == [f"acknowledge:{report.pk}"] and chased.escalations == []
    assert sent() == [(f"Due: Acknowledge the report for {report.reference}", everyone)]
    assert "26 May 2026 at 5pm" in mail.outbox[0].body and report.narrative not in mail.outbox[0].body

    assert chase(clock, at(2026, 5, 26, 16, 0)).reminders == []  # once a day, however often the job runs
    assert sent() == []
    chased = chase(clock, at(2026, 5, 26, 17, 30))  # past the deadline: escalated, not reminded
    assert chased.reminders == [] and chased.escalations == [f"acknowledge:{report.pk}"]
    assert sent() == [(f"Overdue: Acknowledge the report for {report.reference}", everyone)]
    assert chase(clock, at(2026, 5, 26, 18, 0)).escalations == []
    assert chase(clock, at(2026, 5, 27, 9, 0)).escalations == [f"acknowledge:{report.pk}"]  # a new day

    services.case_transition(report=report, actor=handler, action="acknowledge")
    assert chase(clock, at(2026, 5, 28, 9, 0)).escalations == []


def test_acknowledgement_over_christmas(clock, submit, handler):
    clock(at(2026, 12, 24, 11, 20))
    report, _ = submit(mode="anonymous")
    assert report.acknowledge_by == at(2026, 12, 29, 11, 0)  # the hour an anonymous report keeps
    for quiet_day in (25, 26, 27, 28):  # Christmas, weekend, Boxing Day (substitute)
        chased = chase(clock, at(2026, 12, quiet_day, 10, 0))
        assert chased.reminders == chased.escalations == []
    assert chase(clock, at(2026, 12, 29, 8, 0)).reminders == [f"acknowledge:{report.pk}"]


def test_riddor_deadline_reminds_the_investigator_and_escalates_to_the_lead(
    clock, case, handler, second_handler
):
    clock(at(2026, 12, 2, 9, 0))
    services.riddor_record(report=case, actor=handler, state="candidate")  # over-7-day: 15 days, 16 December
    assert chase(clock, at(2026, 12, 10, 9, 0)).reminders == []  # more than 5 days before
    assert chase(clock, at(2026, 12, 11, 9, 0)).reminders == [f"riddor:{case.riddor.pk}"]
    assert sent() == [
        (f"Due: Decide whether to report to HSE under RIDDOR for {case.reference}", [second_handler.email])
    ]
    assert "by 16 December 2026 (15 days from the incident)" in mail.outbox[0].body
    chased = chase(clock, at(2026, 12, 16, 9, 0))  # the last day: still a reminder
    assert chased.reminders == [f"riddor:{case.riddor.pk}"] and chased.escalations == []
    chased = chase(clock, at(2026, 12, 17, 9, 0))
    assert chased.reminders == [] and chased.escalations == [f"riddor:{case.riddor.pk}"]
    assert sent("Overdue") == [
        (
            f"Overdue: Decide whether to report to HSE under RIDDOR for {case.reference}",
            sorted([handler.email, second_handler.email]),
        )
    ]
    services.riddor_record(report=case, actor=handler, state="not_reportable", reason="Off for 2 days only")
    assert chase(clock, at(2026, 12, 18, 9, 0)).escalations == []


def test_a_specified_injury_has_ten_days(clock, case, handler):
    clock(at(2026, 12, 2, 9, 0))
    assessment = services.riddor_record(
        report=case, actor=handler, state="candidate", kind=RiddorAssessment.Kind.SPECIFIED_INJURY
    )
    assert assessment.deadline == datetime.date(2026, 12, 11)
    assert assessment.deadline_text == (
        "Report it to HSE by 11 December 2026: 10 days from the incident for a specified injury"
    )
    assert chase(clock, at(2026, 12, 12, 9, 0)).escalations == [f"riddor:{assessment.pk}"]


def test_support_check_in_reminds_whoever_offered_it_and_escalates_to_the_lead(
    clock, case, handler, second_handler
):
    clock(at(2026, 12, 2, 10, 0))
    offer = services.support_offer_create(
        report=case, actor=second_handler, staff_member="Reporter", route="occupational_health"
    )
    services.support_offer_update(offer=offer, actor=second_handler, move="accept")
    first = SupportCheckIn.objects.filter(offer=offer).order_by("due_on").first()
    assert first.due_on == datetime.date(2026, 12, 5)

    assert chase(clock, at(2026, 12, 4, 9, 0)).reminders == []
    assert chase(clock, at(2026, 12, 5, 9, 0)).reminders == [f"check_in:{first.pk}"]
    assert sent() == [(f"Due: Support check-in for {case.reference}", [second_handler.email])]
    chased = chase(clock, at(2026, 12, 6, 9, 0))
    assert chased.escalations == [f"check_in:{first.pk}"] and chased.reminders == []
    assert sent() == [
        (f"Overdue: Support check-in for {case.reference}", sorted([handler.email, second_handler.email]))
    ]
    services.support_check_in_complete(check_in=first, actor=second_handler, note="Doing well")
    assert chase(clock, at(2026, 12, 7, 9, 0)).escalations == []


def test_an_owner_excluded_from_the_case_is_replaced_and_never_told(
    clock, case, handler, second_handler, make_user, organisation
):
    third = make_user("incident_handler", organisation=organisation, email="third.handler@example.org")
    clock(at(2026, 12, 2, 10, 0))
    offer = services.support_offer_create(report=case, actor=third, staff_member="Reporter", route="eap")
    services.support_offer_update(offer=offer, actor=third, move="accept")
    CaseExclusion.objects.create(report=case, user=third, reason="conflict")
    chase(clock, at(2026, 12, 5, 9, 0))
    assert sent() == [(f"Due: Support check-in for {case.reference}", [second_handler.email])]
    chase(clock, at(2026, 12, 6, 9, 0))
    assert all(third.email not in to for _, to in sent())


def issued_sanction(case, *, proposer, approver, review_on, expires_on=None):
    sanction = services.sanction_propose(
        report=case, actor=proposer, subject_description="Patient ref 4411", kind="written_warning"
    )
    services.sanction_advance(
        sanction=sanction,
        actor=proposer,
        move="clinical_review",
        note="No medical factors",
        capacity_considered=True,
    )
    services.sanction_advance(sanction=sanction, actor=approver, move="approve")
    return services.sanction_advance(
        sanction=sanction,
        actor=proposer,
        move="issue",
        issued_on=timezone.localdate(),
        review_on=review_on,
        expires_on=expires_on,
    )


def test_sanction_review_reminded_a_week_before_and_on_the_day_then_escalated(
    clock, case, handler, second_handler
):
    clock(at(2026, 12, 2, 10, 0))
    sanction = issued_sanction(
        case, proposer=second_handler, approver=handler, review_on=datetime.date(2027, 1, 4)
    )
    key = f"sanction_review:{sanction.pk}"
    assert chase(clock, at(2026, 12, 27, 9, 0)).reminders == []
    assert chase(clock, at(2026, 12, 28, 9, 0)).reminders == [key]  # 7 days before
    assert sent() == [
        (f"Due: Review the sanction (written warning) for {case.reference}", [second_handler.email])
    ]
    assert chase(clock, at(2026, 12, 30, 9, 0)).reminders == []
    assert chase(clock, at(2027, 1, 4, 9, 0)).reminders == [key]  # on the day
    chased = chase(clock, at(2027, 1, 5, 9, 0))
    assert chased.escalations == [key] and chased.reminders == []
    assert sent()[0][1] == sorted([handler.email, second_handler.email])

    # Reviewed and kept in place: the next review date stops the chasing until then.
    services.sanction_advance(
        sanction=sanction, actor=second_handler, move="extend", review_on=datetime.date(2027, 7, 5)
    )
    assert chase(clock, at(2027, 1, 6, 9, 0)).escalations == []


def test_sanction_expires_on_schedule_with_an_audit_row_and_its_owner_told_once(
    clock, case, handler, second_handler
):
    clock(at(2026, 12, 2, 10, 0))
    sanction = issued_sanction(
        case,
        proposer=second_handler,
        approver=handler,
        review_on=datetime.date(2027, 3, 1),
        expires_on=datetime.date(2027, 6, 1),
    )
    clock(at(2027, 5, 31, 23, 0))
    assert sanctions_expire_due() == []
    clock(at(2027, 6, 1, 0, 5))
    mail.outbox.clear()
    assert tasks.expire_sanctions.enqueue().return_value == 1
    sanction.refresh_from_db()
    assert sanction.state == Sanction.State.EXPIRED
    (row,) = AuditEvent.objects.filter(action="incident.sanction_expire")
    assert row.actor is None and row.actor_label == "scheduler" and row.detail["sanction"] == sanction.pk
    assert sent() == [(f"A sanction on {case.reference} has expired", [second_handler.email])]

    assert tasks.expire_sanctions.enqueue().return_value == 0  # the job run again: nothing twice
    assert len(mail.outbox) == 1 and AuditEvent.objects.filter(action="incident.sanction_expire").count() == 1


def test_sanction_without_expiry_date_or_revoked_is_left_alone(clock, case, handler, second_handler):
    clock(at(2026, 12, 2, 10, 0))
    lasting = issued_sanction(
        case, proposer=second_handler, approver=handler, review_on=datetime.date(2027, 1, 4)
    )
    revoked = issued_sanction(
        case,
        proposer=second_handler,
        approver=handler,
        review_on=datetime.date(2027, 1, 4),
        expires_on=datetime.date(2027, 2, 1),
    )
    services.sanction_advance(sanction=revoked, actor=handler, move="revoke", note="Apology accepted")
    clock(at(2027, 3, 1, 9, 0))
    assert sanctions_expire_due() == []
    lasting.refresh_from_db()
    assert lasting.state == Sanction.State.ISSUED


def test_sanction_expiry_date_must_follow_the_review(clock, case, handler, second_handler):
    clock(at(2026, 12, 2, 10, 0))
    with pytest.raises(ValidationError) as error:
        issued_sanction(
            case,
            proposer=second_handler,
            approver=handler,
            review_on=datetime.date(2027, 3, 1),
            expires_on=datetime.date(2027, 2, 1),
        )
    assert "The expiry date must be on or after the review date" in str(error.value)


def test_the_automatic_expiry_starts_from_the_states_the_lifecycle_allows():
    assert set(EXPIRES_FROM) == set(SANCTION_MOVES.get("expire").sources)


def test_the_job_run_twice_sends_nothing_twice(clock, case, handler, second_handler):
    clock(at(2026, 12, 2, 9, 0))
    services.riddor_record(report=case, actor=handler, state="candidate")
    clock(at(2026, 12, 17, 9, 0))
    mail.outbox.clear()
    first = tasks.chase_clocks.enqueue().return_value
    second = tasks.chase_clocks.enqueue().return_value
    assert first == {"reminders": 0, "escalations": 1} and second == {"reminders": 0, "escalations": 0}
    assert len(mail.outbox) == 1


def test_excluded_handlers_are_never_told_of_an_acknowledgement(clock, submit, handler, second_handler):
    clock(at(2026, 12, 2, 9, 0))
    report, _ = submit(mode="anonymous")
    CaseExclusion.objects.create(report=report, user=second_handler, reason="conflict")
    chase(clock, at(2026, 12, 3, 8, 0))
    assert sent() == [(f"Due: Acknowledge the report for {report.reference}", [handler.email])]


def test_handler_records_the_expiry_date_the_riddor_kind_and_keeps_a_sanction_after_review(
    client, login, case, handler, second_handler
):
    sanction = issued_sanction(
        case,
        proposer=second_handler,
        approver=handler,
        review_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    login(handler)
    page = client.get(reverse("incidents:case_detail", args=[case.pk])).content.decode()
    assert "no expiry date" in page and "Reviewed: keep it in place" in page
    url = reverse("incidents:sanction_move", args=[case.pk, sanction.pk, "extend"])
    response = client.post(url, {})
    assert response.status_code == 400 and "Enter the next review date" in response.content.decode()
    review, expiry = (timezone.localdate() + datetime.timedelta(days=n) for n in (90, 200))
    client.post(url, date_fields("review_on", review) | date_fields("expires_on", expiry))
    sanction.refresh_from_db()
    assert (sanction.state, sanction.review_on, sanction.expires_on) == ("issued", review, expiry)
    page = client.get(reverse("incidents:case_detail", args=[case.pk])).content.decode()
    assert f"expires by itself {dateformat.format(expiry, 'j F Y')}" in page

    riddor = reverse("incidents:riddor_edit", args=[case.pk])
    client.post(riddor, {"state": "candidate", "kind": "specified_injury"})
    case.riddor.refresh_from_db()
    assert case.riddor.kind == "specified_injury" and case.riddor.days_allowed == 10
    page = client.get(reverse("incidents:case_detail", args=[case.pk])).content.decode()
    assert "10 days from the incident for a specified injury" in page


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def test_a_report_merged_into_another_is_not_chased_for_riddor(clock, case, handler):
    clock(at(2026, 12, 2, 9, 0))
    services.riddor_record(report=case, actor=handler, state="candidate")
    case.status = "merged"
    case.save(update_fields=["status"])
    assert chase(clock, at(2026, 12, 20, 9, 0)).escalations == []


def test_the_clocks_read_a_bounded_number_of_queries(
    clock, case, handler, second_handler, django_assert_max_num_queries
):
    clock(at(2026, 12, 2, 9, 0))
    for _ in range(5):
        report = IncidentReportFactory(
            organisation=case.organisation, status="triage", occurred_at=at(2026, 11, 20, 9, 0)
        )
        services.riddor_record(report=report, actor=handler, state="candidate")
    clock(at(2026, 12, 10, 9, 0))
    with django_assert_max_num_queries(8):
        steps = clocks.due_steps()
    assert len(steps) == 5 and all(step.report.organisation.name for step in steps)
