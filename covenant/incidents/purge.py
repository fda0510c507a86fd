"""The end of the retention period: destroying archived cases whose time is up (docs/incidents.md, "Retention";
docs/records.md).

The two kinds of case on the records schedule (`retention.py`: closed cases, and reports not pursued) take their
expired rows from here and destroy them with `cases_destroy`, batch by batch, under the records purge
(`manage.py records_purge`, which replaced `incidents_purge`; that command and the `purge_expired_incidents` task
now run the same purge for these two kinds). It sits below the services and the tasks, so that the task can call
it and the services can enqueue tasks without either importing the other.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from cms.audit import audit
from cms.records.purge import records_purge

from .models import IncidentReport, Status

CASES = "incidents.cases"
NOT_PURSUED = "incidents.not_pursued"


def cases_expired(cutoff: datetime.datetime):
    """Archived cases that were closed before the cut-off and are not on hold."""
    return IncidentReport.objects.filter(
        status=Status.ARCHIVED, legal_hold=False, closed_at__isnull=False, closed_at__lte=cutoff
    )


def not_pursued_expired(cutoff: datetime.datetime):
    """Archived reports never handled as a case (not an incident, redirected, merged), reported before the
    cut-off and not on hold."""
    return IncidentReport.objects.filter(
        status=Status.ARCHIVED, legal_hold=False, closed_at__isnull=True, reported_at__lte=cutoff
    )


def cases_destroy(ids: list[int], now: datetime.datetime) -> int:
    """Destroy these cases, one audit entry each; a case another was merged into waits until that one goes.
    Each case in its own savepoint, so one that cannot go does not keep the others."""
    destroyed = 0
    for report in IncidentReport.objects.filter(pk__in=ids).only(
        "pk", "closed_at", "reported_at", "organisation_id", "status"
    ):
        pk, reference, retention_class = report.pk, report.reference, report.retention_class
        try:
            with transaction.atomic():
                report.delete()
                audit(
                    action="incident.destroyed",
                    actor_label="system: retention schedule",
                    object_type="incidents.incidentreport",
                    object_id=pk,
                    summary=f"{reference} destroyed at the end of its retention period",
                    detail={"retention_class": retention_class, "organisation": report.organisation_id},
                )
        except ProtectedError:
            continue  # another case was merged into this one; it goes when that one does
        destroyed += 1
    return destroyed


def incidents_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Destroy archived cases whose retention period has ended, unless under legal hold; returns how many."""
    results = records_purge(now=now or timezone.now(), only=[CASES, NOT_PURSUED])
    return sum(result.count for result in results)
