"""Reporting lines: the employments whose line manager a user may change."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from ..models import Employment, Person
from .access import hr_organisation_ids


def reporting_employments(
    *, person: Person, user, on_date: datetime.date | None = None
) -> QuerySet[Employment]:
    """The person's employments, not yet ended, whose reporting line `user` may change: those with an
    employer where the user is HR administrator. Empty means the user cannot change the person's lines."""
    on_date = on_date or timezone.localdate()
    return (
        Employment.objects.open_on(on_date)
        .filter(person=person, employer_id__in=hr_organisation_ids(user=user))
        .select_related("employer", "line_manager")
        .order_by("start_date", "pk")
    )
