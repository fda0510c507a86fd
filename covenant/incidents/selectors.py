"""Reads for incidents. Access control lives here so that a view cannot forget it.

- A reporter sees only the reports they made under their own name or in confidence (never anonymous ones:
  those keep no link to an account and are reached with the follow-up code).
- A handler sees the cases of the organisations where they hold the incident_handler role, minus any case
  they are excluded from (named as the source, or line management of the person named, which
  `named_people_with_line_management` derives from the workforce records).
- Analysts see aggregates only, protected by cms/disclosure.py (see `incident_statistics`); only handlers who
  are not analysts see exact figures for their own organisations, on screen (`statistics_audience`).

Every getter that refuses a signed-in person a record (404: not theirs to see; 403: not their role) records the
refusal with `cms.audit.audit_refusal` before raising, so probing other organisations' cases leaves a trace
(rate-limited: one row a minute per person and record type, with a count). Pass `request` for the method and
address; anonymous follow-up by code never comes through here.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Max, OuterRef, QuerySet
from django.db.models.functions import Lower, TruncMonth
from django.http import Http404
from django.utils import timezone

from cms import disclosure
from cms.audit import audit_refusal
from cms.disclosure import AdditiveTable, Audience, Cell, NotShown, Suppressed
from workforce.models import Employment, Organisation, Person
from workforce.selectors import organisations_for_user

from .models import (
    OPEN_STATUSES,
    SURVEY_SOURCE_GROUP,
    CaseExclusion,
    CaseTransition,
    Category,
    IdentityDisclosureRequest,
    IncidentReport,
    MedicalFactor,
    Message,
    PoliceOutcome,
    PoliceWish,
    ReporterRequestDecision,
    ReportingMode,
    RiddorAssessment,
    Sanction,
    Setting,
    Source,
    StaffGroup,
    Status,
    SupportCheckIn,
    SupportOffer,
    SurveyPrevalence,
)


# --- follow-up codes -------------------------------------------------------------------------------------------
def receipt_normalise(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def receipt_index(code: str) -> str:
    """A keyed HMAC of the code: finds the row in one indexed lookup; useless without the key."""
    key = settings.HASHING_KEY.encode()
    return hmac.new(key, b"incident-receipt:" + receipt_normalise(code).encode(), hashlib.sha256).hexdigest()


class ReceiptCodeHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): tens of milliseconds, not hundreds.

    The code has 53 bits of entropy and is found through a keyed index, so an attacker without the key cannot
    even pick the row to attack; the memory-hard hash is the second wall, for a stolen database and key. The
    account passwords keep their own hasher (PASSWORD_HASHERS).
    """

    time_cost = 2
    memory_cost = 19456
    parallelism = 1


RECEIPT_HASHER = ReceiptCodeHasher()


def receipt_hash(code: str) -> str:
    return make_password(receipt_normalise(code), hasher=RECEIPT_HASHER)


def receipt_matches(code: str, encoded: str) -> bool:
    if not encoded:
        return False
    if encoded.startswith(f"{RECEIPT_HASHER.algorithm}$"):
        return RECEIPT_HASHER.verify(receipt_normalise(code), encoded)
    # Codes issued before Argon2 (PBKDF2) still open their reports.
    return check_password(receipt_normalise(code), encoded)


def report_for_receipt(*, code: str) -> IncidentReport | None:
    """The anonymous report this follow-up code belongs to, or None. The slow hash is the real check."""
    digits = receipt_normalise(code)
    if len(digits) < 16:
        return None
    report = (
        IncidentReport.objects.filter(receipt_index=receipt_index(digits))
        .select_related("organisation")
        .first()
    )
    if report is None or not receipt_matches(digits, report.receipt_hash):
        return None
    return report


# --- reporters -------------------------------------------------------------------------------------------------
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
        _refuse(user=user, request=request, model=IncidentReport, pk=pk, reason="not_their_report")
        raise Http404("No such report")
    return report


def messages_for_reporter(*, report: IncidentReport) -> QuerySet[Message]:
    return report.messages.filter(audience=Message.Audience.REPORTER)


def reporter_organisations(*, user) -> QuerySet[Organisation]:
    """Where a signed-in person may report: the organisations they belong to."""
    return organisations_for_user(user=user).filter(is_active=True)


# --- handlers --------------------------------------------------------------------------------------------------
def handler_organisations(*, user) -> QuerySet[Organisation]:
    return organisations_for_user(user=user, role="incident_handler")


def cases_for_handler(*, user) -> QuerySet[IncidentReport]:
    """Every case a handler may see: their organisations' cases minus the ones they are excluded from."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("incidents.view_cases"):
        return IncidentReport.objects.none()
    excluded = CaseExclusion.objects.filter(report=OuterRef("pk"), user=user)
    # The ids are read first so the planner sees constants and walks the (organisation, reported_at) index.
    organisation_ids = list(handler_organisations(user=user).values_list("pk", flat=True))
    return (
        IncidentReport.objects.filter(organisation_id__in=organisation_ids)
        .exclude(Exists(excluded))
        .select_related("organisation", "investigator")
    )


def case_get_for_handler(*, user, pk: int, request=None) -> IncidentReport:
    if not getattr(user, "is_authenticated", False) or not user.has_perm("incidents.view_cases"):
        _refuse(user=user, request=request, model=IncidentReport, pk=pk, reason="not_a_handler")
        raise PermissionDenied
    report = (
        cases_for_handler(user=user).select_related("reporter", "lead_handler", "merged_into").filter(pk=pk)
    )
    report = report.first()
    if report is None:
        _refuse(user=user, request=request, model=IncidentReport, pk=pk, reason="not_visible")
        raise Http404("No such case")
    return report


def case_record_get(*, user, records: QuerySet, pk: int, request=None):
    """A record on a case already got with `case_get_for_handler` (`records`: its records of one kind, e.g.
    `report.support_offers`); a record of another case is refused, and audited, like the case itself."""
    record = records.filter(pk=pk).first()
    if record is None:
        _refuse(user=user, request=request, model=records.model, pk=pk, reason="not_on_this_case")
        raise Http404("No such record on this case")
    return record


def _refuse(*, user, request, model, pk, reason: str) -> None:
    audit_refusal(
        user=user, request=request, object_type=model._meta.label_lower, object_id=pk, reason=reason
    )


LINE_MANAGEMENT_DEPTH = 5


@dataclass(frozen=True)
class NamedPeople:
    """Accounts behind the e-mail addresses a reporter or handler named, and above them in line management."""

    named_user_ids: frozenset[int]
    line_management_user_ids: frozenset[int]


def named_people_with_line_management(*, emails, depth: int = LINE_MANAGEMENT_DEPTH) -> NamedPeople:
    """The accounts with the named work e-mails, and the accounts of everyone up to `depth` levels above the
    named people in line management, from the workforce records (employments not yet ended).

    A named person is found by their account's e-mail and by the work e-mail on their workforce record; a
    manager counts once their record's work e-mail matches an account. At most depth + 3 queries, whatever
    the size of the chain, and a loop in the data stops the walk rather than repeating it.
    """
    from django.contrib.auth import get_user_model

    User = get_user_model()
    emails = sorted({(e or "").strip().lower() for e in emails} - {""})
    if not emails:
        return NamedPeople(frozenset(), frozenset())
    # Account e-mails are compared ignoring case: accounts made in the admin keep the capitals they were typed with.
    accounts = User.objects.annotate(email_lower=Lower("email"))
    named = frozenset(accounts.filter(email_lower__in=emails).values_list("pk", flat=True))
    frontier = set(Person.objects.filter(work_email__in=emails).values_list("pk", flat=True))
    seen, managers = set(frontier), set()
    today = timezone.localdate()
    for _level in range(depth):
        if not frontier:
            break
        above = set(
            Employment.objects.open_on(today)
            .filter(person_id__in=frontier, line_manager__isnull=False)
            .values_list("line_manager_id", flat=True)
        )
        frontier = above - seen
        seen |= frontier
        managers |= frontier
    manager_users = frozenset()
    if managers:
        manager_emails = Person.objects.filter(pk__in=managers).exclude(work_email="").values("work_email")
        manager_users = frozenset(
            accounts.filter(email_lower__in=manager_emails).values_list("pk", flat=True)
        )
    return NamedPeople(named, manager_users - named)


def handlers_for_case(*, report: IncidentReport):
    """Handlers at the case's organisation who are not excluded from it: the people who may be assigned."""
    from django.contrib.auth import get_user_model

    excluded = report.exclusions.values("user_id")
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation=report.organisation,
            memberships__role="incident_handler",
            is_active=True,
        )
        .exclude(pk__in=excluded)
        .distinct()
        .order_by("first_name", "last_name")
    )


def reporter_identity_visible(*, user, report: IncidentReport) -> bool:
    """Named reports show the reporter to the case's handlers; confidential ones only to the assigned handlers
    (lead and investigator) or to someone an identity custodian has authorised. Anonymous reports hold none."""
    if report.reporter_id is None:
        return False
    if report.mode == ReportingMode.NAMED:
        return True
    if user.pk in (report.lead_handler_id, report.investigator_id):
        return True
    return report.disclosure_requests.filter(
        requested_by=user, state=IdentityDisclosureRequest.State.AUTHORISED
    ).exists()


def sign_off_requester_id(*, report: IncidentReport) -> int | None:
    """Who sent the case for sign-off most recently (the actor of the last `request_sign_off` transition)."""
    return (
        report.transitions.filter(action="request_sign_off")
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def moved_into_status_by_id(*, report: IncidentReport) -> int | None:
    """Who moved the case into the state it is in now (the actor of the latest transition into it)."""
    return (
        report.transitions.filter(to_status=report.status)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


# --- what the reporter asked for -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReporterRequest:
    """One thing the reporter asked for, and whether the case has answered it. For handlers: `how` may name
    internal records."""

    topic: str  # "support", "police" or "feedback"
    label: str  # completes "the reporter's request for ..."
    answered: bool
    how: str
    decision: ReporterRequestDecision | None = None

    @property
    def decidable(self) -> bool:
        """A handler can record a decision on it (feedback is answered by the outcome, not by a decision)."""
        return self.topic in ReporterRequestDecision.Topic.values


def reporter_requests(*, report: IncidentReport) -> list[ReporterRequest]:
    """What the reporter asked for on the report, each answered or not:

    - contact about support (`wants_support`): a `SupportOffer`, or a decision with a reason;
    - police action (`wants_police_action` is yes; "not sure yet" is not a request): a `PoliceOutcome` other than
      "not reported to the police", or a decision with a reason;
    - feedback (`wants_feedback`): the reporter-visible outcome (written when the case is sent for sign-off).
    """
    wants_police = report.wants_police_action == PoliceWish.YES
    if not (report.wants_support or wants_police or report.wants_feedback):
        return []
    decisions = {d.topic: d for d in report.request_decisions.select_related("decided_by")}
    requests = []
    if report.wants_support:
        decision = decisions.get(ReporterRequestDecision.Topic.SUPPORT)
        offers = report.support_offers.count()
        if decision is not None:
            how = "Decision recorded"
        elif offers:
            how = f"Support offered ({offers} offer{'s' if offers > 1 else ''})"
        else:
            how = "Not answered yet: offer support or record a decision"
        requests.append(
            ReporterRequest(
                topic=ReporterRequestDecision.Topic.SUPPORT,
                label="contact about support",
                answered=decision is not None or offers > 0,
                how=how,
                decision=decision,
            )
        )
    if wants_police:
        decision = decisions.get(ReporterRequestDecision.Topic.POLICE)
        outcome = PoliceOutcome.objects.filter(report=report).first()
        acted = outcome is not None and outcome.state != PoliceOutcome.State.NOT_REPORTED
        if decision is not None:
            how = "Decision recorded"
        elif acted:
            how = f"Police outcome: {outcome.get_state_display()}"
        else:
            how = "Not answered yet: record the police outcome or a decision"
        requests.append(
            ReporterRequest(
                topic=ReporterRequestDecision.Topic.POLICE,
                label="police action",
                answered=decision is not None or acted,
                how=how,
                decision=decision,
            )
        )
    if report.wants_feedback:
        written = bool((report.outcome_for_reporter or "").strip())
        requests.append(
            ReporterRequest(
                topic="feedback",
                label="feedback",
                answered=written,
                how="Outcome written for the reporter"
                if written
                else "Not answered yet: the outcome is written when the case is sent for sign-off",
            )
        )
    return requests


@dataclass(frozen=True)
class ReporterAnswer:
    """What a reporter reads about one of their requests. Built only from reporter-visible values."""

    question: str
    answer: str


def reporter_request_answers(*, report: IncidentReport) -> list[ReporterAnswer]:
    """The answers to a reporter's requests for support and police action, for the reporter's own pages.

    Only when they asked for feedback, and only from `REPORTER_VISIBLE_DECISION_FIELDS` and labels of choices
    (support routes, the police outcome's state): never a reason, a note or who decided.
    """
    if not report.wants_feedback:
        return []
    answers = []
    for item in reporter_requests(report=report):
        if not item.decidable:
            continue
        question = (
            "You asked us to contact you about support"
            if item.topic == ReporterRequestDecision.Topic.SUPPORT
            else "You asked for police action"
        )
        if item.decision is not None:
            answer = (
                item.decision.answer_for_reporter
                or "We have made a decision; ask us if you want to know more."
            )
        elif not item.answered:
            answer = "We have not answered this yet."
        elif item.topic == ReporterRequestDecision.Topic.SUPPORT:
            routes = dict(SupportOffer.Route.choices)
            offered = sorted(
                {routes.get(r, r) for r in report.support_offers.values_list("route", flat=True)}
            )
            answer = f"Support was offered: {', '.join(offered)}."
        else:
            answer = f"Police: {report.police_outcome.get_state_display()}."
        answers.append(ReporterAnswer(question=question, answer=answer))
    return answers


# --- identity custodians ---------------------------------------------------------------------------------------
def disclosure_requests_for_custodian(*, user) -> QuerySet[IdentityDisclosureRequest]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "incidents.decide_identity_disclosure"
    ):
        return IdentityDisclosureRequest.objects.none()
    organisations = organisations_for_user(user=user, role="identity_custodian")
    excluded = CaseExclusion.objects.filter(report=OuterRef("report_id"), user=user)
    return (
        IdentityDisclosureRequest.objects.filter(report__organisation__in=organisations)
        .exclude(Exists(excluded))
        .select_related("report", "report__organisation", "requested_by", "decided_by")
    )


def disclosure_request_get_for_custodian(*, user, pk: int, request=None) -> IdentityDisclosureRequest:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "incidents.decide_identity_disclosure"
    ):
        _refuse(user=user, request=request, model=IdentityDisclosureRequest, pk=pk, reason="not_a_custodian")
        raise PermissionDenied
    disclosure = disclosure_requests_for_custodian(user=user).filter(pk=pk).first()
    if disclosure is None:
        _refuse(user=user, request=request, model=IdentityDisclosureRequest, pk=pk, reason="not_visible")
        raise Http404("No such request")
    return disclosure


# --- handler dashboard -----------------------------------------------------------------------------------------
@dataclass
class HandlerDashboard:
    open_by_state: list[tuple[str, int]]
    overdue_acknowledgements: list[IncidentReport]
    check_ins_due: list[SupportCheckIn]
    riddor_deadlines: list[RiddorAssessment]
    sanctions_for_review: list[Sanction]


def handler_dashboard(*, user, limit: int = 20) -> HandlerDashboard:
    cases = cases_for_handler(user=user)
    labels = dict(Status.choices)
    by_state = dict(cases.filter(status__in=OPEN_STATUSES).values_list("status").annotate(n=Count("pk")))
    today = timezone.localdate()
    case_ids = cases.values("pk")
    return HandlerDashboard(
        # A handler's own working list, on screen: exact (cms/disclosure.py, Audience.HANDLER).
        open_by_state=[
            (labels[s], n)
            for s, n in disclosure.protect(
                AdditiveTable.one_way({s: by_state.get(s, 0) for s in OPEN_STATUSES}),
                audience=Audience.HANDLER,
            ).items()
            if s != disclosure.TOTAL
        ],
        overdue_acknowledgements=list(
            cases.filter(status=Status.SUBMITTED, acknowledge_by__lt=timezone.now()).order_by(
                "acknowledge_by"
            )[:limit]
        ),
        check_ins_due=list(
            SupportCheckIn.objects.filter(
                offer__report__in=case_ids,
                done_at__isnull=True,
                due_on__lte=today + datetime.timedelta(days=7),
            )
            .exclude(offer__state__in=[SupportOffer.State.DECLINED, SupportOffer.State.COMPLETED])
            .select_related("offer__report")
            .order_by("due_on")[:limit]
        ),
        riddor_deadlines=list(
            RiddorAssessment.objects.filter(report__in=case_ids, state=RiddorAssessment.State.CANDIDATE)
            .select_related("report")
            .order_by("report__occurred_at")[:limit]
        ),
        sanctions_for_review=list(
            Sanction.objects.filter(
                report__in=case_ids,
                state__in=[Sanction.State.ISSUED, Sanction.State.ACKNOWLEDGED, Sanction.State.REVIEW_DUE],
                review_on__lte=today + datetime.timedelta(days=14),
            )
            .select_related("report")
            .order_by("review_on")[:limit]
        ),
    )


# --- statistics ------------------------------------------------------------------------------------------------
def statistics_organisations(*, user) -> QuerySet[Organisation]:
    """Analysts see figures for every organisation in the system; handlers for their own organisations."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if user.has_perm("incidents.view_incident_statistics") and "analyst" in user.role_keys:
        return Organisation.objects.all()
    if user.has_perm("incidents.view_cases"):
        return handler_organisations(user=user)
    return Organisation.objects.none()


def statistics_audience(*, user, organisations: QuerySet[Organisation]) -> Audience:
    """Exact figures on screen only for the incident handlers of every organisation in scope (a lawful need:
    they manage the cases); everyone else sees protected figures (cms/disclosure.py).

    Anyone who may see a scope wider than the organisations they handle (an analyst) sees protected figures
    everywhere, for the organisations they handle too: exact figures for one organisation beside protected ones
    for all organisations would give the others' hidden figures away by subtraction."""
    if not user.has_perm("incidents.view_cases"):
        return Audience.ANALYST
    if user.has_perm("incidents.view_incident_statistics") and "analyst" in user.role_keys:
        return Audience.ANALYST
    own = set(handler_organisations(user=user).values_list("pk", flat=True))
    scope = set(organisations.values_list("pk", flat=True))
    return Audience.HANDLER if scope and scope <= own else Audience.ANALYST


@dataclass
class Breakdown:
    title: str
    rows: list[tuple[str, Cell]]

    @property
    def chart_rows(self) -> list[tuple[str, float]]:
        """Suppressed rows are left out of the chart, so a bar never shows what the table hides."""
        return disclosure.chart_rows(self.rows)


@dataclass
class UnderReportingRow:
    label: str
    reports: Cell
    reports_per_1000: float | NotShown | str
    survey_per_1000: float
    reporting_ratio: str | NotShown


# Which report categories correspond to each Staff Survey prevalence question.
PHYSICAL_CATEGORIES = (Category.PHYSICAL_ASSAULT, Category.SPITTING)
HARASSMENT_CATEGORIES = (
    Category.VERBAL_ABUSE,
    Category.SEXUAL,
    Category.DISCRIMINATORY,
    Category.HARASSMENT,
    Category.ONLINE_ABUSE,
    Category.BULLYING,
)
REPORTS = "reports"


def _under_reporting(*, survey, group_cells, start, end, audience) -> list[UnderReportingRow]:
    """Reports per 1,000 staff (annualised) beside the share of staff who said they experienced it, per 1,000.

    The ratio is a rough index of how much goes unreported: people can experience several incidents, and one
    report can cover several people, so it is a trend to watch rather than a measurement. The reports are the
    protected subtotals of the category table, so neither they nor the rate on them give a hidden category away."""
    days = (end - start).days + 1
    rows = []
    for label, group, percent in (
        ("Physical violence", "physical", survey.physical_violence_percent),
        ("Harassment, bullying or abuse", "harassment", survey.harassment_percent),
    ):
        reports = group_cells[("category_group", group)]
        per_1000 = disclosure.rate(reports, per=1000 / survey.headcount * 365 / days, audience=audience)
        survey_per_1000 = float(percent) * 10
        if isinstance(per_1000, NotShown):
            ratio = disclosure.NOT_SHOWN
        else:
            ratio = f"{100 * per_1000 / survey_per_1000:.0f}%" if survey_per_1000 else "–"
        rows.append(
            UnderReportingRow(
                label=label,
                reports=reports,
                reports_per_1000=per_1000,
                survey_per_1000=round(survey_per_1000, 1),
                reporting_ratio=ratio,
            )
        )
    return rows


@dataclass
class IncidentStatistics:
    start: datetime.date
    end: datetime.date
    audience: Audience
    total: Cell
    by_month: Breakdown
    by_category: Breakdown
    by_source: Breakdown
    by_survey_source: Breakdown
    by_setting: Breakdown
    by_staff_group: Breakdown
    medical_factors_share: str | NotShown
    acknowledged: Cell
    acknowledged_on_time: Cell
    acknowledged_on_time_share: str | NotShown
    median_hours_to_acknowledge: float | NotShown | str
    support_offered: Cell
    support_accepted: Cell
    sanctions: Breakdown
    police: Breakdown
    under_reporting: list[UnderReportingRow] = field(default_factory=list)
    survey: SurveyPrevalence | None = None

    @property
    def suppressed(self) -> bool:
        return not self.audience.exact

    def export_rows(self) -> list[tuple[str, str, object]]:
        """(section, label, value) for a CSV: markers for what is hidden, never the numbers behind them."""
        rows = [
            ("Summary", "Reports", self.total),
            ("Summary", "Acknowledged", self.acknowledged),
            ("Summary", "Acknowledged within 1 day", self.acknowledged_on_time),
            ("Summary", "Share acknowledged within 1 day", self.acknowledged_on_time_share),
            ("Summary", "Median hours to acknowledge", self.median_hours_to_acknowledge),
            ("Summary", "Share with medical or clinical factors suspected", self.medical_factors_share),
            ("Summary", "Support offered", self.support_offered),
            ("Summary", "Support accepted", self.support_accepted),
        ]
        for breakdown in (
            self.by_month,
            self.by_category,
            self.by_survey_source,
            self.by_source,
            self.by_setting,
            self.by_staff_group,
            self.sanctions,
            self.police,
        ):
            rows.extend((breakdown.title, label, value) for label, value in breakdown.rows)
        for row in self.under_reporting:
            rows.append(("Under-reporting index", f"{row.label}: reports", row.reports))
            rows.append(
                (
                    "Under-reporting index",
                    f"{row.label}: reports per 1,000 staff a year",
                    row.reports_per_1000,
                )
            )
            rows.append(("Under-reporting index", f"{row.label}: reported", row.reporting_ratio))
        return [(section, label, disclosure.export_value(value)) for section, label, value in rows]


def _breakdown(title, cells: dict, prefix: str, choices) -> Breakdown:
    return Breakdown(title=title, rows=[(label, cells[(prefix, value)]) for value, label in choices])


OTHER = "__other__"
STAFF_CHOICES = [*StaffGroup.choices, ("", "Not recorded")]


def _months(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        months.append((cursor, cursor.strftime("%b %Y")))
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    return months


def _period_reports(*, organisation_ids, start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    start_at = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end_at = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    # Ids as constants let the planner use the (organisation, reported_at) index for each organisation.
    return IncidentReport.objects.filter(
        organisation_id__in=organisation_ids, reported_at__gte=start_at, reported_at__lt=end_at
    ).exclude(status__in=[Status.MERGED, Status.NOT_AN_INCIDENT])


def _organisation_trees(*, organisation_ids: list[int], start, end) -> dict[int, dict[str, dict]]:
    """Each organisation's counts for the period as trees of the same shape (cms/disclosure.py hierarchies):
    ``{organisation id: {table name: {root: {...}}}}``. Every tree has every key, zeros included, so that the
    organisations' trees line up as the rows of one table."""
    reports = _period_reports(organisation_ids=organisation_ids, start=start, end=end)

    def grouped(queryset, column) -> dict[int, dict]:
        result: dict[int, dict] = {pk: {} for pk in organisation_ids}
        for pk, value, n in (
            queryset.order_by().values_list("organisation_id", column).annotate(n=Count("pk"))
        ):
            result[pk][value] = result[pk].get(value, 0) + n
        return result

    def count_by_org(queryset, field="organisation_id") -> Counter:
        return Counter(
            dict(queryset.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
        )

    totals = count_by_org(reports)
    month_counts: dict[int, Counter] = {pk: Counter() for pk in organisation_ids}
    for pk, month, n in (
        reports.order_by()
        .annotate(month=TruncMonth("reported_at"))
        .values_list("organisation_id", "month")
        .annotate(n=Count("pk"))
    ):
        day = timezone.localdate(month) if isinstance(month, datetime.datetime) else month
        month_counts[pk][day.replace(day=1)] += n
    months = [m for m, _ in _months(start, end)]
    categories = grouped(reports, "category")
    sources = grouped(reports, "source")
    settings_ = grouped(reports, "setting")
    staff_groups = grouped(reports, "staff_group")
    medical = count_by_org(reports.exclude(medical_factors__in=[MedicalFactor.NONE, MedicalFactor.UNKNOWN]))
    acknowledged_qs = reports.filter(acknowledged_at__isnull=False)
    acknowledged = count_by_org(acknowledged_qs)
    on_time = count_by_org(acknowledged_qs.filter(acknowledged_at__lte=F("acknowledge_by")))
    support = SupportOffer.objects.filter(report__in=reports)
    support_offered = count_by_org(support, "report__organisation_id")
    support_accepted = count_by_org(
        support.filter(
            state__in=[
                SupportOffer.State.ACCEPTED,
                SupportOffer.State.COMPLETED,
                SupportOffer.State.ESCALATED,
            ]
        ),
        "report__organisation_id",
    )
    # Issued means an issue date was recorded: a sanction revoked before it was issued was never issued.
    sanctions: dict[int, Counter] = {pk: Counter() for pk in organisation_ids}
    for pk, kind, n in (
        Sanction.objects.filter(report__in=reports, issued_on__isnull=False)
        .order_by()
        .values_list("report__organisation_id", "kind")
        .annotate(n=Count("pk"))
    ):
        sanctions[pk][kind] += n
    police: dict[int, Counter] = {pk: Counter() for pk in organisation_ids}
    for pk, state, n in (
        PoliceOutcome.objects.filter(report__in=reports)
        .order_by()
        .values_list("report__organisation_id", "state")
        .annotate(n=Count("pk"))
    ):
        police[pk][state] += n
    groups = list(dict.fromkeys(SURVEY_SOURCE_GROUP.values()))

    def leaves(prefix, counts, keys, total):
        # What the choices do not cover is one unpublished residual.
        row = {(prefix, key): counts.get(key, 0) for key in keys}
        row[(prefix, OTHER)] = total - sum(row.values())
        return row

    trees = {}
    for pk in organisation_ids:
        total = totals.get(pk, 0)
        category_counts = categories[pk]
        category_tree = {
            ("category_group", "physical"): {
                ("category", c): category_counts.get(c, 0) for c in PHYSICAL_CATEGORIES
            },
            ("category_group", "harassment"): {
                ("category", c): category_counts.get(c, 0) for c in HARASSMENT_CATEGORIES
            },
            ("category_group", "other"): {
                ("category", c): category_counts.get(c, 0)
                for c, _ in Category.choices
                if c not in PHYSICAL_CATEGORIES and c not in HARASSMENT_CATEGORIES
            },
        }
        category_tree[("category", OTHER)] = total - sum(
            category_counts.get(c, 0) for c, _ in Category.choices
        )
        source_counts = sources[pk]
        source_tree: dict = {("source_group", g): {} for g in groups}
        for value, _label in Source.choices:
            group = ("source_group", SURVEY_SOURCE_GROUP.get(value, "Not known"))
            source_tree[group][("source", value)] = source_counts.get(value, 0)
        source_tree[("source", OTHER)] = total - sum(source_counts.get(v, 0) for v, _ in Source.choices)
        acked, timely = acknowledged.get(pk, 0), on_time.get(pk, 0)
        offered, accepted = support_offered.get(pk, 0), support_accepted.get(pk, 0)
        trees[pk] = {
            "month": {REPORTS: leaves("month", month_counts[pk], months, total)},
            "category": {REPORTS: category_tree},
            "source": {REPORTS: source_tree},
            "setting": {REPORTS: leaves("setting", settings_[pk], [s for s, _ in Setting.choices], total)},
            "staff_group": {
                REPORTS: leaves("staff_group", staff_groups[pk], [s for s, _ in STAFF_CHOICES], total)
            },
            "acknowledged": {
                REPORTS: {
                    "acknowledged": {"on_time": timely, "late": acked - timely},
                    "not_acknowledged": total - acked,
                }
            },
            "medical": {REPORTS: {"medical": medical.get(pk, 0), "not_medical": total - medical.get(pk, 0)}},
            "support": {"offered": {"accepted": accepted, "not_accepted": offered - accepted}},
            "sanctions": {
                ("kind", TOTAL_SANCTIONS): {("kind", k): sanctions[pk][k] for k, _ in Sanction.Kind.choices}
            },
            "police": {
                ("state", TOTAL_POLICE): {("state", s): police[pk][s] for s, _ in PoliceOutcome.State.choices}
            },
        }
    return trees


TOTAL_SANCTIONS = "__sanctions__"
TOTAL_POLICE = "__police__"


def _flatten(tree: dict) -> dict:
    """Every node of a tree, keyed as in `AdditiveTable.hierarchy`, with its value."""
    return dict(AdditiveTable.hierarchy(tree).values)


def protected_period_cells(*, start: datetime.date, end: datetime.date, audience: Audience) -> dict:
    """Every organisation's figures for the period protected jointly, as one table: ``{row: {cell: value}}``, a
    row per organisation id and `disclosure.TOTAL` for all organisations.

    Each breakdown is the organisations by the breakdown's categories (a hierarchy) with the organisations' totals
    and the all-organisations row (`disclosure.rows_by_hierarchy`), and the breakdowns share each organisation's
    number of reports (`protect_linked`). Every view of the period, for one organisation or for all, takes its cells
    from this one pattern, so a cell hidden here is hidden wherever it is shown: one organisation's hidden count
    cannot be found by subtracting the others from the all-organisations figure, nor from another scope's."""
    # The joint pattern costs time that grows with the number of organisations (docs/disclosure-control.md), so it
    # is kept for a short while: every view of the period in that time reads the same pattern. New reports and
    # workflow steps start a new one at once; other changes (a support offer accepted, a sanction issued) show
    # within JOINT_PATTERN_SECONDS.
    version = (
        tuple(IncidentReport.objects.aggregate(n=Count("pk"), top=Max("pk")).values()),
        CaseTransition.objects.aggregate(top=Max("pk"))["top"],
    )
    key = (
        "incidents:joint:" + hashlib.sha256(repr((start, end, audience.value, *version)).encode()).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = _protected_period_cells(start=start, end=end, audience=audience)
    cache.set(key, rows, JOINT_PATTERN_SECONDS)
    return rows


JOINT_PATTERN_SECONDS = 120


def _protected_period_cells(*, start: datetime.date, end: datetime.date, audience: Audience) -> dict:
    organisation_ids = sorted(Organisation.objects.values_list("pk", flat=True))
    trees = _organisation_trees(organisation_ids=organisation_ids, start=start, end=end)
    tables: dict = {}
    shared: set = set()
    names = next(iter(trees.values())).keys() if trees else []
    for name in names:
        named, named_shared = disclosure.rows_by_hierarchy(
            {pk: trees[pk][name] for pk in organisation_ids}, name=name
        )
        tables.update(named)
        shared |= named_shared
    protected = disclosure.protect_linked(tables, audience=audience, shared=shared)
    rows: dict = {pk: {} for pk in [*organisation_ids, disclosure.TOTAL]}
    for table in protected.values():
        for (row, key), value in table.items():
            rows[row][key] = value
    return rows


def _scope_cells(*, organisation_ids: list[int], start, end, audience: Audience) -> dict:
    """The cells for the scope: exact sums for `Audience.exact`; otherwise taken from the joint pattern of
    `protected_period_cells` (the all-organisations row for all, an organisation's row for one, and for several
    a cell's sum only when every one of their cells is shown)."""
    if audience.exact:
        trees = _organisation_trees(organisation_ids=organisation_ids, start=start, end=end)
        if not trees:
            trees = {0: _organisation_trees(organisation_ids=[0], start=start, end=end)[0]}
        cells: Counter = Counter()
        for tree in trees.values():
            # The breakdowns share their root (the number of reports): merge an organisation's, then add up.
            merged = {key: value for part in tree.values() for key, value in _flatten(part).items()}
            cells.update(merged)
        return {key: cells[key] for key in merged}
    joint = protected_period_cells(start=start, end=end, audience=audience)
    every = [row for row in joint if row != disclosure.TOTAL]
    if set(organisation_ids) == set(every):
        return joint[disclosure.TOTAL]
    if len(organisation_ids) == 1:
        return joint[organisation_ids[0]]
    result = {}
    for key in joint[disclosure.TOTAL]:
        values = [joint[pk][key] for pk in organisation_ids]
        result[key] = disclosure.SUPPRESSED if any(isinstance(v, Suppressed) for v in values) else sum(values)
    return result


def incident_statistics(
    *, organisations: QuerySet[Organisation], start: datetime.date, end: datetime.date, audience: Audience
) -> IncidentStatistics:
    """Aggregate figures for reports made from `start` to `end` (inclusive), as `audience` may see them.

    No narratives, no identities. Every table goes through cms/disclosure.py. The breakdowns by month, category,
    source, setting and staff group, the acknowledgements and the medical factors all add up to the same total of
    reports, so they are protected together (a total hidden in one is hidden in all); and every organisation's
    tables are protected jointly with the all-organisations row (`protected_period_cells`), so that no view can
    be subtracted from another."""
    organisation_ids = list(organisations.values_list("pk", flat=True))
    cells = _scope_cells(organisation_ids=organisation_ids, start=start, end=end, audience=audience)
    reports = _period_reports(organisation_ids=organisation_ids, start=start, end=end)
    months = _months(start, end)
    groups = list(dict.fromkeys(SURVEY_SOURCE_GROUP.values()))
    group_labels = [(g, g) for g in groups]
    hours = sorted(
        (ack - rep).total_seconds() / 3600
        for rep, ack in reports.filter(acknowledged_at__isnull=False)
        .order_by()
        .values_list("reported_at", "acknowledged_at")[:50000]
    )
    survey = None
    under_reporting = []
    if len(organisation_ids) == 1:
        survey = (
            SurveyPrevalence.objects.filter(organisation_id=organisation_ids[0], survey_year__lte=start.year)
            .order_by("-survey_year")
            .first()
        )
        if survey is not None:
            under_reporting = _under_reporting(
                survey=survey, group_cells=cells, start=start, end=end, audience=audience
            )
    median = (
        disclosure.NOT_SHOWN
        if isinstance(cells["acknowledged"], Suppressed)
        else disclosure.median(hours, audience=audience)
    )
    return IncidentStatistics(
        under_reporting=under_reporting,
        survey=survey,
        start=start,
        end=end,
        audience=audience,
        total=cells[REPORTS],
        by_month=_breakdown("Reports by month", cells, "month", months),
        by_category=_breakdown("Reports by category", cells, "category", Category.choices),
        by_source=_breakdown("Reports by source", cells, "source", Source.choices),
        by_survey_source=_breakdown(
            "Reports by NHS Staff Survey source group", cells, "source_group", group_labels
        ),
        by_setting=_breakdown("Reports by setting", cells, "setting", Setting.choices),
        by_staff_group=_breakdown("Reports by staff group", cells, "staff_group", STAFF_CHOICES),
        medical_factors_share=disclosure.share(cells["medical"], cells[REPORTS], audience=audience),
        acknowledged=cells["acknowledged"],
        acknowledged_on_time=cells["on_time"],
        acknowledged_on_time_share=disclosure.share(
            cells["on_time"], cells["acknowledged"], audience=audience
        ),
        median_hours_to_acknowledge=median,
        support_offered=cells["offered"],
        support_accepted=cells["accepted"],
        sanctions=_breakdown("Sanctions issued", cells, "kind", Sanction.Kind.choices),
        police=_breakdown("Police outcomes", cells, "state", PoliceOutcome.State.choices),
    )


def sanctions_issued_count(
    *, organisation_ids: list[int] | None, start: datetime.date, end: datetime.date
) -> int:
    """Sanctions issued from `start` to `end` (by their issue date): one revoked before it was issued never was."""
    sanctions = Sanction.objects.filter(issued_on__gte=start, issued_on__lte=end)
    if organisation_ids is not None:
        sanctions = sanctions.filter(report__organisation_id__in=organisation_ids)
    return sanctions.count()


def half_year_bounds(label: str) -> tuple[datetime.date, datetime.date]:
    """'2026-H1' -> (1 April 2026, 30 September 2026): NHS financial half-years; H2 runs October to March."""
    try:
        year_text, half = label.split("-")
        year = int(year_text)
    except ValueError as exc:
        raise ValueError("Choose a half-year like 2026-H1") from exc
    if half == "H1":
        return datetime.date(year, 4, 1), datetime.date(year, 9, 30)
    if half == "H2":
        return datetime.date(year, 10, 1), datetime.date(year + 1, 3, 31)
    raise ValueError("Choose a half-year like 2026-H1")


def recent_half_years(*, today: datetime.date | None = None, count: int = 4) -> list[tuple[str, str]]:
    today = today or timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    half = "H1" if 4 <= today.month <= 9 else "H2"
    choices = []
    for _ in range(count):
        start, end = half_year_bounds(f"{year}-{half}")
        choices.append((f"{year}-{half}", f"{start:%B %Y} to {end:%B %Y}"))
        if half == "H2":
            half = "H1"
        else:
            half, year = "H2", year - 1
    return choices
