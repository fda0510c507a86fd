"""`manage.py run_worker`: the database task worker, safe against workers that die in the middle of a task."""

import os
import signal

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from cms.taskqueue import worker_id_new, worker_presence

SIGNALS = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])


class Command(DbWorkerCommand):
    help = (
        "Run a database task worker (the options of db_worker). It first puts back on the queue the tasks that "
        "dead workers left running, then records a heartbeat every TASKS_WORKER_HEARTBEAT seconds and looks "
        "for abandoned tasks again every few heartbeats."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None)

    def handle(self, *args, **options):
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent process only restarts its child; the child registers itself.
            return super().handle(*args, **options)
        options["worker_id"] = options["worker_id"] or worker_id_new()
        # db_worker installs its own signal handlers; put back the caller's (call_command, tests) afterwards.
        previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
        try:
            with worker_presence(worker_id=options["worker_id"]):
                super().handle(*args, **options)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
