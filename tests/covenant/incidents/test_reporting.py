"""Making a report through its pages (views/report_journey.py) in every mode, and following it up."""

import datetime
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.accounts.models import AuditEvent
from cms.audit import anonymous_audit_release
from covenant.incidents.models import CaseExclusion, IncidentReport, RiddorAssessment

from .conftest import answer, code_of, payload_of, report_pages, step_of, tell_more

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4})\b")
ANONYMOUS = reverse("incidents:report_form", args=["anonymous"])


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
    assert client.post(reverse("incidents:report_more", args=["loud"])).status_code == 404


def test_named_report_needs_sign_in(client):
    for name in ("report_form", "report_more"):
        response = client.get(reverse(f"incidents:{name}", args=["named"]))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_someone_who_belongs_to_no_organisation_reports_anonymously_only(
    client, login, make_user, organisation
):
    login(make_user(email="nobody@example.org"))
    assert client.get(reverse("incidents:report_form", args=["confidential"])).status_code == 403
    body = client.get(reverse("incidents:report_start")).content.decode()
    assert "your account needs to belong to an organisation" in body
    sent = report_pages(client)
    assert "Report sent" in sent.content.decode() and code_of(sent)
    assert IncidentReport.objects.get().reporter is None


# --- the core: at most six questions, each a page ---------------------------------------------------------------
def test_anonymous_visitor_reports_in_five_questions_and_sees_the_code_once(client, organisation):
    page = client.get(ANONYMOUS)
    seen = []
    for step, data in (
        ("what", {"category": "verbal_abuse", "narrative": "Shouted at and threatened."}),
        ("when", {"day": "today"}),
        ("where", {"setting": "ward"}),
        ("who", {"relationship": "witnessed"}),
        ("hurt", {"injury": "minor"}),
    ):
        seen.append(step_of(page))
        assert step_of(page) == step and page.status_code == 200
        assert "<h1" in page.content.decode()
        page = answer(client, page, ANONYMOUS, **data)
    assert seen == ["what", "when", "where", "who", "hurt"]  # one organisation: not asked
    assert step_of(page) == "check"
    body = page.content.decode()
    assert "Shouted at and threatened." in body and "I saw it happen to someone else" in body
    assert not IncidentReport.objects.exists()  # nothing stored before it is sent

    sent = answer(client, page, ANONYMOUS, action="send")
    assert sent.status_code == 200 and "no-store" in sent["Cache-Control"]
    report = IncidentReport.objects.get()
    assert (report.mode, report.reporter, report.organisation) == ("anonymous", None, organisation)
    assert (report.category, report.setting, report.relationship, report.injury) == (
        "verbal_abuse",
        "ward",
        "witnessed",
        "minor",
    )
    assert report.source == "unknown" and report.occurred_approximate  # no time given
    assert report.occurred_at.date() <= timezone.localdate()
    code = code_of(sent).replace(" ", "")
    assert len(code) == 16 and code not in report.receipt_hash and code not in report.receipt_index
    # Stored as Argon2id at the cost docs/security.md explains, whatever hasher the accounts use.
    assert report.receipt_hash.startswith("argon2$argon2id$v=19$m=1024,t=1,p=1$")


def test_the_organisation_is_asked_only_when_there_is_a_choice(
    client, login, reporter, organisation, other_organisation
):
    page = report_pages(client, organisation, send=False)
    assert step_of(page) == "check" and organisation.name in page.content.decode()
    login(reporter)  # belongs to one organisation: pre-answered
    page = report_pages(client, mode="named", send=False)
    assert step_of(page) == "check" and organisation.name in page.content.decode()
    assert "Which organisation" not in page.content.decode()


def test_an_organisation_not_offered_is_refused_on_its_page(
    client, login, reporter, organisation, other_organisation
):
    page = report_pages(client, answers={"organisation": {"organisation": "999999"}}, send=False)
    assert page.status_code == 400 and step_of(page) == "organisation"
    assert "Select an organisation from the list" in page.content.decode()


def test_signed_in_anonymous_report_keeps_no_link_to_the_account(
    client, login, reporter, organisation, an_hour_later
):
    login(reporter)
    report_pages(client)
    report = IncidentReport.objects.get()
    assert report.reporter is None
    an_hour_later()
    anonymous_audit_release()
    event = AuditEvent.objects.get(action="incident.submitted")
    assert event.actor is None and event.ip_address is None


@pytest.mark.parametrize("mode", ["named", "confidential"])
def test_named_and_confidential_reports_take_the_same_pages(client, login, reporter, organisation, mode):
    login(reporter)
    sent = report_pages(client, mode=mode)
    report = IncidentReport.objects.get()
    assert report.reporter == reporter and report.mode == mode and report.organisation == organisation
    assert report.receipt_hash == ""
    assert report.transitions.get().to_status == "submitted"
    body = sent.content.decode()
    assert report.reference in body and not CODE_RE.search(body)
    assert reverse("incidents:my_report", args=[report.pk]) in body


def test_a_named_report_cannot_be_sent_to_an_organisation_the_reporter_is_not_in(
    client, login, reporter, organisation, other_organisation
):
    login(reporter)
    page = report_pages(
        client, mode="named", answers={"organisation": {"organisation": str(other_organisation.pk)}}
    )
    assert page.status_code == 200
    assert IncidentReport.objects.get().organisation == organisation  # not even asked: their one organisation


EMPTY_MESSAGES = {
    "what": "Select what happened",
    "when": "Select when it happened",
    "where": "Select where it happened",
    "who": "Select who it happened to",
    "hurt": "Select if you were hurt",
}


@pytest.mark.parametrize("step", list(EMPTY_MESSAGES))
def test_an_empty_page_gives_one_clear_message_on_that_page(client, organisation, step):
    answers = {step: {}}
    page = report_pages(client, answers=answers, send=False)
    assert page.status_code == 400 and step_of(page) == step
    body = page.content.decode()
    summary = body[body.index("nhsuk-error-summary") : body.index("</ul>", body.index("nhsuk-error-summary"))]
    links = re.findall(r"<a [^>]*>(.*?)</a>", summary, re.S)
    assert [link.strip() for link in links][:1] == [EMPTY_MESSAGES[step]]
    if step != "what":  # the first page has two required answers, and says so for each
        assert len(links) == 1
    assert "<title>Error:" in body
    assert not IncidentReport.objects.exists()


def test_the_first_page_asks_for_each_of_its_answers(client, organisation):
    page = answer(client, client.get(ANONYMOUS), ANONYMOUS, category="verbal_abuse")
    assert page.status_code == 400 and "Tell us what happened" in page.content.decode()
    assert "Select what happened" not in page.content.decode()


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("what", {"category": "nonsense", "narrative": "x"}, "Select what happened"),
        ("what", {"category": "verbal_abuse", "narrative": "x" * 5001}, "5,000 characters or fewer"),
        ("what", {"category": "verbal_abuse", "narrative": "   "}, "Tell us what happened"),
        ("when", {"day": "earlier"}, "Enter the date it happened, for example 15 3 2026"),
        (
            "when",
            {"day": "earlier", "occurred_on_day": "31", "occurred_on_month": "2", "occurred_on_year": "2026"},
            "Enter a real date",
        ),
        (
            "when",
            {"day": "earlier", "occurred_on_day": "1", "occurred_on_month": "1", "occurred_on_year": "2199"},
            "today or in the past",
        ),
        (
            "when",
            {"day": "earlier", "occurred_on_day": "1", "occurred_on_year": "2026"},
            "day, month and year",
        ),
        ("when", {"day": "today", "occurred_time": "25:99"}, "Enter the time using the 24-hour clock"),
        ("where", {"setting": "ward", "site": "x" * 201}, "200 characters or fewer"),
    ],
)
def test_bad_answers_get_a_message_beside_the_question(client, organisation, step, data, message):
    page = report_pages(client, answers={step: data}, send=False)
    assert page.status_code == 400 and step_of(page) == step
    assert message in page.content.decode()
    assert not IncidentReport.objects.exists()
    # What was typed is still on the page.
    if data.get("narrative", "").strip():
        assert data["narrative"][:100] in page.content.decode()


def test_when_today_ignores_date_boxes_and_an_earlier_day_is_kept(client, organisation):
    report_pages(client, answers={"when": {"day": "today", "occurred_on_day": "99"}})
    assert timezone.localdate(IncidentReport.objects.get().occurred_at) == timezone.localdate()
    IncidentReport.objects.all().delete()
    day = timezone.localdate() - datetime.timedelta(days=20)
    when = {
        "day": "earlier",
        "occurred_on_day": day.day,
        "occurred_on_month": day.month,
        "occurred_on_year": day.year,
    }
    report_pages(client, answers={"when": {**when, "occurred_time": "09:15"}})
    report = IncidentReport.objects.get()
    assert timezone.localtime(report.occurred_at).replace(tzinfo=None) == datetime.datetime.combine(
        day, datetime.time(9, 15)
    )
    assert not report.occurred_approximate


def test_the_hurt_question_speaks_to_who_it_happened_to(client, organisation):
    page = report_pages(client, answers={"who": {"relationship": "witnessed"}, "hurt": {}}, send=False)
    assert "Was the person it happened to physically hurt?" in page.content.decode()
    assert "Select if they were hurt" in page.content.decode()
    page = report_pages(client, answers={"hurt": {}}, send=False)
    assert "Were you physically hurt?" in page.content.decode()


def test_back_and_change_keep_the_answers(client, organisation):
    page = report_pages(client, send=False)
    assert step_of(page) == "check"
    back = answer(client, page, ANONYMOUS, action="back")
    assert step_of(back) == "hurt" and "checked" in back.content.decode()
    back = answer(client, back, ANONYMOUS, action="back")
    assert step_of(back) == "who"
    # Change from "Check your answers" goes to the question and straight back.
    check = answer(client, back, ANONYMOUS, relationship="targeted")  # the later answers are kept
    assert step_of(check) == "check"
    change = answer(client, check, ANONYMOUS, change="where")
    assert step_of(change) == "where" and "Emergency department" in change.content.decode()
    check = answer(client, change, ANONYMOUS, setting="phone")
    assert step_of(check) == "check" and "Phone" in check.content.decode()
    answer(client, check, ANONYMOUS, action="send")
    assert IncidentReport.objects.get().setting == "phone"


def test_changing_who_it_happened_to_changes_the_hurt_question(client, organisation):
    check = report_pages(client, send=False)
    change = answer(client, check, ANONYMOUS, change="who")
    check = answer(client, change, ANONYMOUS, relationship="on_behalf")
    assert "Was the person it happened to physically hurt" in check.content.decode()


@pytest.mark.parametrize("payload", ["", "not-a-payload", "gAAAAAB" + "A" * 120])
def test_a_tampered_payload_gets_a_clear_error_page(client, organisation, payload):
    response = client.post(ANONYMOUS, {"journey": payload, "category": "verbal_abuse"})
    assert response.status_code == 400
    assert "There is a problem with your answers" in response.content.decode()
    assert reverse("incidents:report_start") in response.content.decode()
    assert not IncidentReport.objects.exists()


def test_an_expired_payload_gets_a_clear_error_page(client, organisation, monkeypatch):
    page = report_pages(client, send=False)
    later = time.time() + 5 * 60 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = answer(client, page, ANONYMOUS, action="send")
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert not IncidentReport.objects.exists()


def test_a_payload_from_another_mode_is_refused(client, login, reporter, organisation):
    page = report_pages(client, send=False)
    login(reporter)
    response = client.post(
        reverse("incidents:report_form", args=["named"]), {"journey": payload_of(page), "action": "send"}
    )
    assert response.status_code == 400 and not IncidentReport.objects.exists()


def test_sending_twice_stores_one_report_and_shows_the_code_once(client, organisation):
    check = report_pages(client, send=False)
    first = answer(client, check, ANONYMOUS, action="send")
    again = answer(client, check, ANONYMOUS, action="send")  # a refresh, a double click, a retry
    assert IncidentReport.objects.count() == 1
    report = IncidentReport.objects.get()
    assert code_of(first) and not CODE_RE.search(again.content.decode())
    assert "already been sent" in again.content.decode() and report.reference in again.content.decode()
    assert "Tell us more" not in again.content.decode()
    # The key is stored only as a keyed hash.
    assert report.submission_key and payload_of(check) not in report.submission_key


def test_bullying_asks_who_it_was_and_shuts_them_out_from_the_start(
    client, login, reporter, organisation, make_user, handler, mailoutbox, django_capture_on_commit_callbacks
):
    subject = make_user("incident_handler", organisation=organisation, email="subject@example.org")
    manager = make_user("incident_handler", organisation=organisation, email="boss@example.org")
    login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        report_pages(
            client,
            mode="confidential",
            answers={
                "what": {"category": "bullying", "narrative": "Shouted at in front of patients."},
                "colleague": {
                    "source": "manager",
                    "subject_email": "Subject@example.org",
                    "subject_manager_email": "boss@example.org",
                },
            },
        )
    report = IncidentReport.objects.get()
    assert report.source == "manager"
    assert set(report.exclusions.values_list("user", flat=True)) == {subject.pk, manager.pk}
    assert report.exclusions.get(user=subject).reason == CaseExclusion.Reason.NAMED_SUBJECT
    # They are not even told a report has arrived.
    assert [m.to for m in mailoutbox] == [[handler.email]]


def test_the_colleague_page_is_optional_and_only_for_bullying(client, organisation):
    page = report_pages(client, answers={"what": {"category": "bullying", "narrative": "x"}}, send=False)
    assert step_of(page) == "check" and "Who bullied you" in page.content.decode()
    answer(client, page, ANONYMOUS, action="send")
    assert IncidentReport.objects.get().source == "colleague"
    page = report_pages(client, send=False)
    assert "Who bullied you" not in page.content.decode()


def test_a_colleague_named_when_telling_more_is_shut_out(client, organisation, make_user):
    subject = make_user("incident_handler", organisation=organisation, email="subject@example.org")
    sent = report_pages(client, answers={"what": {"category": "harassment", "narrative": "Followed home."}})
    tell_more(
        client,
        sent,
        answers={"source": {"source": "colleague"}, "subject": {"subject_email": "subject@example.org"}},
    )
    report = IncidentReport.objects.get()
    assert report.source == "colleague"
    assert list(report.exclusions.values_list("user", flat=True)) == [subject.pk]


def test_subject_emails_ignored_when_source_is_not_a_colleague(client, organisation, make_user):
    make_user("incident_handler", organisation=organisation, email="handler2@example.org")
    sent = report_pages(client)
    tell_more(
        client,
        sent,
        answers={"source": {"source": "patient"}, "subject": {"subject_email": "handler2@example.org"}},
    )
    assert not CaseExclusion.objects.exists()


def test_over_three_days_off_with_injury_opens_a_riddor_candidate(client, organisation):
    sent = report_pages(client, answers={"hurt": {"injury": "moderate"}})
    assert not RiddorAssessment.objects.exists()
    tell_more(client, sent, answers={"treatment": {"treatment": "gp", "days_off": "9"}})
    assert IncidentReport.objects.get().riddor.state == RiddorAssessment.State.CANDIDATE


def test_new_report_emails_the_organisations_handlers(
    client, organisation, handler, other_org_handler, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_pages(client, organisation)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [handler.email]
    assert "racist" not in mailoutbox[0].body  # no narrative in e-mail


def test_the_new_report_task_is_written_in_the_reports_transaction(
    client, organisation, settings, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    from covenant.incidents.services import reporting

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    report_pages(client)
    report = IncidentReport.objects.get()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [report.pk]
    # A report that fails to be stored leaves no task behind: the task row is part of the same transaction.
    check = report_pages(client, send=False)

    written = reporting.insert_together

    def broken(*rows):
        written(
            *rows
        )  # the workflow step, the audit line and the task row are written, then the database fails
        raise RuntimeError("the database went away")

    monkeypatch.setattr(reporting, "insert_together", broken)
    with pytest.raises(RuntimeError):
        answer(client, check, ANONYMOUS, action="send")
    assert IncidentReport.objects.count() == 1 and DBTaskResult.objects.count() == 1
    from cms.accounts.models import AnonymousAuditEvent
    from covenant.incidents.models import CaseTransition

    assert CaseTransition.objects.count() == 1 and AnonymousAuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_sent_twice_outside_any_transaction_one_report_and_its_rows_once(client, organisation, settings):
    """As in production (no test transaction around the request): the second send of the same journey fails on the
    submission key, its whole transaction rolls back, and the first report is shown again; its workflow step,
    audit line and e-mail task exist once."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from cms.accounts.models import AnonymousAuditEvent
    from covenant.incidents.models import CaseTransition

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    check = report_pages(client, send=False)
    assert not connection.in_atomic_block
    first = answer(client, check, ANONYMOUS, action="send")
    again = answer(client, check, ANONYMOUS, action="send")
    report = IncidentReport.objects.get()
    assert code_of(first) and "already been sent" in again.content.decode()
    assert report.reference in again.content.decode()
    assert CaseTransition.objects.filter(report=report).count() == 1
    assert AnonymousAuditEvent.objects.filter(action="incident.submitted").count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="notify_handlers_of_new_report").count() == 1


def test_the_same_key_from_someone_else_is_refused_and_stores_nothing(
    submit, reporter, make_user, organisation
):
    from django.core.exceptions import PermissionDenied

    first, _ = submit(reporter=reporter, mode="named", submission_key="journey-token-1")
    other = make_user("incident_reporter", organisation=organisation, email="other@example.org")
    with pytest.raises(PermissionDenied):
        submit(reporter=other, mode="named", submission_key="journey-token-1")
    with pytest.raises(PermissionDenied):  # the same reporter, another mode
        submit(reporter=reporter, mode="confidential", submission_key="journey-token-1")
    again, code = submit(reporter=reporter, mode="named", submission_key="journey-token-1")
    assert again.pk == first.pk and again.sent_before and code is None
    assert IncidentReport.objects.count() == 1


def test_a_failure_other_than_a_repeated_key_is_raised_and_writes_nothing(submit, monkeypatch):
    """Only the submission key's clash means "sent before"; any other IntegrityError (here from the rows written
    after the report, or from the report's own insert while an earlier report holds the same key) rolls the whole
    send back and is raised, never taken for a repeat."""
    from django.db import IntegrityError

    from covenant.incidents.models import CaseTransition
    from covenant.incidents.services import reporting

    def broken(*args, **kwargs):
        raise IntegrityError("another constraint")

    submit(submission_key="journey-token-2")
    with monkeypatch.context() as patched:
        patched.setattr(reporting, "insert_together", broken)
        with pytest.raises(IntegrityError):
            submit(submission_key="journey-token-3")
    with monkeypatch.context() as patched:
        patched.setattr(IncidentReport, "save", broken)
        with pytest.raises(IntegrityError):
            submit(submission_key="journey-token-2")
    assert IncidentReport.objects.count() == 1 and CaseTransition.objects.count() == 1
