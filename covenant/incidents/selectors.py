"""Reads for incidents. Access control lives here so that a view cannot forget it.

- A reporter sees only the reports they made under their own name or in confidence (never anonymous ones:
  those keep no link to an account and are reached with the follow-up code).
- A handler sees the cases of the organisations where they hold the incident_handler role, minus any case
  they are excluded from (named as the source, or line management of the person named, which
  `named_people_with_line_management` derives from the workforce records).
- Analysts see aggregates only, with counts below five suppressed (see `incident_statistics`).

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
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import Lower, TruncMonth
from django.http import Http404
from django.utils import timezone

from cms.audit import audit_refusal
from workforce.models import Employment, Organisation, Person
from workforce.selectors import organisations_for_user

from .models import (
    OPEN_STATUSES,
    SURVEY_SOURCE_GROUP,
    CaseExclusion,
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

SUPPRESSION_THRESHOLD = 5
SUPPRESSED_LABEL = "fewer than 5"


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
        open_by_state=[(labels[s], by_state.get(s, 0)) for s in OPEN_STATUSES],
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


def statistics_must_suppress(*, user) -> bool:
    """Small numbers are hidden from anyone who does not manage the cases themselves."""
    return not user.has_perm("incidents.view_cases")


def suppress(value: int | None, *, enabled: bool) -> int | str | None:
    if enabled and value is not None and 0 < value < SUPPRESSION_THRESHOLD:
        return SUPPRESSED_LABEL
    return value


@dataclass
class Breakdown:
    title: str
    rows: list[tuple[str, int | str]]
    chart_rows: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class UnderReportingRow:
    label: str
    reports: int | str
    reports_per_1000: float | str
    survey_per_1000: float
    reporting_ratio: str


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


def _under_reporting(*, survey, category_counts, start, end, suppressed) -> list[UnderReportingRow]:
    """Reports per 1,000 staff (annualised) beside the share of staff who said they experienced it, per 1,000.

    The ratio is a rough index of how much goes unreported: people can experience several incidents, and one
    report can cover several people, so it is a trend to watch rather than a measurement."""
    days = (end - start).days + 1
    rows = []
    for label, categories, percent in (
        ("Physical violence", PHYSICAL_CATEGORIES, survey.physical_violence_percent),
        ("Harassment, bullying or abuse", HARASSMENT_CATEGORIES, survey.harassment_percent),
    ):
        reports = sum(category_counts.get(c, 0) for c in categories)
        per_1000 = reports * 1000 / survey.headcount * 365 / days
        survey_per_1000 = float(percent) * 10
        small = suppressed and 0 < reports < SUPPRESSION_THRESHOLD
        if small:
            ratio = "suppressed"
        else:
            ratio = f"{100 * per_1000 / survey_per_1000:.0f}%" if survey_per_1000 else "–"
        rows.append(
            UnderReportingRow(
                label=label,
                reports=suppress(reports, enabled=suppressed),
                reports_per_1000="suppressed" if small else round(per_1000, 1),
                survey_per_1000=round(survey_per_1000, 1),
                reporting_ratio=ratio,
            )
        )
    return rows


@dataclass
class IncidentStatistics:
    start: datetime.date
    end: datetime.date
    suppressed: bool
    total: int | str
    by_month: Breakdown
    by_category: Breakdown
    by_source: Breakdown
    by_survey_source: Breakdown
    by_setting: Breakdown
    by_staff_group: Breakdown
    medical_factors_share: str
    acknowledged: int | str
    acknowledged_on_time: int | str
    acknowledged_on_time_share: str
    median_hours_to_acknowledge: float | None
    support_offered: int | str
    support_accepted: int | str
    sanctions: Breakdown
    police: Breakdown
    under_reporting: list[UnderReportingRow] = field(default_factory=list)
    survey: SurveyPrevalence | None = None


def _share(part: int, whole: int, *, suppressed: bool) -> str:
    if whole == 0:
        return "–"
    if suppressed and (0 < part < SUPPRESSION_THRESHOLD or whole < SUPPRESSION_THRESHOLD):
        return "suppressed"
    return f"{100 * part / whole:.0f}%"


def _breakdown(title, counts: dict, choices, *, suppressed: bool) -> Breakdown:
    rows, chart = [], []
    for value, label in choices:
        n = counts.get(value, 0)
        rows.append((label, suppress(n, enabled=suppressed)))
        # Suppressed rows are left out of the chart, so a bar never shows what the table hides.
        if not (suppressed and 0 < n < SUPPRESSION_THRESHOLD):
            chart.append((label, n))
    return Breakdown(title=title, rows=rows, chart_rows=chart)


def incident_statistics(
    *, organisations: QuerySet[Organisation], start: datetime.date, end: datetime.date, suppressed: bool
) -> IncidentStatistics:
    """Aggregate figures for reports made from `start` to `end` (inclusive). No narratives, no identities."""
    tz = timezone.get_current_timezone()
    start_at = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end_at = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    # Ids as constants let the planner use the (organisation, reported_at) index for each organisation.
    organisation_ids = list(organisations.values_list("pk", flat=True))
    reports = IncidentReport.objects.filter(
        organisation_id__in=organisation_ids, reported_at__gte=start_at, reported_at__lt=end_at
    ).exclude(status__in=[Status.MERGED, Status.NOT_AN_INCIDENT])

    def counts(column):
        return dict(reports.order_by().values_list(column).annotate(n=Count("pk")))

    total = reports.count()
    month_counts = {
        timezone.localdate(m) if isinstance(m, datetime.datetime) else m: n
        for m, n in reports.order_by()
        .annotate(month=TruncMonth("reported_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
    }
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        months.append((cursor, cursor.strftime("%b %Y")))
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    month_totals: Counter = Counter()
    for month, n in month_counts.items():
        month_totals[month.replace(day=1)] += n

    source_counts = counts("source")
    survey_groups: Counter = Counter()
    for source, n in source_counts.items():
        survey_groups[SURVEY_SOURCE_GROUP.get(source, "Not known")] += n
    group_labels = [(g, g) for g in dict.fromkeys(SURVEY_SOURCE_GROUP.values())]

    medical = reports.exclude(medical_factors__in=[MedicalFactor.NONE, MedicalFactor.UNKNOWN]).count()
    acknowledged_qs = reports.filter(acknowledged_at__isnull=False)
    acknowledged = acknowledged_qs.count()
    on_time = acknowledged_qs.filter(acknowledged_at__lte=F("acknowledge_by")).count()
    hours = sorted(
        (ack - rep).total_seconds() / 3600
        for rep, ack in acknowledged_qs.order_by().values_list("reported_at", "acknowledged_at")[:50000]
    )
    median = round(hours[len(hours) // 2], 1) if hours else None

    support = SupportOffer.objects.filter(report__in=reports)
    support_accepted = support.filter(
        state__in=[SupportOffer.State.ACCEPTED, SupportOffer.State.COMPLETED, SupportOffer.State.ESCALATED]
    ).count()
    sanction_counts = dict(
        Sanction.objects.filter(report__in=reports)
        .exclude(state__in=[Sanction.State.PROPOSED, Sanction.State.CLINICAL_REVIEW, Sanction.State.APPROVED])
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    police_counts = dict(
        PoliceOutcome.objects.filter(report__in=reports)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    category_counts = counts("category")
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
                survey=survey, category_counts=category_counts, start=start, end=end, suppressed=suppressed
            )
    return IncidentStatistics(
        under_reporting=under_reporting,
        survey=survey,
        start=start,
        end=end,
        suppressed=suppressed,
        total=suppress(total, enabled=suppressed),
        by_month=_breakdown("Reports by month", month_totals, months, suppressed=suppressed),
        by_category=_breakdown(
            "Reports by category", category_counts, Category.choices, suppressed=suppressed
        ),
        by_source=_breakdown("Reports by source", source_counts, Source.choices, suppressed=suppressed),
        by_survey_source=_breakdown(
            "Reports by NHS Staff Survey source group", survey_groups, group_labels, suppressed=suppressed
        ),
        by_setting=_breakdown(
            "Reports by setting", counts("setting"), Setting.choices, suppressed=suppressed
        ),
        by_staff_group=_breakdown(
            "Reports by staff group",
            counts("staff_group"),
            [*StaffGroup.choices, ("", "Not recorded")],
            suppressed=suppressed,
        ),
        medical_factors_share=_share(medical, total, suppressed=suppressed),
        acknowledged=suppress(acknowledged, enabled=suppressed),
        acknowledged_on_time=suppress(on_time, enabled=suppressed),
        acknowledged_on_time_share=_share(on_time, acknowledged, suppressed=suppressed),
        median_hours_to_acknowledge=median
        if not (suppressed and 0 < acknowledged < SUPPRESSION_THRESHOLD)
        else None,
        support_offered=suppress(support.count(), enabled=suppressed),
        support_accepted=suppress(support_accepted, enabled=suppressed),
        sanctions=_breakdown(
            "Sanctions issued", sanction_counts, Sanction.Kind.choices, suppressed=suppressed
        ),
        police=_breakdown(
            "Police outcomes", police_counts, PoliceOutcome.State.choices, suppressed=suppressed
        ),
    )


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
