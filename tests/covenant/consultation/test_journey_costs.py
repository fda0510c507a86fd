"""What a response costs the server: no SQL on any step of an anonymous visitor, and one statement (SQLite: two)
and one commit to store it, idempotent inside the insert; the cached pages follow every publication."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from covenant.consultation.models import Answer, ConsultationResponse
from covenant.consultation.selectors.live import consultation_live
from covenant.consultation.services.sending import response_send

from .journey import ABOUT, FULL_ANSWERS, answer_everything, post, respond_url, section_data, send

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def statements(captured) -> list[str]:
    """The statements sent, without the savepoints that stand for the transaction inside a test's own."""
    return [
        query["sql"].upper()
        for query in captured.captured_queries
        if not query["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_no_step_of_the_journey_makes_a_query(client, consultation, django_assert_num_queries):
    answer_everything(Client(), consultation)  # the first visitor after a publication fills the caches
    sections = {step: section_data(consultation, step, FULL_ANSWERS) for step in (1, 2, 3)}
    with django_assert_num_queries(0):
        page = client.get(respond_url(consultation))
        page = post(client, consultation, page, ABOUT)
        page = post(client, consultation, page, sections[1])
        page = post(client, consultation, page, action="back")
        page = post(client, consultation, page, sections[1])
        for step in (2, 3):
            page = post(client, consultation, page, sections[step])
        page = post(client, consultation, page, change="about")
        check = post(client, consultation, page, ABOUT)
        save_page = post(client, consultation, check, action="save")
        post(client, consultation, save_page, action="return")
    assert "Check your answers" in check.content.decode()
    assert "sessionid" not in client.cookies


def _about():
    return {key: value for key, value in ABOUT.items() if key != "email"}


def _answers(page):
    question = page.questions[0]
    return {str(question.uuid): {"selected": ["Agree"], "text": "Because."}}


@pytest.mark.parametrize("tasks", ["dummy", "database"])
def test_a_response_is_stored_by_one_statement_and_one_commit_with_no_select_before_it(
    consultation, settings, tasks
):
    settings.TASKS = (
        DUMMY_TASKS if tasks == "dummy" else {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    )
    page = consultation_live(pk=consultation.pk)
    key = "2f1e9b8c-1234-4cde-9abc-0123456789ab"
    with CaptureQueriesContext(connection) as captured:
        sent = response_send(consultation=page, about=_about(), answers=_answers(page), idempotency_key=key)
    sql = statements(captured)
    writes = [text for text in sql if text.startswith(("INSERT", "WITH"))]
    assert not any(text.startswith("SELECT") for text in sql)
    # The response, its answers and (with the database task queue) the background check's task row: one statement
    # on PostgreSQL, an INSERT each on SQLite (no INSERT in WITH), in one transaction.
    if connection.vendor == "postgresql":
        expected = 1
    else:
        expected = 2 + (1 if tasks == "database" else 0)
    assert len(writes) == len(sql) == expected
    if tasks == "database":
        assert DBTaskResult.objects.filter(task_path__endswith="response_check").count() == 1
    assert "ON CONFLICT" in sql[0] and "DO NOTHING" in sql[0]
    assert sent.created
    assert Answer.objects.filter(response_id=sent.pk).count() == 1

    with CaptureQueriesContext(connection) as again:
        repeat = response_send(consultation=page, about=_about(), answers=_answers(page), idempotency_key=key)
    assert repeat == type(sent)(pk=sent.pk, reference=sent.reference, created=False)
    assert ConsultationResponse.objects.count() == 1 and Answer.objects.count() == 1
    # The insert that finds the key taken, then the read of the response that has it: for repeats only.
    assert [text.split()[0] for text in statements(again)][-1] == "SELECT"
    assert len(statements(again)) == 2


def test_the_send_request_makes_no_other_statement(client, consultation, settings):
    settings.TASKS = DUMMY_TASKS
    check = answer_everything(client, consultation)
    with CaptureQueriesContext(connection) as captured:
        sent = send(client, consultation, check)
    assert sent.status_code == 200
    assert len(statements(captured)) == (1 if connection.vendor == "postgresql" else 2)


def test_the_background_check_flags_and_raises_the_referral_once(consultation):
    from covenant.consultation.checks import response_check_run
    from covenant.consultation.models import SafeguardingReferral

    page = consultation_live(pk=consultation.pk)
    first = page.questions[0]
    answers = {
        str(first.uuid): {"selected": ["Agree"], "text": "He hits me at home and I am scared. 07700 900123"}
    }
    settings_tasks = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django.test import override_settings

    with override_settings(TASKS=settings_tasks):
        sent = response_send(
            consultation=page,
            about=_about(),
            answers=answers,
            idempotency_key="6f1e9b8c-1234-4cde-9abc-0123456789ab",
        )
    stored = ConsultationResponse.objects.get(pk=sent.pk)
    assert not stored.personal_data_flagged and not stored.fingerprint  # not checked yet
    checked = response_check_run(response_id=sent.pk)
    assert checked.personal_data_flagged and checked.fingerprint
    response_check_run(response_id=sent.pk)  # a second run changes nothing
    assert SafeguardingReferral.objects.filter(response_id=sent.pk).count() == int(
        checked.safeguarding_flagged
    )


def test_the_cached_consultation_follows_each_publication(client, consultation):
    first = consultation.active_questions().first()
    assert consultation_live(pk=consultation.pk).questions[0].text == first.text
    definition = consultation.question_definitions.get(uuid=first.uuid)
    definition.text = "A reworded first question?"
    definition.save()
    consultation.save_revision().publish()
    assert consultation_live(pk=consultation.pk).questions[0].text == "A reworded first question?"
    page = post(client, consultation, client.get(respond_url(consultation)), ABOUT)
    assert "A reworded first question?" in page.content.decode()
    consultation.unpublish()
    assert client.get(respond_url(consultation)).status_code == 404


def test_a_consultation_closing_is_seen_without_a_publication(consultation):
    live = consultation_live(pk=consultation.pk)
    assert live.is_open
    consultation.closes_at = timezone.now()
    consultation.save()
    assert not consultation_live(pk=consultation.pk).is_open


def test_the_check_row_written_with_the_response_is_one_the_worker_runs(consultation, settings, monkeypatch):
    """The background check's row goes into the task table by our own INSERT (with the response, one statement on
    PostgreSQL): it is the row the queue's enqueue would write, and the worker runs it."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    page = consultation_live(pk=consultation.pk)
    first = page.questions[0]
    answers = {str(first.uuid): {"selected": ["Agree"], "text": "Call me on 07700 900123 about it."}}
    sent = response_send(
        consultation=page,
        about=_about(),
        answers=answers,
        idempotency_key="7a1e9b8c-1234-4cde-9abc-0123456789ab",
    )
    row = DBTaskResult.objects.get(task_path__endswith="response_check")
    assert row.args_kwargs == {"args": [], "kwargs": {"response_id": sent.pk}}
    assert row.status == "READY" and row.task.func.__name__ == "response_check"
    assert row.task_result.task.name == "response_check" and row.task.run_after is None

    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    stored = ConsultationResponse.objects.get(pk=sent.pk)
    assert stored.personal_data_flagged and stored.fingerprint
