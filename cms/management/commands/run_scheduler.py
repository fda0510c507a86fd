"""`manage.py run_scheduler`: put the jobs of cms/schedule.py on the task queue at their times (cms/scheduler.py)."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.utils import timezone

from cms.schedule import SCHEDULE
from cms.scheduler import active_jobs, next_slot, run_forever, tick
from cms.taskqueue import worker_id_new
from cms.times import datetime_nhs

SIGNALS = [signal.SIGINT, signal.SIGTERM]


class Command(BaseCommand):
    help = (
        "Run the scheduler: enqueue each scheduled job (cms/schedule.py) at its times, once per slot however "
        "many schedulers run, catching up a missed slot once after downtime. Stop it with SIGTERM or Ctrl+C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now, then exit")
        parser.add_argument(
            "--list", action="store_true", help="List the jobs and when each runs next, then exit"
        )
        parser.add_argument(
            "--poll", type=float, default=30.0, help="Most seconds between looks at the schedule (default 30)"
        )

    def handle(self, *args, once=False, list=False, poll=30.0, **options):  # noqa: A002
        scheduler_id = f"scheduler-{worker_id_new()}"
        if list:
            now = timezone.now()
            active = {job.name for job in active_jobs()}
            for job in SCHEDULE:
                when = (
                    datetime_nhs(next_slot(job, now)) if job.name in active else "not run (no database queue)"
                )
                self.stdout.write(f"{job.name:28} {job.when:22} next: {when}  ({job.why})")
            return
        if once:
            enqueued = tick(scheduler_id=scheduler_id)
            self.stdout.write(f"{len(enqueued)} job(s) enqueued: {', '.join(enqueued) or 'none due'}")
            return
        stop = threading.Event()
        previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
        for signum in SIGNALS:
            signal.signal(signum, lambda *_: stop.set())
        try:
            run_forever(stop=stop, scheduler_id=scheduler_id, poll=poll)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
