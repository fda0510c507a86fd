"""Background work of the site itself: the management commands the scheduler runs on the task queue."""

from __future__ import annotations

import io

from django.core.management import call_command
from django_tasks import task

from .schedule import SCHEDULED_COMMANDS


@task()
def run_scheduled_command(name: str) -> str:
    """Run one of the schedule's management commands (cms/schedule.py) and return what it printed."""
    if name not in SCHEDULED_COMMANDS:
        # A task row is data: never let it name an arbitrary command.
        raise ValueError(f"{name!r} is not a scheduled command")
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()[-2000:]
