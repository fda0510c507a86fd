"""A reporter's own reports. A reporter sees only the reports they made under their own name or in confidence (never
anonymous ones: those keep no link to an account and are reached with the follow-up code)."""

from __future__ import annotations

import time

from django.db.models import QuerySet
from django.http import Http404

from cms import generations
from workforce.models import Organisation
from workforce.selectors import organisations_for_user

from ..models import IncidentReport, Message, ReportingMode
from .refusals import refuse


def reports_for_reporter(*, user) -> QuerySet[IncidentReport]:
    if not getattr(user, "is_authenticated", False):
        return IncidentReport.objects.none()
    return (
        IncidentReport.objects.filter(reporter=user)
        .exclude(mode=ReportingMode.ANONYMOUS)
        .select_related("organisation")
        .order_by("-reported_at")
    )


def report_get_for_reporter(*, user, pk: int, request=None) -> IncidentReport:
    report = reports_for_reporter(user=user).filter(pk=pk).first()
    if report is None:
        refuse(user=user, request=request, model=IncidentReport, pk=pk, reason="not_their_report")
        raise Http404("No such report")
    return report


def messages_for_reporter(*, report: IncidentReport) -> QuerySet[Message]:
    return report.messages.filter(audience=Message.Audience.REPORTER)


def reporter_organisations(*, user) -> QuerySet[Organisation]:
    """Where a signed-in person may report: the organisations they belong to."""
    return organisations_for_user(user=user).filter(is_active=True)


def organisations_to_report_to(*, user, anonymous: bool) -> QuerySet[Organisation]:
    """The organisations a report may be made about: any active one anonymously, otherwise the reporter's own."""
    if anonymous:
        return Organisation.objects.filter(is_active=True)
    return reporter_organisations(user=user)


ORGANISATIONS_GENERATION_KEY = "incidents:report-organisations:generation"
ORGANISATIONS_STAMP_SECONDS = 300


def report_organisations_stamp() -> str:
    """Names the list of organisations an anonymous report may go to, for the report's organisation page kept for
    everyone (views/report_journey.py): it changes when any organisation is saved or deleted (apps.py) and, in case
    a bulk update passed the signals by, every five minutes."""
    generation = generations.generation(ORGANISATIONS_GENERATION_KEY)
    return f"{generation}:{int(time.time() // ORGANISATIONS_STAMP_SECONDS)}"


def report_organisations_changed(**kwargs) -> None:
    """A signal receiver: the next report page lists the organisations afresh."""
    generations.bump(ORGANISATIONS_GENERATION_KEY)
