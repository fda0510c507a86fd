"""Aggregate figures: who may see which organisations' figures and how exactly, the figures of a period, and the
periods. Analysts see aggregates only, protected by cms/disclosure.py (see `incident_statistics`); only handlers
who are not analysts see exact figures for their own organisations, on screen (`statistics_audience`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from cms import disclosure
from cms.access import has_permission
from cms.disclosure import Audience, Cell, NotShown, Suppressed
from workforce.models import Organisation

from ..models import SURVEY_SOURCE_GROUP, Category, PoliceOutcome, Sanction, Setting, Source, SurveyPrevalence
from ..roles import ANALYST_ROLE, VIEW_CASES, VIEW_INCIDENT_STATISTICS
from .cases import handler_organisations
from .protected_figures import REPORTS, STAFF_CHOICES, months_between, period_reports, scope_cells


def statistics_organisations(*, user) -> QuerySet[Organisation]:
    """Analysts see figures for every organisation in the system; handlers for their own organisations."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if has_permission(user, VIEW_INCIDENT_STATISTICS) and ANALYST_ROLE in user.role_keys:
        return Organisation.objects.all()
    if has_permission(user, VIEW_CASES):
        return handler_organisations(user=user)
    return Organisation.objects.none()


def statistics_audience(*, user, organisations: QuerySet[Organisation]) -> Audience:
    """Exact figures on screen only for the incident handlers of every organisation in scope (a lawful need:
    they manage the cases); everyone else sees protected figures (cms/disclosure.py).

    Anyone who may see a scope wider than the organisations they handle (an analyst) sees protected figures
    everywhere, for the organisations they handle too: exact figures for one organisation beside protected ones
    for all organisations would give the others' hidden figures away by subtraction."""
    if not has_permission(user, VIEW_CASES):
        return Audience.ANALYST
    if has_permission(user, VIEW_INCIDENT_STATISTICS) and ANALYST_ROLE in user.role_keys:
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
            ("Summary", "Acknowledged within 1 working day", self.acknowledged_on_time),
            ("Summary", "Share acknowledged within 1 working day", self.acknowledged_on_time_share),
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
    cells = scope_cells(organisation_ids=organisation_ids, start=start, end=end, audience=audience)
    reports = period_reports(organisation_ids=organisation_ids, start=start, end=end)
    months = months_between(start, end)
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


def survey_figures_for(*, organisations: QuerySet[Organisation]) -> QuerySet[SurveyPrevalence]:
    return SurveyPrevalence.objects.filter(organisation__in=organisations).select_related("organisation")
