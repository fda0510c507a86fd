"""The issue's "done when" story, end to end through the pages people use."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from covenant.incidents.models import IncidentReport

from .conftest import code_of, report_pages, tell_more

pytestmark = pytest.mark.django_db


def test_anonymous_racial_abuse_report_from_code_to_board_pdf(
    client, login, organisation, reporter, handler, second_handler, analyst
):
    from pypdf import PdfReader

    # A nurse reports verbal racial abuse anonymously and gets a code.
    login(reporter)
    sent = report_pages(client, organisation)
    tell_more(client, sent, answers={"targeted": {"protected_characteristic": "race"}})
    code = code_of(sent)
    report = IncidentReport.objects.get()
    assert (report.category, report.protected_characteristic) == ("discriminatory", "race")
    assert report.reporter is None

    # The handler triages and asks a question.
    login(handler)
    case = lambda action: reverse("incidents:case_transition", args=[report.pk, action])  # noqa: E731
    client.post(case("acknowledge"), {})
    client.post(case("assign"), {"investigator": handler.pk})
    client.post(
        case("request_info"), {"message_for_reporter": "Was the relative still on the ward afterwards?"}
    )

    # Later, the nurse (signed out) reads the question with the code and answers it.
    client.logout()
    client.post(reverse("incidents:follow_up"), {"code": code})
    page = client.get(reverse("incidents:follow_up_case")).content.decode()
    assert "Was the relative still on the ward afterwards?" in page
    client.post(reverse("incidents:follow_up_case"), {"body": "Yes, until security came."})

    # The handler records support and a written warning with a review date, and closes with an outcome.
    login(handler)
    client.post(
        reverse("incidents:support_add", args=[report.pk]), {"staff_member": "Reporter", "route": "peer"}
    )
    client.post(
        reverse("incidents:sanction_add", args=[report.pk]),
        {"subject_description": "Visitor V-1", "kind": "written_warning"},
    )
    sanction = report.sanctions.get()
    move = lambda name: reverse("incidents:sanction_move", args=[report.pk, sanction.pk, name])  # noqa: E731
    client.post(
        move("clinical_review"), {"note": "Visitor, no clinical factors", "capacity_considered": "on"}
    )
    login(second_handler)
    client.post(move("approve"), {})
    today = timezone.localdate()
    review = today + datetime.timedelta(days=180)
    client.post(
        move("issue"),
        {
            "issued_on_day": today.day,
            "issued_on_month": today.month,
            "issued_on_year": today.year,
            "review_on_day": review.day,
            "review_on_month": review.month,
            "review_on_year": review.year,
        },
    )
    login(handler)
    client.post(
        case("request_sign_off"),
        {
            "outcome_for_reporter": "The visitor was given a written warning. Thank you for reporting it.",
            "closure_rationale": "INTERNAL: CCTV confirms; security log 22:10.",
        },
    )
    login(second_handler)
    client.post(case("close"), {})
    report.refresh_from_db()
    sanction.refresh_from_db()
    assert report.status == "closed" and sanction.state == "issued" and sanction.review_on == review
    assert report.support_offers.exists()

    # The nurse reads the outcome, not the internal rationale.
    client.logout()
    client.post(reverse("incidents:follow_up"), {"code": code})
    page = client.get(reverse("incidents:follow_up_case")).content.decode()
    assert "written warning" in page and "INTERNAL" not in page

    # The analyst sees it only as a count.
    login(analyst)
    page = client.get(reverse("incidents:statistics")).content.decode()
    assert "[c]" in page
    assert "triage desk" not in page and "Visitor V-1" not in page

    # The board PDF counts it, protected even for a handler: one report is shown as [c], never as 1.
    login(handler)
    pdf = client.get(reverse("incidents:board_report"), {"format": "pdf"})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Discriminatory or hate abuse" in text
    assert re.search(r"Reports\s*\[c\]", text) and not re.search(r"Reports\s*1\b", text)
