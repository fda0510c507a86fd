"""Witness statements (names and statements encrypted, handlers only) and handler-only notes, which the reporter
never sees: not on their named page, not on the anonymous follow-up, not through any reporter-visible path."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from cms.accounts.models import AuditEvent
from covenant.incidents import encryption
from covenant.incidents.models import Message, WitnessStatement
from covenant.incidents.selectors.reporters import messages_for_reporter
from covenant.incidents.services.evidence import evidence_add
from covenant.incidents.services.messages import message_post_by_handler
from demo.factories.incidents import IncidentReportFactory

from .test_evidence import PDF, _follow_up

pytestmark = pytest.mark.django_db

WITNESS = "Priya Witness-Example"
STATEMENT = "I saw the visitor push the nurse against the drugs trolley at 14:25."
NOTE = "Internal: the visitor is known to security from March"


def _statement_post(**overrides):
    data = {
        "witness_name": WITNESS,
        "relationship": "staff",
        "role": "Healthcare assistant",
        "taken_on_day": "2",
        "taken_on_month": "3",
        "taken_on_year": "2026",
        "statement": STATEMENT,
    }
    data.update(overrides)
    return data


def test_a_handler_records_a_witness_statement_kept_encrypted_and_audited(
    client, login, handler, named_report
):
    file = evidence_add(
        report=named_report, name="signed.pdf", data=PDF, uploaded_by=handler, from_reporter=False
    )
    login(handler)
    response = client.post(
        reverse("incidents:witness_statement_add", args=[named_report.pk]), _statement_post(evidence=file.pk)
    )
    assert response.status_code == 302
    witness = WitnessStatement.objects.get()
    assert (witness.witness_name, witness.statement, witness.evidence, witness.recorded_by) == (
        WITNESS,
        STATEMENT,
        file,
        handler,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT witness_name, role, statement FROM incidents_witnessstatement")
        raw = cursor.fetchone()
    assert all(value.startswith(encryption.PREFIX) for value in raw)
    assert not any(part in " ".join(raw) for part in ("Priya", "Healthcare", "trolley"))
    event = AuditEvent.objects.get(action="incident.witness_statement_recorded")
    assert event.actor == handler and WITNESS not in str(event.detail) and WITNESS not in event.summary
    page = client.get(reverse("incidents:case_detail", args=[named_report.pk])).content.decode()
    assert WITNESS in page and "drugs trolley" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"witness_name": ""}, "witness_name", "Enter the witness's name"),
        ({"relationship": ""}, "relationship", "Select how the witness is connected to the incident"),
        (
            {"taken_on_year": str(datetime.date.today().year + 1)},
            "taken_on",
            "The date the statement was taken must be today or in the past",
        ),
        ({"taken_on_day": "31", "taken_on_month": "2"}, "taken_on", "Enter a real date"),
        ({"statement": ""}, "statement", "Enter the statement"),
    ],
)
def test_a_statement_with_a_mistake_is_refused_beside_the_field(
    client, login, handler, named_report, overrides, field, message
):
    login(handler)
    response = client.post(
        reverse("incidents:witness_statement_add", args=[named_report.pk]), _statement_post(**overrides)
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not WitnessStatement.objects.exists()


def test_a_statement_cannot_link_a_file_of_another_case(client, login, handler, named_report, organisation):
    other = IncidentReportFactory(organisation=organisation)
    elsewhere = evidence_add(report=other, name="x.pdf", data=PDF, uploaded_by=handler, from_reporter=False)
    login(handler)
    response = client.post(
        reverse("incidents:witness_statement_add", args=[named_report.pk]),
        _statement_post(evidence=elsewhere.pk),
    )
    assert response.status_code == 400 and "evidence" in response.context["form"].errors
    assert not WitnessStatement.objects.exists()


def test_a_handler_adds_a_note_that_only_handlers_read(client, login, handler, named_report):
    login(handler)
    response = client.post(reverse("incidents:case_note_add", args=[named_report.pk]), {"body": NOTE})
    assert response.status_code == 302
    note = Message.objects.get()
    assert (note.audience, note.author, note.body) == (Message.Audience.INTERNAL, handler, NOTE)
    assert NOTE in client.get(reverse("incidents:case_detail", args=[named_report.pk])).content.decode()


def _handler_side(report, handler):
    """A note, a witness statement and a handler's file on the case, plus one message the reporter may read."""
    message_post_by_handler(report=report, author=handler, audience=Message.Audience.INTERNAL, body=NOTE)
    message_post_by_handler(
        report=report, author=handler, audience=Message.Audience.REPORTER, body="We are looking into it."
    )
    WitnessStatement.objects.create(
        report=report,
        witness_name=WITNESS,
        relationship="staff",
        taken_on="2026-03-02",
        statement=STATEMENT,
        recorded_by=handler,
    )
    evidence_add(report=report, name="internal-cctv.pdf", data=PDF, uploaded_by=handler, from_reporter=False)


def _assert_reporter_sees_none_of_it(page: str):
    assert "We are looking into it." in page  # the page is the one that shows messages
    for hidden in (NOTE, "known to security", WITNESS, "drugs trolley", "internal-cctv"):
        assert hidden not in page, hidden


def test_the_named_reporter_never_sees_notes_statements_or_handlers_files(
    client, login, reporter, handler, named_report
):
    _handler_side(named_report, handler)
    login(reporter)
    page = client.get(reverse("incidents:my_report", args=[named_report.pk])).content.decode()
    _assert_reporter_sees_none_of_it(page)
    # Replying does not open another view of the case.
    response = client.post(
        reverse("incidents:my_report", args=[named_report.pk]), {"body": "Thank you"}, follow=True
    )
    _assert_reporter_sees_none_of_it(response.content.decode())


def test_the_anonymous_reporter_never_sees_notes_statements_or_handlers_files(client, handler, organisation):
    report = _follow_up(client, organisation)
    _handler_side(report, handler)
    page = client.get(reverse("incidents:follow_up_case")).content.decode()
    _assert_reporter_sees_none_of_it(page)


def test_no_reporter_visible_path_can_carry_a_note(client, login, reporter, handler, named_report):
    """The reporter's selector reads only reporter messages; a reply posted with a forged audience is still a
    reporter message; the outcome e-mail carries no content at all."""
    _handler_side(named_report, handler)
    assert [m.body for m in messages_for_reporter(report=named_report)] == ["We are looking into it."]
    login(reporter)
    client.post(
        reverse("incidents:my_report", args=[named_report.pk]), {"body": "Reply", "audience": "internal"}
    )
    reply = Message.objects.get(from_reporter=True)
    assert reply.audience == Message.Audience.REPORTER
    assert set(messages_for_reporter(report=named_report).values_list("audience", flat=True)) == {"reporter"}
