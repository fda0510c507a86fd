"""'Tell us more': the optional questions after sending, added to the report the confirmation sealed, and only to it."""

import pytest
from django.urls import reverse

from cms.accounts.models import AnonymousAuditEvent, AuditEvent
from covenant.incidents.models import IncidentReport

from .conftest import answer, payload_of, report_pages, step_of, tell_more

pytestmark = pytest.mark.django_db

MORE = reverse("incidents:report_more", args=["anonymous"])
CORE = (
    "category",
    "narrative",
    "occurred_at",
    "setting",
    "site",
    "relationship",
    "injury",
    "organisation_id",
)


def _steps(client, sent, url=MORE) -> list[str]:
    """The pages of "tell us more", each continued without an answer."""
    page, seen = answer(client, sent, url), []
    while step_of(page) not in ("", "check"):
        seen.append(step_of(page))
        page = answer(client, page, url)
    return seen


def _core(report) -> tuple:
    return tuple(getattr(report, name) for name in CORE)


def test_every_question_is_optional_and_nothing_is_added_when_none_is_answered(client, organisation):
    sent = report_pages(client, organisation)
    report = IncidentReport.objects.get()
    before = IncidentReport.objects.values().get()
    done = tell_more(client, sent)
    assert done.status_code == 200 and "Nothing was added" in done.content.decode()
    assert IncidentReport.objects.values().get() == before
    assert report.reference in done.content.decode()


def test_the_questions_follow_the_report(client, login, reporter, organisation):
    sent = report_pages(client, organisation)  # discriminatory, nobody hurt, anonymous
    steps = _steps(client, sent)
    assert "targeted" in steps and "treatment" not in steps and "line_manager" not in steps
    assert steps[:3] == ["source", "involved", "targeted"]  # "subject" only for a colleague or manager
    login(reporter)
    sent = report_pages(
        client,
        mode="named",
        answers={
            "what": {"category": "physical_assault", "narrative": "Punched."},
            "hurt": {"injury": "minor"},
        },
    )
    steps = _steps(client, sent, reverse("incidents:report_more", args=["named"]))
    assert "treatment" in steps and "line_manager" in steps and "targeted" not in steps


def test_answers_are_added_to_the_right_report_and_nothing_else(client, organisation):
    report_pages(client, organisation)
    sent = report_pages(client, organisation, answers={"hurt": {"injury": "minor"}})
    first, second = IncidentReport.objects.order_by("pk")
    core = _core(second)
    untouched = IncidentReport.objects.filter(pk=first.pk).values().get()
    done = tell_more(
        client,
        sent,
        answers={
            "source": {"source": "patient"},
            "involved": {"sub_types": ["discriminatory_remark", "shouting_swearing"]},
            "targeted": {"protected_characteristic": "race"},
            "medical": {"medical_factors": "dementia"},
            "treatment": {"treatment": "first_aid", "days_off": "1"},
            "police": {"police_contacted": "101", "crime_reference": "CR/123/26"},
            "police_wish": {"wants_police_action": "yes"},
            "footage": {"cctv_available": "yes"},
            "support": {"wants_support": "yes"},
            "feedback": {"wants_feedback": "no"},
        },
    )
    assert "Details added to your report" in done.content.decode()
    second.refresh_from_db()
    assert (second.source, second.sub_types, second.protected_characteristic) == (
        "patient",
        ["discriminatory_remark", "shouting_swearing"],
        "race",
    )
    assert (second.medical_factors, second.treatment, second.days_off) == ("dementia", "first_aid", 1)
    assert (second.police_contacted, second.crime_reference, second.wants_police_action) == (
        "101",
        "CR/123/26",
        "yes",
    )
    assert (second.cctv_available, second.wants_support, second.wants_feedback) == ("yes", True, False)
    assert _core(second) == core  # what was sent is never changed afterwards
    assert IncidentReport.objects.filter(pk=first.pk).values().get() == untouched
    # Audited without the account, the address or the minute.
    held = AnonymousAuditEvent.objects.get(action="incident.details_added")
    assert held.object_id == str(second.pk) or str(second.pk) in str(held.__dict__)


def test_a_bad_answer_gets_a_message_and_nothing_is_added(client, organisation):
    sent = report_pages(client, organisation, answers={"hurt": {"injury": "minor"}})
    page = answer(client, sent, MORE)
    while step_of(page) != "treatment":
        page = answer(client, page, MORE)
    error = answer(client, page, MORE, treatment="gp", days_off="lots")
    assert error.status_code == 400 and "Enter the days off as a number, like 2" in error.content.decode()
    assert IncidentReport.objects.get().treatment == "none"


@pytest.mark.parametrize("payload", ["", "forged", "gAAAAAB" + "A" * 120])
def test_a_forged_payload_is_refused(client, organisation, payload):
    report_pages(client, organisation)
    response = client.post(MORE, {"journey": payload, "source": "patient"})
    assert response.status_code == 400 and "There is a problem with your answers" in response.content.decode()
    assert IncidentReport.objects.get().source == "unknown"


def test_it_starts_only_from_the_confirmation(client, organisation):
    assert client.get(MORE).status_code == 400


def test_the_report_journeys_payload_cannot_open_tell_us_more(client, organisation):
    """A payload of the report itself (sealed with the same keys) names no report: refused."""
    check = report_pages(client, organisation, send=False)
    answer(client, check, reverse("incidents:report_form", args=["anonymous"]), action="send")
    response = client.post(MORE, {"journey": payload_of(check)})
    assert response.status_code == 400


def test_an_anonymous_reports_payload_is_refused_for_a_named_one_and_the_reverse(
    client, login, reporter, organisation
):
    anonymous = report_pages(client, organisation)
    login(reporter)
    named = report_pages(client, mode="named")
    assert (
        client.post(
            reverse("incidents:report_more", args=["named"]), {"journey": payload_of(anonymous)}
        ).status_code
        == 400
    )
    assert client.post(MORE, {"journey": payload_of(named)}).status_code == 400


def test_a_named_report_is_added_to_only_by_its_reporter(
    client, login, reporter, other_reporter, organisation
):
    login(reporter)
    sent = report_pages(client, mode="named")
    login(other_reporter)
    url = reverse("incidents:report_more", args=["named"])
    response = client.post(url, {"journey": payload_of(sent)})
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="access.refused", actor=other_reporter).exists()
    client.logout()
    assert client.post(url, {"journey": payload_of(sent)}).status_code == 302  # to sign in
    login(reporter)
    done = tell_more(client, sent, mode="named", answers={"line_manager": {"may_tell_line_manager": "yes"}})
    assert "Details added" in done.content.decode()
    assert IncidentReport.objects.get().may_tell_line_manager is True


def test_a_patients_nhs_number_is_checked_and_kept_only_encrypted_beside_its_hash(client, organisation):
    """When a patient did it, "tell us more" asks for their NHS number (mod 11 checked) for the leads' list of
    repeat perpetrators; the audit row names the field, never the number."""
    from covenant.incidents.nhs_number import nhs_number_index

    sent = report_pages(client, organisation)
    page = answer(client, sent, MORE)
    assert step_of(page) == "source"
    page = answer(client, page, MORE, source="patient")
    assert step_of(page) == "patient"
    wrong = answer(client, page, MORE, nhs_number="943 476 5910")
    assert wrong.status_code == 400 and "Enter a valid NHS number" in wrong.content.decode()
    page = answer(client, wrong, MORE, nhs_number="943 476 5919")
    while step_of(page) not in ("", "check"):
        page = answer(client, page, MORE)
    answer(client, page, MORE, action="send")
    report = IncidentReport.objects.get()
    assert report.perpetrator_nhs_number == "9434765919"
    assert report.perpetrator_nhs_number_index == nhs_number_index("9434765919")
    row = AnonymousAuditEvent.objects.get(action="incident.details_added")
    assert "nhs_number" in row.detail["fields"] and "9434765919" not in str(row.detail)


def test_the_nhs_number_is_not_asked_when_it_was_not_a_patient(client, organisation):
    sent = report_pages(client, organisation)
    assert "patient" not in _steps(client, sent)
