"""Background work for incidents: e-mail notifications, the clocks (reminders, escalation, sanction expiry)
and the daily purge. Messages carry a reference and a
link, never content.

The services enqueue these tasks; nothing here imports the services back (the purge lives in `purge.py`, below
both).

Each notification is sent once however often its task runs (a worker killed mid-task runs it again): see
`cms.taskqueue.email_send_once`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task

from cms.links import absolute_url
from cms.taskqueue import email_send_once

from .chasing import clocks_chase, sanctions_expire_due
from .models import IncidentReport, ReportingMode
from .purge import incidents_purge_expired
from .roles import HANDLER_ROLE


@task()
def notify_handlers_of_new_report(report_id: int) -> int:
    """Tell the organisation's handlers (minus anyone excluded from the case) that a report has arrived."""
    report = IncidentReport.objects.filter(pk=report_id).first()
    if report is None:
        return 0
    excluded = report.exclusions.values("user_id")
    recipients = list(
        get_user_model()
        .objects.filter(
            memberships__organisation_id=report.organisation_id,
            memberships__role=HANDLER_ROLE,
            is_active=True,
        )
        .exclude(pk__in=excluded)
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return 0
    link = absolute_url(reverse("incidents:case_detail", args=[report.pk]))
    email_send_once(
        task="incidents.new_report",
        key=str(report.pk),
        subject=f"New violence and abuse report {report.reference}",
        body=(
            f"A new report, {report.reference}, has been made at {report.organisation.name}.\n\n"
            f"Acknowledge it within one working day: {link}\n"
        ),
        to=recipients,
    )
    return len(recipients)


@task()
def notify_reporter_of_outcome(report_id: int) -> bool:
    """Tell a named reporter who asked for feedback that their report is closed; the outcome is on the site."""
    report = IncidentReport.objects.filter(pk=report_id).select_related("reporter").first()
    if (
        report is None
        or report.mode != ReportingMode.NAMED
        or report.reporter is None
        or not report.wants_feedback
        or report.closed_at is None  # reopened before this ran
    ):
        return False
    link = absolute_url(reverse("incidents:my_report", args=[report.pk]))
    # One e-mail per closure: a case reopened and closed again is news again.
    email_send_once(
        task="incidents.outcome",
        key=f"{report.pk}:{report.closed_at.isoformat()}",
        subject=f"Your report {report.reference} is closed",
        body=f"Your report {report.reference} has been closed. You can read the outcome here: {link}\n",
        to=[report.reporter.email],
    )
    return True


@task()
def notify_handler_of_reassignment(user_id: int, report_ids: list[int], key: str) -> bool:
    """Tell a handler that cases were moved to them (`key`: the reassignment's audit line, so one e-mail each)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    reports = list(IncidentReport.objects.filter(pk__in=report_ids).order_by("pk"))
    if user is None or not reports:
        return False
    lines = "\n".join(
        f"- {report.reference}: {absolute_url(reverse('incidents:case_detail', args=[report.pk]))}"
        for report in reports
    )
    count = f"{len(reports)} violence and abuse cases" if len(reports) > 1 else "A violence and abuse case"
    email_send_once(
        task="incidents.reassigned",
        key=key,
        subject=f"{count} moved to you" if len(reports) > 1 else f"Case {reports[0].reference} moved to you",
        body=f"{count} {'have' if len(reports) > 1 else 'has'} been moved to you:\n\n{lines}\n",
        to=[user.email],
    )
    return True


@task()
def notify_previous_owner_of_reassignment(user_id: int, report_ids: list[int], key: str) -> bool:
    """Tell a handler whose part in cases was moved to someone else (still active: e.g. no longer a handler
    there, or excluded), so a move they did not expect does not go unseen. References only, no content."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    references = [
        report.reference for report in IncidentReport.objects.filter(pk__in=report_ids).order_by("pk")
    ]
    if user is None or not references:
        return False
    email_send_once(
        task="incidents.reassigned_away",
        key=key,
        subject="Violence and abuse cases moved from you"
        if len(references) > 1
        else f"Case {references[0]} moved from you",
        body="Your part in these cases has been moved to another handler:\n\n"
        + "\n".join(f"- {reference}" for reference in references)
        + "\n\nIf you did not expect this, tell your organisation's incident leads.\n",
        to=[user.email],
    )
    return True


@task()
def purge_expired_incidents() -> int:
    """Run daily by the scheduler (cms/schedule.py; or manage.py incidents_purge): destroy expired archived
    cases."""
    return incidents_purge_expired()


@task()
def chase_clocks() -> dict:
    """Run hourly by the scheduler: remind owners of due steps and escalate overdue ones, once a step a day."""
    chased = clocks_chase()
    return {"reminders": len(chased.reminders), "escalations": len(chased.escalations)}


@task()
def expire_sanctions() -> int:
    """Run daily by the scheduler: end the sanctions whose expiry date has come, audited, owners told."""
    return len(sanctions_expire_due())
