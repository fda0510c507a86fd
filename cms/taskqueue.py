"""Background tasks that survive the death of their worker.

django-tasks-db marks a task RUNNING when a worker claims it, and if that worker is killed (SIGKILL, out of
memory, a lost machine) the task stays RUNNING: nothing runs it again. Two halves make a killed worker harmless:

- `requeue_abandoned_tasks()` puts such tasks back on the queue, and gives up on one (FAILED, logged) once
  workers have claimed it TASKS_MAX_ATTEMPTS times. The attempt count is the library's own list of the workers
  that claimed the task (`DBTaskResult.worker_ids`, one entry per claim). `manage.py run_worker` calls it when it
  starts and about every minute after; `manage.py requeue_abandoned_tasks` calls it once.
- `run_once()` and `email_send_once()` write a receipt in the same transaction as the side effect and check it
  first, so a task run again after its e-mail went out does not send it twice.

How a task is known to be abandoned: workers started with `run_worker` record a heartbeat (`TaskWorker`), so a
task whose worker has stopped beating, or whose process has gone from this machine, is put back at once, and a
task whose worker is alive is left alone however long it takes. A task claimed by a worker we know nothing of
(plain `db_worker`) is put back once it has been running for TASKS_STALE_AFTER seconds.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import TaskReceipt, TaskWorker

logger = logging.getLogger(__name__)

# A worker that has missed this many heartbeats in a row is dead; a running worker also looks for abandoned
# tasks once every this many heartbeats.
MISSED_HEARTBEATS = 4
# A forced shutdown (a second SIGTERM or Ctrl+C) makes the library record the task it stopped as FAILED with
# one of these. Such a task was interrupted, not wrong, so it is run again like one whose worker was killed.
INTERRUPTED = ("builtins.SystemExit", "builtins.KeyboardInterrupt")
# Interrupted tasks older than this are left for a person to look at rather than re-run long after the event.
INTERRUPTED_WITHIN = timedelta(days=1)


class WorkerLost(Exception):
    """The failure recorded on a task given up after its workers died TASKS_MAX_ATTEMPTS times."""


GAVE_UP = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


# --- workers --------------------------------------------------------------------------------------------------
def this_machine() -> str:
    """The host name and, on Linux, the PID namespace: process ids can only be checked within the same one."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()} {namespace}".strip()[:255]


def worker_id_new() -> str:
    host = socket.gethostname().split(".")[0][:32]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _why_dead(worker: TaskWorker, *, now: datetime, current_worker_id: str | None) -> str | None:
    """Why the worker is dead, or None when it may still be alive."""
    silent_for = timedelta(seconds=settings.TASKS_WORKER_HEARTBEAT * MISSED_HEARTBEATS)
    if worker.last_seen < now - silent_for:
        return f"no heartbeat since {worker.last_seen.isoformat(timespec='seconds')}"
    if worker.worker_id != current_worker_id and worker.hostname == this_machine():
        # Our own pid recorded for another worker means that worker's process is gone (a restarted container).
        if worker.pid == os.getpid() or not _process_alive(worker.pid):
            return f"process {worker.pid} has gone"
    return None


def _heartbeat(worker_id: str) -> None:
    TaskWorker.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": this_machine(), "pid": os.getpid(), "last_seen": timezone.now()},
    )


def _heartbeat_loop(worker_id: str, stop: threading.Event) -> None:
    beats = 0
    try:
        while not stop.wait(settings.TASKS_WORKER_HEARTBEAT):
            beats += 1
            try:
                _heartbeat(worker_id)
                if beats % MISSED_HEARTBEATS == 0:
                    requeue_abandoned_tasks(current_worker_id=worker_id)
            except Exception:
                # Keep beating: a database that is briefly away must not silence a live worker for good.
                logger.exception("Task worker %s could not record its heartbeat", worker_id)
                connection.close()
    finally:
        connection.close()


@contextmanager
def worker_presence(*, worker_id: str) -> Iterator[None]:
    """Register a worker, put back what dead workers left, and keep saying it is alive until the block ends."""
    _heartbeat(worker_id)
    requeue_abandoned_tasks(current_worker_id=worker_id)
    stop = threading.Event()
    thread = threading.Thread(
        target=_heartbeat_loop, args=(worker_id, stop), name=f"heartbeat-{worker_id}", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
        try:
            _unregister(worker_id)
        except DatabaseError:
            logger.warning("Task worker %s could not unregister; its heartbeat will time out", worker_id)


def _unregister(worker_id: str) -> None:
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
        "worker_ids", flat=True
    )
    if any(worker_ids[-1:] == [worker_id] for worker_ids in running):
        # Stopped with a task unfinished (the autoreloader restarting it): mark it dead, so the next look for
        # abandoned tasks puts that task back at once.
        TaskWorker.objects.filter(worker_id=worker_id).update(last_seen=timezone.now() - timedelta(days=1))
    else:
        TaskWorker.objects.filter(worker_id=worker_id).delete()


# --- abandoned tasks ------------------------------------------------------------------------------------------
@dataclass
class Requeued:
    requeued: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)


def _why_abandoned(
    task: DBTaskResult, *, workers: dict[str, TaskWorker], dead: dict[str, str], stale_before: datetime
) -> str | None:
    if task.status == TaskResultStatus.FAILED:
        return "stopped by a forced shutdown of its worker"
    worker_id = task.worker_ids[-1] if task.worker_ids else None
    if worker_id in workers:
        return f"its worker {worker_id} is dead: {dead[worker_id]}" if worker_id in dead else None
    if task.started_at is None or task.started_at < stale_before:
        started = task.started_at.isoformat(timespec="seconds") if task.started_at else "an unknown time"
        return f"running since {started} and its worker {worker_id} is not known to be alive"
    return None


def requeue_abandoned_tasks(*, current_worker_id: str | None = None) -> Requeued:
    """Put tasks left running by dead workers back on the queue, or give up on them after too many attempts.

    Safe to run from several workers at once: each task is changed only if it is still as it was read.
    """
    now = timezone.now()
    outcome = Requeued()
    workers = {worker.worker_id: worker for worker in TaskWorker.objects.all()}
    dead = {
        worker_id: reason
        for worker_id, worker in workers.items()
        if (reason := _why_dead(worker, now=now, current_worker_id=current_worker_id)) is not None
    }
    candidates = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.RUNNING)
        | Q(
            status=TaskResultStatus.FAILED,
            exception_class_path__in=INTERRUPTED,
            finished_at__gte=now - INTERRUPTED_WITHIN,
        )
    ).only("id", "status", "started_at", "worker_ids", "task_path")
    stale_before = now - timedelta(seconds=settings.TASKS_STALE_AFTER)
    for task in candidates:
        reason = _why_abandoned(task, workers=workers, dead=dead, stale_before=stale_before)
        if reason is not None:
            _requeue(task, reason=reason, now=now, outcome=outcome)
    if dead:
        # Their tasks are dealt with; a worker wrongly thought dead registers again at its next heartbeat.
        TaskWorker.objects.filter(worker_id__in=dead).delete()
    return outcome


def _requeue(task: DBTaskResult, *, reason: str, now: datetime, outcome: Requeued) -> None:
    attempts = len(task.worker_ids)
    unchanged = DBTaskResult.objects.filter(pk=task.pk, status=task.status, started_at=task.started_at)
    if attempts >= settings.TASKS_MAX_ATTEMPTS:
        message = f"Gave up after {attempts} attempts, each ended by its worker dying; the last was {reason}."
        if unchanged.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=GAVE_UP,
            traceback=f"{GAVE_UP}: {message}\n",
        ):
            outcome.given_up.append(str(task.pk))
            logger.error("Task %s (%s) failed: %s", task.pk, task.task_path, message)
        return
    if unchanged.update(
        status=TaskResultStatus.READY,
        finished_at=None,
        return_value=None,
        exception_class_path="",
        traceback="",
    ):
        outcome.requeued.append(str(task.pk))
        logger.warning(
            "Task %s (%s) put back on the queue after attempt %d: %s",
            task.pk,
            task.task_path,
            attempts,
            reason,
        )


# --- side effects once ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Once:
    ran: bool
    result: Any


def run_once(*, task: str, key: str, action: Callable[[], Any]) -> Once:
    """Run `action` once for (task, key), however many times the task runs; its result must be JSON.

    The receipt is inserted before the action and committed with it, so a run killed during the action leaves
    no receipt and the next run does the work. While one run holds the uncommitted receipt, another run of the
    same work waits on the unique key, then finds the receipt and does nothing. The one window left is between
    an outside system accepting the work (an SMTP server taking the message) and the commit: a run killed there
    does it again, which is why e-mails carry a Message-ID made from the key.
    """
    with transaction.atomic():
        done = TaskReceipt.objects.filter(task=task, key=key).first()
        if done is not None:
            logger.info("Task %s for %s already done on %s; not repeated", task, key, done.done_at)
            return Once(ran=False, result=done.result)
        try:
            with transaction.atomic():
                receipt = TaskReceipt.objects.create(task=task, key=key)
        except IntegrityError:
            done = TaskReceipt.objects.get(task=task, key=key)
            logger.info("Task %s for %s done by another run meanwhile; not repeated", task, key)
            return Once(ran=False, result=done.result)
        result = action()
        receipt.result = result
        receipt.save(update_fields=["result"])
    return Once(ran=True, result=result)


def message_id(*, task: str, key: str) -> str:
    """The same Message-ID for every attempt at one notification, so a resend can be recognised as one."""
    digest = hashlib.sha256(f"{task}\n{key}".encode()).hexdigest()[:40]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{digest}@{domain}>"


def email_send_once(*, task: str, key: str, subject: str, body: str, to: list[str]) -> bool:
    """Send one e-mail for (task, key) however many times the task runs. True when this run sent it."""
    message = EmailMessage(
        subject=subject, body=body, to=to, headers={"Message-ID": message_id(task=task, key=key)}
    )
    return run_once(task=task, key=key, action=message.send).ran
