"""The scheduler: puts each job of `cms/schedule.py` on the task queue at its times (`manage.py run_scheduler`).

Three promises, each with a test (tests/cms/test_scheduler.py):

- **Once per slot, however many schedulers run.** A job's slot is claimed by inserting a `ScheduledRun` row
  whose (job, slot) is unique, and the task is enqueued in the same transaction. Of two schedulers reaching the
  same slot, the second waits on the unique key, then fails to insert and does nothing; if enqueuing fails, the
  claim is rolled back with it and the next tick tries again.
- **A missed slot is caught up once.** Each tick looks only at the latest slot due by now. After downtime the
  scheduler runs each job whose latest slot nobody claimed, once, not once for every slot it slept through.
- **It survives restarts**: everything it knows is in the database, so a restarted (or another) scheduler
  carries on where the last one stopped.

Why not APScheduler or cron: the jobs only enqueue tasks, so the loop is small; a database row per slot is the
lock several schedulers need (APScheduler 3's job stores do not stop two schedulers running a job twice), and
it needs no new dependency or cron on every machine.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Iterable

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from .models import ScheduledRun
from .schedule import SCHEDULE, Job
from .tasks import run_scheduled_command

logger = logging.getLogger(__name__)

# Claims older than this are deleted as new ones are made: only the latest claim of a job matters.
KEEP_CLAIMS = datetime.timedelta(days=7)
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def latest_slot(job: Job, now: datetime.datetime) -> datetime.datetime:
    """The latest time at or before `now` when `job` was due."""
    if job.every is not None:
        # Slots on the clock (UTC): every 5 minutes at :00, :05, ...; a divisor of a day keeps them on the hour.
        return _EPOCH + ((now - _EPOCH) // job.every) * job.every
    local = timezone.localtime(now)
    today = timezone.make_aware(datetime.datetime.combine(local.date(), job.at))
    if today <= now:
        return today
    return timezone.make_aware(datetime.datetime.combine(local.date() - datetime.timedelta(days=1), job.at))


def next_slot(job: Job, now: datetime.datetime) -> datetime.datetime:
    """The first time after `now` when `job` is due."""
    if job.every is not None:
        return latest_slot(job, now) + job.every
    local = timezone.localtime(now)
    day = (
        local.date() if latest_slot(job, now).date() != local.date() else local.date() + datetime.timedelta(1)
    )
    return timezone.make_aware(datetime.datetime.combine(day, job.at))


def database_queue() -> bool:
    return isinstance(task_backends["default"], DatabaseBackend)


def active_jobs(schedule: Iterable[Job] = SCHEDULE) -> list[Job]:
    with_queue = database_queue()
    return [job for job in schedule if with_queue or not job.needs_database_queue]


def _enqueue(job: Job):
    if job.command:
        return run_scheduled_command.enqueue(name=job.command)
    return import_string(job.task).enqueue(**job.kwargs)


def claim_and_enqueue(job: Job, *, slot: datetime.datetime, scheduler_id: str = "") -> bool:
    """Claim `job`'s `slot` and enqueue it, in one transaction. False when the slot was claimed already."""
    if ScheduledRun.objects.filter(job=job.name, slot__gte=slot).exists():
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = ScheduledRun.objects.create(job=job.name, slot=slot, claimed_by=scheduler_id[:100])
        except IntegrityError:
            return False
        result = _enqueue(job)
        claim.task_result_id = str(getattr(result, "id", ""))[:64]
        claim.save(update_fields=["task_result_id"])
        ScheduledRun.objects.filter(job=job.name, slot__lt=slot - KEEP_CLAIMS).delete()
    logger.info("Scheduled job %s for %s enqueued (%s)", job.name, slot.isoformat(), claim.task_result_id)
    return True


def tick(
    *, now: datetime.datetime | None = None, schedule: Iterable[Job] = SCHEDULE, scheduler_id: str = ""
) -> list[str]:
    """Enqueue every job whose latest slot is unclaimed; the names of the jobs this call enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in active_jobs(schedule):
        try:
            if claim_and_enqueue(job, slot=latest_slot(job, now), scheduler_id=scheduler_id):
                enqueued.append(job.name)
        except DatabaseError:
            # One job's failure (the database briefly away) must not stop the others; the next tick tries again.
            logger.exception("Scheduled job %s could not be enqueued", job.name)
            _reconnect_later()
    return enqueued


def _reconnect_later() -> None:
    # A broken connection is dropped so the next tick opens a fresh one (never inside a caller's transaction).
    if not connection.in_atomic_block:
        connection.close()


def seconds_to_next(*, now: datetime.datetime, schedule: Iterable[Job] = SCHEDULE, most: float) -> float:
    soonest = min((next_slot(job, now) for job in active_jobs(schedule)), default=None)
    if soonest is None:
        return most
    return max(0.5, min(most, (soonest - now).total_seconds()))


def run_forever(*, stop: threading.Event, scheduler_id: str, poll: float = 30.0) -> None:
    """Tick at each job's time (and at least every `poll` seconds) until `stop` is set."""
    logger.info("Scheduler %s started with %d job(s)", scheduler_id, len(active_jobs()))
    while not stop.is_set():
        try:
            tick(scheduler_id=scheduler_id)
        except DatabaseError:
            logger.exception("Scheduler %s could not reach the database", scheduler_id)
            _reconnect_later()
        stop.wait(seconds_to_next(now=timezone.now(), most=poll))
    connection.close()
    logger.info("Scheduler %s stopped", scheduler_id)
