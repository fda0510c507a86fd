"""The clocks of a case: which steps are due or overdue at a moment, who owns each, and who hears when it is late.

A step is one thing with a deadline: acknowledging a report (1 working day, `acknowledge_by`), reporting a
RIDDOR candidate to HSE (10 or 15 days from the incident), a support check-in (its day) and a sanction's review
(its date). For each, `due_steps(now)` says whether its owner should be reminded today (`remind`) or whether it
is overdue and goes to the leads as well (`escalate`). `chasing.py` sends the e-mails, at most once per step and
day; this module only reads.

Owners: the acknowledgement belongs to all the organisation's incident handlers (nobody has picked the case up
yet); a RIDDOR decision to the case's investigator, or its lead handler before one is assigned; a check-in to the
handler who offered the support; a sanction review to the handler who proposed the sanction. An owner who is no
longer an active handler of the organisation, or is excluded from the case, is replaced by the case's
investigator or lead handler, and failing those by all its handlers, so a step never goes unowned.

Leads: the case's lead handler (the handler who acknowledged it) hears of an overdue step they do not own;
otherwise the organisation's other incident handlers do, and when the owners are the only handlers, they do.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils import dateformat, timezone

from cms.times import DATE_FORMAT, datetime_nhs
from workforce.models import Membership

from .models import (
    RIDDOR_WARNING_DAYS,
    SANCTION_REVIEW_REMINDER_DAYS,
    CaseExclusion,
    IncidentReport,
    RiddorAssessment,
    Sanction,
    Status,
    SupportCheckIn,
    SupportOffer,
)
from .roles import HANDLER_ROLE

SANCTION_IN_FORCE = (
    Sanction.State.ISSUED,
    Sanction.State.ACKNOWLEDGED,
    Sanction.State.APPEALED,
    Sanction.State.REVIEW_DUE,
)

# Reports ended at triage as not an incident, redirected or merged into another case are not chased for RIDDOR
# or check-ins: the case they were merged into (or nobody) carries the work.
NOT_PURSUED = (Status.NOT_AN_INCIDENT, Status.REDIRECTED, Status.MERGED)


@dataclass
class Step:
    kind: str  # acknowledge, riddor, check_in, sanction_review
    record_id: int
    report: IncidentReport
    what: str  # "Acknowledge the report", in the e-mail's subject
    due_text: str  # "by 8 December 2026 at 5pm"
    overdue: bool
    remind: bool
    owned_by: str  # "team" (all the case's handlers), "case" (its investigator or lead) or "preferred"
    preferred_owner_id: int | None = None
    owner_ids: set[int] = field(default_factory=set)
    lead_ids: set[int] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record_id}"


def _date(day: datetime.date) -> str:
    return dateformat.format(day, DATE_FORMAT)


class CaseTeams:
    """The incident handlers of each organisation and the exclusions of each case, read once per run."""

    def __init__(self, reports: Iterable[IncidentReport]):
        reports = list(reports)
        org_ids = {report.organisation_id for report in reports}
        self.handlers: dict[int, set[int]] = {org_id: set() for org_id in org_ids}
        memberships = Membership.objects.filter(
            organisation_id__in=org_ids, role=HANDLER_ROLE, user__is_active=True
        ).values_list("user_id", "organisation_id")
        for user_id, org_id in memberships:
            self.handlers[org_id].add(user_id)
        self.excluded: dict[int, set[int]] = {report.pk: set() for report in reports}
        exclusions = CaseExclusion.objects.filter(report_id__in=self.excluded).values_list(
            "report_id", "user_id"
        )
        for report_id, user_id in exclusions:
            self.excluded[report_id].add(user_id)

    def team(self, report: IncidentReport) -> set[int]:
        return self.handlers.get(report.organisation_id, set()) - self.excluded.get(report.pk, set())

    def case_owner(self, report: IncidentReport) -> set[int]:
        team = self.team(report)
        for candidate in (report.investigator_id, report.lead_handler_id):
            if candidate in team:
                return {candidate}
        return team

    def owner(self, report: IncidentReport, preferred: int | None) -> set[int]:
        return {preferred} if preferred in self.team(report) else self.case_owner(report)

    def leads(self, report: IncidentReport, owners: set[int]) -> set[int]:
        team = self.team(report)
        if report.lead_handler_id in team and report.lead_handler_id not in owners:
            return {report.lead_handler_id}
        return (team - owners) or owners


def _acknowledgements(now: datetime.datetime, today: datetime.date) -> Iterator[Step]:
    end_of_today = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min)
    )
    reports = IncidentReport.objects.filter(
        status=Status.SUBMITTED, acknowledged_at__isnull=True, acknowledge_by__lt=end_of_today
    ).select_related("organisation")
    for report in reports:
        overdue = now > report.acknowledge_by
        yield Step(
            kind="acknowledge",
            record_id=report.pk,
            report=report,
            what="Acknowledge the report",
            due_text=f"by {datetime_nhs(report.acknowledge_by)}",
            overdue=overdue,
            remind=not overdue,
            owned_by="team",
        )


def _riddor(today: datetime.date) -> Iterator[Step]:
    assessments = (
        RiddorAssessment.objects.filter(state=RiddorAssessment.State.CANDIDATE)
        .exclude(report__status__in=NOT_PURSUED)
        .select_related("report__organisation")
    )
    for assessment in assessments:
        deadline = assessment.deadline
        if today < deadline - datetime.timedelta(days=RIDDOR_WARNING_DAYS):
            continue
        report = assessment.report
        yield Step(
            kind="riddor",
            record_id=assessment.pk,
            report=report,
            what="Decide whether to report to HSE under RIDDOR",
            due_text=f"by {_date(deadline)} ({assessment.days_allowed} days from the incident)",
            overdue=today > deadline,
            remind=today <= deadline,
            owned_by="case",
        )


def _check_ins(today: datetime.date) -> Iterator[Step]:
    check_ins = (
        SupportCheckIn.objects.filter(
            done_at__isnull=True, due_on__lte=today, offer__state=SupportOffer.State.ACCEPTED
        )
        .exclude(offer__report__status__in=NOT_PURSUED)
        .select_related("offer__report__organisation")
    )
    for check_in in check_ins:
        report = check_in.offer.report
        yield Step(
            kind="check_in",
            record_id=check_in.pk,
            report=report,
            what="Support check-in",
            due_text=f"on {_date(check_in.due_on)}",
            overdue=today > check_in.due_on,
            remind=today == check_in.due_on,
            owned_by="preferred",
            preferred_owner_id=check_in.offer.offered_by_id,
        )


def _sanction_reviews(today: datetime.date) -> Iterator[Step]:
    notice = today + datetime.timedelta(days=SANCTION_REVIEW_REMINDER_DAYS)
    sanctions = Sanction.objects.filter(
        state__in=SANCTION_IN_FORCE, review_on__isnull=False, review_on__lte=notice
    ).select_related("report__organisation")
    for sanction in sanctions:
        report = sanction.report
        # Reminded a week before and on the day; chased every day once the date has passed.
        remind = today in (
            sanction.review_on - datetime.timedelta(days=SANCTION_REVIEW_REMINDER_DAYS),
            sanction.review_on,
        )
        overdue = today > sanction.review_on
        if not (remind or overdue):
            continue
        yield Step(
            kind="sanction_review",
            record_id=sanction.pk,
            report=report,
            what=f"Review the sanction ({sanction.get_kind_display().lower()})",
            due_text=f"on {_date(sanction.review_on)}",
            overdue=overdue,
            remind=remind,
            owned_by="preferred",
            preferred_owner_id=sanction.proposed_by_id,
        )


def due_steps(*, now: datetime.datetime | None = None) -> list[Step]:
    """Every step whose owner should be reminded today or that is overdue, across all organisations, with its
    owners and leads."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    steps = [*_acknowledgements(now, today), *_riddor(today), *_check_ins(today), *_sanction_reviews(today)]
    teams = CaseTeams({step.report.pk: step.report for step in steps}.values())
    for step in steps:
        if step.owned_by == "team":
            step.owner_ids = teams.team(step.report)
        elif step.owned_by == "case":
            step.owner_ids = teams.case_owner(step.report)
        else:
            step.owner_ids = teams.owner(step.report, step.preferred_owner_id)
        step.lead_ids = teams.leads(step.report, step.owner_ids)
    return steps
