"""Chasing the clocks (`clocks.py`): reminders to the owner of each step that is due, escalation to the leads
when it is overdue, and sanctions ended on their expiry date. Run by the scheduler through the task worker
(`tasks.chase_clocks` hourly, `tasks.expire_sanctions` daily; cms/schedule.py).

At most one reminder and one escalation per step and day, however often the job runs and however many
schedulers or workers run it: each e-mail is sent through `cms.taskqueue.email_send_once` with the key
"<step>:<record>:<date>". Like every incident e-mail, they carry the case reference, what is due and a link,
never the content of the case.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cms.audit import audit
from cms.links import absolute_url
from cms.taskqueue import email_send_once

from .clocks import CaseTeams, Step, due_steps
from .models import Sanction

logger = logging.getLogger(__name__)

# The states a sanction may expire from: `services.sanctions.SANCTION_MOVES`'s "expire" move (a test keeps the
# two the same; the services import the tasks, so this module cannot import them back).
EXPIRES_FROM = (Sanction.State.ISSUED, Sanction.State.ACKNOWLEDGED, Sanction.State.REVIEW_DUE)


@dataclass
class Chased:
    reminders: list[str] = field(default_factory=list)
    escalations: list[str] = field(default_factory=list)


def _emails(user_ids: set[int]) -> list[str]:
    return sorted(
        get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("email", flat=True)
    )


def _case_link(step_or_report) -> str:
    report = getattr(step_or_report, "report", step_or_report)
    return absolute_url(reverse("incidents:case_detail", args=[report.pk]))


def _remind(step: Step, *, day: datetime.date) -> bool:
    to = _emails(step.owner_ids)
    if not to:
        return False
    return email_send_once(
        task="incidents.reminder",
        key=f"{step.key}:{day.isoformat()}",
        subject=f"Due: {step.what} for {step.report.reference}",
        body=(
            f"{step.what} for {step.report.reference} at {step.report.organisation.name} is due {step.due_text}.\n\n"
            f"{_case_link(step)}\n"
        ),
        to=to,
    )


def _escalate(step: Step, *, day: datetime.date) -> bool:
    to = _emails(step.lead_ids | step.owner_ids)
    if not to:
        return False
    return email_send_once(
        task="incidents.escalation",
        key=f"{step.key}:{day.isoformat()}",
        subject=f"Overdue: {step.what} for {step.report.reference}",
        body=(
            f"{step.what} for {step.report.reference} at {step.report.organisation.name} was due "
            f"{step.due_text} and is overdue. This goes to the people who own it and to the case's lead.\n\n"
            f"{_case_link(step)}\n"
        ),
        to=to,
    )


def clocks_chase(*, now: datetime.datetime | None = None) -> Chased:
    """Remind and escalate what is due at `now`; returns the steps e-mailed by this run (not those already
    e-mailed today)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    chased = Chased()
    for step in due_steps(now=now):
        if step.remind and _remind(step, day=day):
            chased.reminders.append(step.key)
        if step.overdue and _escalate(step, day=day):
            chased.escalations.append(step.key)
    return chased


def sanctions_expire_due(*, today: datetime.date | None = None) -> list[int]:
    """End every sanction in force whose expiry date has come: each in its own transaction with an audit row,
    and its owner told once. Returns the ids of the sanctions this run expired."""
    today = today or timezone.localdate()
    expired = []
    due = Sanction.objects.filter(state__in=EXPIRES_FROM, expires_on__lte=today).values_list("pk", flat=True)
    for sanction_id in list(due):
        sanction = _sanction_expire(sanction_id=sanction_id, today=today)
        if sanction is not None:
            expired.append(sanction.pk)
            _tell_owner_of_expiry(sanction)
    return expired


@transaction.atomic
def _sanction_expire(*, sanction_id: int, today: datetime.date) -> Sanction | None:
    sanction = (
        Sanction.objects.select_for_update()
        .filter(pk=sanction_id, state__in=EXPIRES_FROM, expires_on__lte=today)
        .select_related("report")
        .first()
    )
    if sanction is None:  # changed by someone (or another run) since it was listed
        return None
    sanction.state = Sanction.State.EXPIRED
    sanction.save(update_fields=["state"])
    audit(
        action="incident.sanction_expire",
        obj=sanction.report,
        actor_label="scheduler",
        summary=f"{sanction.report.reference}: sanction expired on {sanction.expires_on.isoformat()}",
        detail={"sanction": sanction.pk, "expires_on": sanction.expires_on.isoformat(), "automatic": True},
    )
    return sanction


def _tell_owner_of_expiry(sanction: Sanction) -> None:
    report = sanction.report
    teams = CaseTeams([report])
    to = _emails(teams.owner(report, sanction.proposed_by_id))
    if not to:
        logger.warning("Sanction %s expired with no handler to tell", sanction.pk)
        return
    email_send_once(
        task="incidents.sanction_expired",
        key=str(sanction.pk),
        subject=f"A sanction on {report.reference} has expired",
        body=(
            f"The sanction ({sanction.get_kind_display().lower()}) on {report.reference} at "
            f"{report.organisation.name} reached its expiry date and has ended.\n\n{_case_link(report)}\n"
        ),
        to=to,
    )
