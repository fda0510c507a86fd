"""The scheduler (cms/scheduler.py, cms/schedule.py, manage.py run_scheduler): each job once per slot however many
schedulers run, a missed slot caught up once after downtime, and the production schedule complete."""

import datetime
import io
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from cms import scheduler
from cms.models import ScheduledRun
from cms.schedule import SCHEDULE, SCHEDULED_COMMANDS, Job
from cms.tasks import run_scheduled_command

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

RUNS: list[str] = []


@task()
def record_run(label: str = "run") -> str:
    RUNS.append(label)
    return label


@pytest.fixture(autouse=True)
def _no_runs():
    RUNS.clear()


PATH = f"{__name__}.record_run"
EVERY_5 = Job("every_5", "test", every=datetime.timedelta(minutes=5), task=PATH, kwargs={"label": "five"})
DAILY = Job("daily", "test", at=datetime.time(2, 30), task=PATH, kwargs={"label": "daily"})
TEST_SCHEDULE = (EVERY_5, DAILY)


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def test_slots():
    assert scheduler.latest_slot(EVERY_5, at(2026, 12, 6, 10, 7, 30)) == at(2026, 12, 6, 10, 5)
    assert scheduler.next_slot(EVERY_5, at(2026, 12, 6, 10, 7, 30)) == at(2026, 12, 6, 10, 10)
    assert scheduler.latest_slot(DAILY, at(2026, 12, 6, 2, 29)) == at(2026, 12, 5, 2, 30)
    assert scheduler.latest_slot(DAILY, at(2026, 12, 6, 2, 30)) == at(2026, 12, 6, 2, 30)
    assert scheduler.next_slot(DAILY, at(2026, 12, 6, 2, 30)) == at(2026, 12, 7, 2, 30)
    assert scheduler.next_slot(DAILY, at(2026, 12, 6, 1, 0)) == at(2026, 12, 6, 2, 30)
    # Daily jobs keep their local time across the change to summer time (29 March 2026).
    assert scheduler.latest_slot(DAILY, at(2026, 3, 29, 12, 0)) == at(2026, 3, 29, 2, 30)
    assert timezone.localtime(scheduler.latest_slot(DAILY, at(2026, 3, 30, 12, 0))).hour == 2


def test_each_slot_runs_once_however_often_and_by_however_many_schedulers_it_ticks():
    now = at(2026, 12, 6, 10, 7)
    assert scheduler.tick(now=now, schedule=TEST_SCHEDULE, scheduler_id="a") == ["every_5", "daily"]
    assert scheduler.tick(now=now, schedule=TEST_SCHEDULE, scheduler_id="b") == []
    assert (
        scheduler.tick(now=now + datetime.timedelta(minutes=2), schedule=TEST_SCHEDULE, scheduler_id="a")
        == []
    )
    assert RUNS == ["five", "daily"]
    assert scheduler.tick(now=at(2026, 12, 6, 10, 10), schedule=TEST_SCHEDULE, scheduler_id="b") == [
        "every_5"
    ]
    assert RUNS == ["five", "daily", "five"]
    claim = ScheduledRun.objects.get(job="every_5", slot=at(2026, 12, 6, 10, 10))
    assert claim.claimed_by == "b" and claim.task_result_id


def test_a_missed_slot_is_caught_up_once_after_downtime():
    scheduler.tick(now=at(2026, 12, 6, 10, 7), schedule=TEST_SCHEDULE)
    RUNS.clear()
    # Down from Sunday morning until Wednesday afternoon: hundreds of 5-minute slots and three 2:30am slots missed.
    back = at(2026, 12, 9, 15, 1)
    assert scheduler.tick(now=back, schedule=TEST_SCHEDULE) == ["every_5", "daily"]
    assert sorted(RUNS) == ["daily", "five"]
    assert scheduler.tick(now=back + datetime.timedelta(seconds=30), schedule=TEST_SCHEDULE) == []
    assert ScheduledRun.objects.get(job="daily", slot__gt=at(2026, 12, 7)).slot == at(2026, 12, 9, 2, 30)


def test_a_restarted_scheduler_carries_on_from_the_database():
    scheduler.tick(now=at(2026, 12, 6, 10, 7), schedule=TEST_SCHEDULE, scheduler_id="before restart")
    # A new process knows only what the database holds.
    assert scheduler.tick(now=at(2026, 12, 6, 10, 8), schedule=TEST_SCHEDULE, scheduler_id="after") == []


def test_a_slot_whose_enqueue_fails_is_not_claimed_and_is_tried_again(monkeypatch):
    def broken(job):
        raise scheduler.DatabaseError("queue table unavailable")

    monkeypatch.setattr(scheduler, "_enqueue", broken)
    now = at(2026, 12, 6, 10, 7)
    assert scheduler.tick(now=now, schedule=(EVERY_5,)) == []
    assert not ScheduledRun.objects.exists()
    monkeypatch.undo()
    assert scheduler.tick(now=now, schedule=(EVERY_5,)) == ["every_5"]


def test_old_claims_are_pruned():
    scheduler.tick(now=at(2026, 11, 1, 10, 0), schedule=(EVERY_5,))
    scheduler.tick(now=at(2026, 12, 6, 10, 0), schedule=(EVERY_5,))
    assert list(ScheduledRun.objects.values_list("slot", flat=True)) == [at(2026, 12, 6, 10, 0)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections racing need PostgreSQL")
def test_two_schedulers_racing_for_one_slot_enqueue_it_once():
    now = at(2026, 12, 6, 10, 7)
    start = threading.Barrier(2)
    results = {}

    def run(name):
        start.wait()
        try:
            results[name] = scheduler.tick(now=now, schedule=(EVERY_5,), scheduler_id=name)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [[], ["every_5"]]
    assert RUNS == ["five"] and ScheduledRun.objects.count() == 1


def test_run_forever_ticks_until_stopped():
    stop = threading.Event()
    ticks = []

    def tick(**kwargs):
        ticks.append(kwargs)
        stop.set()
        return []

    original = scheduler.tick
    scheduler.tick = tick
    try:
        scheduler.run_forever(stop=stop, scheduler_id="test", poll=0.1)
    finally:
        scheduler.tick = original
    assert ticks == [{"scheduler_id": "test"}]


def test_the_production_schedule_lists_every_periodic_job():
    names = {job.name for job in SCHEDULE}
    assert {
        "publish_scheduled",
        "audit_flush_refusals",
        "requeue_abandoned_tasks",
        "consultation_purge_drafts",
        "records_purge",
        "incidents_chase_clocks",
        "incidents_expire_sanctions",
        "passport_expiry_reminders",
    } == names
    for job in SCHEDULE:
        if job.task:
            assert hasattr(scheduler.import_string(job.task), "enqueue"), job.name
        else:
            assert job.command in get_commands(), job.name


def test_queue_upkeep_jobs_are_left_out_without_a_database_queue():
    active = {job.name for job in scheduler.active_jobs()}
    assert "requeue_abandoned_tasks" not in active and "records_purge" in active
    assert "incidents_chase_clocks" in active


def test_the_worker_runs_only_the_schedules_commands():
    assert run_scheduled_command.enqueue(name="records_purge").status == TaskResultStatus.SUCCESSFUL
    refused = run_scheduled_command.enqueue(name="flush")
    assert (
        refused.status == TaskResultStatus.FAILED
        and "is not a scheduled command" in refused.errors[0].traceback
    )
    assert "flush" not in SCHEDULED_COMMANDS


def test_a_job_needs_one_time_rule_and_one_thing_to_run():
    with pytest.raises(ValueError):
        Job("both", "x", every=datetime.timedelta(hours=1), at=datetime.time(3), task=PATH)
    with pytest.raises(ValueError):
        Job("neither", "x", every=datetime.timedelta(hours=1))
    with pytest.raises(ValueError):
        Job("uneven", "x", every=datetime.timedelta(minutes=7), task=PATH)


def test_the_command_once_and_list():
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "job(s) enqueued" in out.getvalue() and "incidents_chase_clocks" in out.getvalue()
    assert ScheduledRun.objects.filter(job="incidents_chase_clocks").count() == 1
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue().startswith("0 job(s) enqueued")
    out = io.StringIO()
    call_command("run_scheduler", "--list", stdout=out)
    assert "incidents_expire_sanctions" in out.getvalue() and "daily at 00:05" in out.getvalue()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_starts_the_scheduler_and_a_worker_with_the_database_queue_and_stops_them_with_the_server():
    def recipe(**env):
        result = subprocess.run(  # noqa: S603
            [shutil.which("make"), "-n", "--no-print-directory", "serve"],
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if k != "TASKS_BACKEND"} | env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    dev = recipe()
    assert "manage.py run_scheduler &" in dev and "run_worker" not in dev and "trap 'kill" in dev
    queued = recipe(TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    assert "manage.py run_scheduler &" in queued and "manage.py run_worker &" in queued
    assert "manage.py run_scheduler" in recipe_of("scheduler")


def recipe_of(target):
    return subprocess.run(  # noqa: S603
        [shutil.which("make"), "-n", "--no-print-directory", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
