"""A task worker killed in the middle of a task: the task is run again and its e-mail goes out once.

These tests use the database task backend (the test settings use the immediate one) and run the real worker,
`manage.py run_worker --batch`, which puts abandoned tasks back on the queue before it runs them.
"""

import datetime
import logging
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import task_started
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from cms.models import TaskReceipt, TaskWorker
from cms.taskqueue import GAVE_UP, message_id, requeue_abandoned_tasks, this_machine, worker_presence
from covenant.consultation import receipts
from covenant.consultation.tasks import send_response_receipt
from covenant.incidents.models import ReportingMode
from covenant.incidents.tasks import notify_handlers_of_new_report, notify_reporter_of_outcome
from demo.factories.consultation import ConsultationResponseFactory, consultation_page
from demo.factories.incidents import IncidentReportFactory

HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def database_tasks(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Between tasks the worker closes connections it finds outside autocommit; inside the test's transaction
    # that would be the test's own connection (PostgreSQL; SQLite ignores closing its in-memory database).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS_STALE_AFTER = 300
    settings.TASKS_MAX_ATTEMPTS = 3
    # The worker sets its loggers' levels from its verbosity; leave them as the other tests expect.
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def new_report(organisation, make_user):
    make_user("incident_handler", organisation=organisation, email="handler@example.org")
    return IncidentReportFactory(organisation=organisation)


def run_worker() -> None:
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


def killed_mid_task(result_id, *, started_ago=HOUR, worker_ids=("gone-1234-abcdefgh",)) -> None:
    """What a worker killed with SIGKILL leaves behind: the task still RUNNING, claimed by the dead worker."""
    DBTaskResult.objects.filter(pk=result_id).update(
        status="RUNNING", started_at=timezone.now() - started_ago, worker_ids=list(worker_ids)
    )


def finished_pid() -> int:
    """The id of a process that has exited (and been reaped), so no process has it now."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    process.wait()
    return process.pid


def handler_emails(report) -> list:
    return [message for message in mail.outbox if report.reference in message.subject]


def test_a_task_whose_worker_was_killed_before_sending_is_run_again_and_emails_once(new_report):
    result = notify_handlers_of_new_report.enqueue(new_report.pk)
    killed_mid_task(result.id)

    run_worker()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.return_value == 1
    assert len(row.worker_ids) == 2  # the dead worker's attempt and this one
    assert len(handler_emails(new_report)) == 1
    assert mail.outbox[0].to == ["handler@example.org"]


def test_a_task_killed_after_its_email_went_out_completes_without_sending_again(new_report):
    result = notify_handlers_of_new_report.enqueue(new_report.pk)
    run_worker()
    assert len(handler_emails(new_report)) == 1
    # Killed after the e-mail and its receipt were committed, before the worker recorded success.
    killed_mid_task(result.id, worker_ids=DBTaskResult.objects.get(pk=result.id).worker_ids)

    run_worker()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    assert len(row.worker_ids) == 2
    assert len(handler_emails(new_report)) == 1
    assert TaskReceipt.objects.filter(task="incidents.new_report", key=str(new_report.pk)).count() == 1


def test_a_task_of_a_worker_whose_process_has_gone_is_put_back_at_once(new_report):
    result = notify_handlers_of_new_report.enqueue(new_report.pk)
    TaskWorker.objects.create(
        worker_id="here-1-dead", hostname=this_machine(), pid=finished_pid(), last_seen=timezone.now()
    )
    killed_mid_task(result.id, started_ago=datetime.timedelta(seconds=5), worker_ids=["here-1-dead"])

    out = StringIO()
    call_command("requeue_abandoned_tasks", stdout=out)

    assert "1 abandoned task(s) put back on the queue, 0 given up." in out.getvalue()
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
    assert not TaskWorker.objects.filter(worker_id="here-1-dead").exists()
    run_worker()
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert len(handler_emails(new_report)) == 1


def test_a_task_of_a_worker_that_stopped_its_heartbeat_is_put_back(new_report, settings):
    settings.TASKS_WORKER_HEARTBEAT = 15
    result = notify_handlers_of_new_report.enqueue(new_report.pk)
    TaskWorker.objects.create(
        worker_id="elsewhere-7-quiet",
        hostname="another-machine",
        pid=7,
        last_seen=timezone.now() - datetime.timedelta(minutes=2),
    )
    killed_mid_task(result.id, started_ago=datetime.timedelta(seconds=90), worker_ids=["elsewhere-7-quiet"])

    call_command("requeue_abandoned_tasks", stdout=StringIO())

    assert DBTaskResult.objects.get(pk=result.id).status == "READY"


def test_tasks_of_live_workers_and_recent_tasks_are_left_running(new_report, settings):
    settings.TASKS_WORKER_HEARTBEAT = 15
    long_task = notify_handlers_of_new_report.enqueue(new_report.pk)
    recent_task = notify_handlers_of_new_report.enqueue(new_report.pk)
    # A worker on this machine whose process exists and which beat a moment ago: its long task is not abandoned.
    TaskWorker.objects.create(
        worker_id="here-alive", hostname=this_machine(), pid=os.getppid(), last_seen=timezone.now()
    )
    killed_mid_task(long_task.id, started_ago=3 * HOUR, worker_ids=["here-alive"])
    # A worker we know nothing of, within the lease.
    killed_mid_task(
        recent_task.id, started_ago=datetime.timedelta(seconds=60), worker_ids=["plain-db-worker"]
    )

    out = StringIO()
    call_command("requeue_abandoned_tasks", stdout=out)

    assert "0 abandoned task(s)" in out.getvalue()
    assert DBTaskResult.objects.get(pk=long_task.id).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=recent_task.id).status == "RUNNING"
    assert mail.outbox == []


def test_a_task_whose_workers_died_too_often_is_given_up_and_logged(new_report, caplog):
    result = notify_handlers_of_new_report.enqueue(new_report.pk)
    killed_mid_task(result.id, worker_ids=["gone-1", "gone-2", "gone-3"])

    with caplog.at_level(logging.ERROR, logger="cms.taskqueue"):
        run_worker()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED"
    assert row.exception_class_path == GAVE_UP
    assert "Gave up after 3 attempts" in row.traceback
    assert row.finished_at is not None
    assert any(str(result.id) in record.getMessage() for record in caplog.records)
    assert mail.outbox == []


def test_a_task_stopped_by_a_forced_shutdown_is_run_again(new_report):
    result = notify_handlers_of_new_report.enqueue(new_report.pk)
    # A second SIGTERM makes db_worker raise SystemExit inside the task, which it records as a failure.
    DBTaskResult.objects.filter(pk=result.id).update(
        status="FAILED",
        started_at=timezone.now() - datetime.timedelta(seconds=30),
        finished_at=timezone.now(),
        worker_ids=["stopped-1"],
        exception_class_path="builtins.SystemExit",
        traceback="SystemExit: 1",
    )

    run_worker()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.traceback == ""
    assert len(handler_emails(new_report)) == 1


def test_a_receipt_enqueued_twice_is_sent_once_with_a_message_id_made_from_its_key(db):
    response = ConsultationResponseFactory(consultation=consultation_page())
    first = send_response_receipt.enqueue(response_id=response.pk, receipt_ref=receipts.hold("a@example.org"))
    again = send_response_receipt.enqueue(response_id=response.pk, receipt_ref=receipts.hold("a@example.org"))

    run_worker()

    assert DBTaskResult.objects.get(pk=first.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=again.id).status == "SUCCESSFUL"
    assert len(mail.outbox) == 1
    assert response.reference in mail.outbox[0].subject
    sent_id = mail.outbox[0].message()["Message-ID"]
    assert sent_id == message_id(task="consultation.receipt", key=str(response.pk))


def test_the_outcome_is_sent_once_per_closure(organisation, make_user):
    reporter = make_user(email="reporter@example.org")
    report = IncidentReportFactory(
        organisation=organisation, mode=ReportingMode.NAMED, reporter=reporter, wants_feedback=True
    )
    report.closed_at = timezone.now()
    report.save(update_fields=["closed_at"])

    assert notify_reporter_of_outcome.call(report.pk) is True
    assert notify_reporter_of_outcome.call(report.pk) is True
    assert len(mail.outbox) == 1

    report.closed_at = None  # reopened: a closed-case e-mail still queued is no longer true
    report.save(update_fields=["closed_at"])
    assert notify_reporter_of_outcome.call(report.pk) is False

    report.closed_at = timezone.now() + datetime.timedelta(seconds=1)  # closed again: news again
    report.save(update_fields=["closed_at"])
    notify_reporter_of_outcome.call(report.pk)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["reporter@example.org"]


def test_the_worker_registers_while_it_runs_and_unregisters_when_it_stops(new_report):
    seen = []

    def during(*args, **kwargs):
        seen.extend(TaskWorker.objects.values_list("worker_id", "hostname", "pid"))

    task_started.connect(during)
    try:
        result = notify_handlers_of_new_report.enqueue(new_report.pk)
        run_worker()
    finally:
        task_started.disconnect(during)

    worker_id = DBTaskResult.objects.get(pk=result.id).worker_ids[-1]
    assert seen == [(worker_id, this_machine(), os.getpid())]
    assert not TaskWorker.objects.exists()


def test_a_worker_stopped_with_a_task_unfinished_is_marked_dead_so_the_task_goes_back(new_report):
    # The autoreloader (DEBUG) stops a worker process whatever its task thread is doing.
    result = notify_handlers_of_new_report.enqueue(new_report.pk)
    with worker_presence(worker_id="reloaded-1"):
        killed_mid_task(result.id, started_ago=datetime.timedelta(seconds=1), worker_ids=["reloaded-1"])

    assert TaskWorker.objects.filter(worker_id="reloaded-1").exists()
    assert requeue_abandoned_tasks().requeued == [str(result.id)]
    assert not TaskWorker.objects.exists()
