"""Fault: the task worker killed (SIGKILL) while it sends e-mails, twice, then started again.

Twenty "new incident report" notifications are queued in the database task backend. A real worker
(`manage.py run_worker`, in its own process) sends them through an e-mail backend that takes a while per message,
as a slow SMTP server would, and writes each message it delivers to a file. It is killed with SIGKILL in the
middle of a message, a new worker is started and killed the same way, and a last one (`--batch`) finishes the
queue. Then: every task completed, every report's e-mail delivered exactly once (none lost, none duplicated).

Runs alone with `python -m benchmarks.faults_tasks [--db sqlite|postgres]` (or `python -m benchmarks --only
faults_tasks`); prints one JSON object per figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess  # nosec B404  # starts and kills the task workers it measures
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

from benchmarks.common import ROOT, emit

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
KILLS = 2


class SlowFileBackend(BaseEmailBackend):
    """Takes BENCH_EMAIL_DELAY seconds per message, then appends it as a JSON line to BENCH_MAIL_FILE."""

    def send_messages(self, email_messages) -> int:
        delay = float(os.environ.get("BENCH_EMAIL_DELAY", "0.2"))
        for message in email_messages:
            time.sleep(delay)
            line = json.dumps(
                {"subject": message.subject, "message_id": message.extra_headers.get("Message-ID")}
            )
            with open(os.environ["BENCH_MAIL_FILE"], "a", encoding="utf-8") as file:
                file.write(line + "\n")
                file.flush()
                os.fsync(file.fileno())
        return len(email_messages)


def _worker(extra: list[str]) -> None:
    """The worker process: the project's run_worker, with e-mail going to the slow file backend."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(EMAIL_BACKEND="benchmarks.faults_tasks.SlowFileBackend"):
        call_command(
            "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.05", *extra, verbosity=0
        )


def _world(count: int) -> list[str]:
    """An organisation with one incident handler and `count` reports, each with its notification queued."""
    from django.contrib.auth import get_user_model
    from django.test import override_settings
    from django.utils import timezone

    from covenant.incidents.models import (
        Category,
        IncidentReport,
        Injury,
        ReporterRelationship,
        ReportingMode,
        Setting,
        Source,
        acknowledge_deadline,
    )
    from covenant.incidents.tasks import notify_handlers_of_new_report
    from workforce.models import Membership, Organisation, OrganisationType, Sector

    organisation = Organisation.objects.create(
        name="Fault Trust", organisation_type=OrganisationType.NHS_TRUST, sector=Sector.HEALTH
    )
    handler = get_user_model().objects.create_user(
        email="handler@fault.example", first_name="Hana", last_name="Handler"
    )
    Membership.objects.create(user=handler, organisation=organisation, role="incident_handler")
    now = timezone.now()
    references = []
    with override_settings(TASKS=DATABASE_TASKS):
        for _ in range(count):
            report = IncidentReport.objects.create(
                mode=ReportingMode.NAMED,
                relationship=ReporterRelationship.TARGETED,
                organisation=organisation,
                occurred_at=now,
                setting=Setting.EMERGENCY_DEPARTMENT,
                category=Category.VERBAL_ABUSE,
                source=Source.PATIENT,
                narrative="Shouted at and threatened.",
                injury=Injury.NONE,
                reported_at=now,
                acknowledge_by=acknowledge_deadline(now),
            )
            notify_handlers_of_new_report.enqueue(report.pk)
            references.append(report.reference)
    return references


def _delivered(mail_file: Path) -> list[dict]:
    if not mail_file.exists():
        return []
    return [json.loads(line) for line in mail_file.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(*, size: str = "small") -> None:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    count = 20 if size == "small" else 100
    delay = 0.2
    references = _world(count)
    connection.close()  # the workers own the database while they run

    work = Path(tempfile.mkdtemp(prefix="bench-tasks-"))
    mail_file = work / "mail.jsonl"
    env = {
        **os.environ,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "BENCH_MAIL_FILE": str(mail_file),
        "BENCH_EMAIL_DELAY": str(delay),
    }

    def start(*extra: str) -> subprocess.Popen:
        log = open(work / f"worker-{time.monotonic_ns()}.log", "w", encoding="utf-8")
        return subprocess.Popen(  # noqa: S603  # nosec B603  # argv built in code, no shell
            [sys.executable, "-m", "benchmarks.faults_tasks", "--worker", *extra],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    rng = random.Random(7)  # noqa: S311  # nosec B311  # when to kill, not security
    killed_mid_task = 0
    began = time.monotonic()
    for kill in range(1, KILLS + 1):
        worker = start()
        target = kill * count // (KILLS + 1)
        deadline = time.monotonic() + 60
        while len(_delivered(mail_file)) < target and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.2, 0.8) * delay)  # into the next message
        worker.kill()
        worker.wait()
        killed_mid_task += DBTaskResult.objects.filter(status="RUNNING").count()
        connection.close()
    restarted = time.monotonic()
    last = start("--batch")
    try:
        last.wait(timeout=120)
    except subprocess.TimeoutExpired:
        last.kill()
        last.wait()
    finished = time.monotonic()

    statuses = Counter(DBTaskResult.objects.values_list("status", flat=True))
    run_again = sum(1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) if len(ids) > 1)
    sent = Counter(line["subject"].rsplit(" ", 1)[-1] for line in _delivered(mail_file))
    lost = sum(1 for reference in references if sent[reference] == 0)
    duplicated = sum(max(0, sent[reference] - 1) for reference in references)
    emit("tasks_enqueued", count, "tasks")
    emit("tasks_killed_mid_run", killed_mid_task, "tasks", min=1)
    emit("tasks_run_again", run_again, "tasks")
    emit("tasks_completed", statuses.get("SUCCESSFUL", 0), "tasks", min=count)
    emit("tasks_not_completed", count - statuses.get("SUCCESSFUL", 0), "tasks", max=0)
    emit("emails_sent", sum(sent.values()), "e-mails")
    emit("emails_lost", lost, "e-mails", max=0)
    emit("emails_duplicated", duplicated, "e-mails", max=0)
    emit("tasks_recovery_s", finished - restarted, "s", max=30)
    emit("tasks_fault_run_s", finished - began, "s")
    if lost or duplicated or statuses.get("SUCCESSFUL", 0) != count:
        print(f"faults_tasks: worker logs kept in {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.faults_tasks", description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--worker", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        _worker(args.worker)
        return 0
    from benchmarks import common

    common.bootstrap("faults_tasks", args.db)
    run(size=args.size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
