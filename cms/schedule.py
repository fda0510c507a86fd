"""Every job that runs on a timetable, in one list: `manage.py run_scheduler` (cms/scheduler.py) enqueues each on
the task queue at its times, so production runs one scheduler process beside its workers instead of cron lines
(docs/deployment.md, "Scheduled jobs").

A job runs either `every` so often (slots on the clock: every 5 minutes is :00, :05, ...; every hour on the hour)
or once a day `at` a time in the site's time zone (Europe/London; none between 1am and 2am, the hour that the
change to summer time skips). It names a task of the tasks framework by its dotted path, or a management
command, which the worker runs through `cms.tasks.run_scheduled_command`. A job that looks after the task queue
itself (`needs_database_queue`) is left out when the queue is not the database one (development and tests run
tasks at once: there is no queue to look after).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Job:
    name: str
    why: str
    every: datetime.timedelta | None = None
    at: datetime.time | None = None
    task: str = ""
    command: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)
    needs_database_queue: bool = False

    def __post_init__(self):
        if (self.every is None) == (self.at is None):
            raise ValueError(f"Job {self.name}: give either every or at")
        if bool(self.task) == bool(self.command):
            raise ValueError(f"Job {self.name}: give either a task or a command")
        if self.every is not None and (
            self.every <= datetime.timedelta(0) or datetime.timedelta(days=1) % self.every
        ):
            raise ValueError(f"Job {self.name}: every must divide a day")

    @property
    def when(self) -> str:
        if self.at is not None:
            return f"daily at {self.at.strftime('%H:%M')}"
        minutes = int(self.every.total_seconds() // 60)
        return f"every {minutes} minutes" if minutes < 60 else f"every {minutes // 60} hour(s)"


MINUTES_5 = datetime.timedelta(minutes=5)
HOUR = datetime.timedelta(hours=1)

SCHEDULE: tuple[Job, ...] = (
    Job(
        "publish_scheduled",
        "publishes pages and news with a go-live date, unpublishes expired ones",
        every=MINUTES_5,
        command="publish_scheduled",
    ),
    Job(
        "audit_flush_refusals",
        "writes the counts of refused requests waiting in the cache to the audit trail",
        every=MINUTES_5,
        command="audit_flush_refusals",
    ),
    Job(
        "requeue_abandoned_tasks",
        "puts back tasks whose worker died (run_worker does it too; this covers plain db_worker)",
        every=MINUTES_5,
        command="requeue_abandoned_tasks",
        needs_database_queue=True,
    ),
    Job(
        "incidents_chase_clocks",
        "reminds the owner of each incident step that is due and escalates the overdue ones, once a step a day",
        every=HOUR,
        task="covenant.incidents.tasks.chase_clocks",
    ),
    Job(
        "consultation_purge_drafts",
        "deletes saved draft answers of consultations that have closed",
        every=HOUR,
        command="consultation_purge_drafts",
    ),
    Job(
        "incidents_expire_sanctions",
        "ends sanctions whose expiry date has come, audited, and tells their owners",
        at=datetime.time(0, 5),
        task="covenant.incidents.tasks.expire_sanctions",
    ),
    Job(
        "records_purge",
        "deletes or anonymises every kind of record past its retention period, except what a legal hold covers "
        "(docs/records.md): incident cases, consultation names, workforce records, audit events, task results, sessions",
        at=datetime.time(2, 30),
        command="records_purge",
    ),
    Job(
        "passport_expiry_reminders",
        "reminds holders and HR of passport credentials expiring within 30 days, and tells the organisations that "
        "relied on one when it expires, each once",
        at=datetime.time(6, 0),
        task="workforce.tasks.passport_expiry_reminders",
    ),
)

# The commands the worker may run for the scheduler, and nothing else.
SCHEDULED_COMMANDS = frozenset(job.command for job in SCHEDULE if job.command)
