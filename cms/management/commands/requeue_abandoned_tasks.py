from django.core.management.base import BaseCommand

from cms.taskqueue import requeue_abandoned_tasks


class Command(BaseCommand):
    help = (
        "Put tasks left running by dead task workers back on the queue, and mark FAILED those whose workers "
        "died TASKS_MAX_ATTEMPTS times. `run_worker` does this itself; use this after running plain db_worker."
    )

    def handle(self, *args, **options):
        outcome = requeue_abandoned_tasks()
        self.stdout.write(
            f"{len(outcome.requeued)} abandoned task(s) put back on the queue, "
            f"{len(outcome.given_up)} given up."
        )
