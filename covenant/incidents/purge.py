"""The end of the retention period: destroying archived cases whose time is up (docs/incidents.md, "Retention").

Run daily by `manage.py incidents_purge` or the `purge_expired_incidents` task. It sits below the services and
the tasks, so that the task can call it and the services can enqueue tasks without either importing the other.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from cms.audit import audit

from .models import IncidentReport, Status


def incidents_purge_expired(*, today: datetime.date | None = None) -> int:
    """Destroy archived cases whose retention period has ended, unless under legal hold. One audit entry each.

    Each case is destroyed in its own transaction, so one failure does not keep the others."""
    today = today or timezone.localdate()
    destroyed = 0
    candidates = IncidentReport.objects.filter(status=Status.ARCHIVED, legal_hold=False).only(
        "pk", "closed_at", "reported_at", "organisation_id", "status"
    )
    for report in candidates.iterator(chunk_size=500):
        if report.destroy_after > today:
            continue
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
