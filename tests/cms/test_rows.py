"""cms/rows.py: new rows written together in one round trip (one statement on PostgreSQL), as `save()` would write
them, and the task queue's row for a task, the one `enqueue` writes and the worker runs."""

import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from cms.accounts.models import AnonymousAuditEvent
from cms.audit import anonymous_audit_row
from cms.rows import insert_together, prepared_cursor, queued_task_row, unique_violation
from covenant.incidents.models import CaseTransition
from covenant.incidents.tasks import notify_handlers_of_new_report
from demo.factories.incidents import IncidentReportFactory

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_rows_are_written_together_as_save_would_write_them(settings):
    settings.TASKS = DATABASE_QUEUE
    line = anonymous_audit_row(
        action="test.done", actor_label="anonymous", summary="one\x00 line", detail={"n": 1}
    )
    task = queued_task_row(notify_handlers_of_new_report, 7)
    with CaptureQueriesContext(connection) as queries:
        insert_together(line, task)
    # One statement on PostgreSQL; one INSERT a row elsewhere (SQLite has no INSERT inside WITH).
    assert len(queries.captured_queries) == (1 if connection.vendor == "postgresql" else 2)
    stored = AnonymousAuditEvent.objects.get(pk=line.pk)
    assert (stored.action, stored.summary, stored.detail, stored.hour) == (
        "test.done",
        "one line",
        {"n": 1},
        line.hour,
    )
    row = DBTaskResult.objects.get(pk=task.pk)
    assert row.enqueued_at is not None  # auto_now_add, as save() sets it
    assert not line._state.adding and not task._state.adding


def test_a_database_made_key_is_left_to_the_database():
    report = IncidentReportFactory()
    before = CaseTransition.objects.count()
    first = CaseTransition(report=report, action="note", to_status="submitted", actor_label="test")
    second = CaseTransition(report=report, action="note", to_status="submitted", actor_label="test")
    insert_together(first, second)
    assert CaseTransition.objects.count() == before + 2
    assert len(set(CaseTransition.objects.values_list("pk", flat=True))) == before + 2


def test_the_task_row_is_the_one_enqueue_writes_and_the_worker_runs_it(settings, monkeypatch):
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = DATABASE_QUEUE
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    report = IncidentReportFactory()
    ours = queued_task_row(notify_handlers_of_new_report, report.pk)
    insert_together(ours)
    notify_handlers_of_new_report.enqueue(report.pk)
    theirs = DBTaskResult.objects.exclude(pk=ours.pk).get()
    shown = ("args_kwargs", "priority", "task_path", "queue_name", "run_after", "backend_name", "status")
    assert [getattr(ours, name) for name in shown] == [getattr(theirs, name) for name in shown]
    uuid.UUID(str(ours.pk))

    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    ours.refresh_from_db()
    assert ours.status == "SUCCESSFUL"


def test_no_task_row_when_tasks_do_not_run_on_the_database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert queued_task_row(notify_handlers_of_new_report, 1) is None


def test_a_foreign_key_takes_the_id_of_its_object_saved_after_the_row_was_made():
    """As save(): the row is made before its report is stored, and still points at it."""
    report = IncidentReportFactory.build(organisation=IncidentReportFactory().organisation)
    transition = CaseTransition(report=report, action="submit", to_status="submitted", actor_label="test")
    report.save()
    insert_together(transition)
    assert CaseTransition.objects.get(action="submit").report_id == report.pk


def test_what_a_plain_insert_cannot_write_as_save_would_is_refused():
    report = IncidentReportFactory()
    with pytest.raises(ValueError, match="No rows"):
        insert_together()
    with pytest.raises(ValueError, match="the database makes its key"):
        insert_together(CaseTransition(pk=10_000, report=report, action="note", to_status="submitted"))
    assert not CaseTransition.objects.filter(pk=10_000).exists()


@pytest.mark.parametrize("threshold", [None, 1])
def test_a_prepared_statement_is_prepared_once_and_logged_every_time(threshold):
    """`prepared_cursor`: on PostgreSQL the same text runs prepared from its second run when the connection
    prepares (`DATABASE_PREPARED_STATEMENTS`), and never when it does not (Django's own cursors never are); errors
    are Django's, and the query log shows the statement on every run."""
    from django.db import IntegrityError

    statement = "SELECT CAST(%s AS integer) + 1"
    connection.ensure_connection()
    kept = getattr(connection.connection, "prepare_threshold", None)
    if connection.vendor == "postgresql":
        connection.connection.prepare_threshold = threshold
    try:
        with CaptureQueriesContext(connection) as queries:
            for value in (1, 2, 3):
                with prepared_cursor() as cursor:
                    cursor.execute(statement, [value])
                    assert cursor.fetchone()[0] == value + 1
            with connection.cursor() as cursor:  # Django's own cursor: never prepared
                for value in (1, 2, 3):
                    cursor.execute("SELECT CAST(%s AS integer) + 2", [value])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'SELECT CAST%%'"
                )
                prepared = [row[0] for row in cursor.fetchall()]
            assert prepared == ([] if threshold is None else ["SELECT CAST($1 AS integer) + 1"])
    finally:
        if connection.vendor == "postgresql":
            connection.connection.prepare_threshold = kept
    logged = [query["sql"] for query in queries.captured_queries]
    assert len(logged) == 6 and all(sql and "+ 1" in sql for sql in logged[:3])
    table = AnonymousAuditEvent._meta.db_table
    with pytest.raises(IntegrityError), prepared_cursor() as cursor:  # noqa: PT012
        cursor.execute(f"INSERT INTO {table} (id) VALUES (NULL)")  # noqa: S608  # nosec B608  # the model's table


def test_a_unique_violation_is_told_from_other_integrity_errors():
    from django.db import IntegrityError, transaction

    from covenant.incidents.models import IncidentReport

    first = IncidentReportFactory(submission_key="a-key")
    with pytest.raises(IntegrityError) as clash, transaction.atomic():
        IncidentReportFactory(submission_key="a-key", organisation=first.organisation)
    assert unique_violation(clash.value, IncidentReport, "submission_key")
    assert not unique_violation(clash.value, IncidentReport, "receipt_index")
    table = IncidentReport._meta.db_table
    with pytest.raises(IntegrityError) as missing, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET submission_key = NULL WHERE id = %s", [first.pk])  # noqa: S608  # nosec B608  # the model's table
    assert not unique_violation(missing.value, IncidentReport, "submission_key")
