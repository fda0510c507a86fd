"""Figures for the annual Covenant report, read from the workforce and incident records (read-only).

For a financial year and the one before it, system-wide and for each organisation that had signed by the end of
the year. Raw counts are gathered first (`ScopeFigures`); `present()` then turns them into what may be published,
hiding any count from 1 to 4, and any rate, share or median built on one.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from covenant.incidents.models import Category
from covenant.incidents.selectors import SUPPRESSED_LABEL, SUPPRESSION_THRESHOLD, incident_statistics
from workforce.models import JointArrangement, Organisation, SectorMove
from workforce.selectors import headcount_as_at, sector_flow
from workforce.vocabulary import ArrangementStatus, MoveStatus

from .models import CovenantSignature, FinancialYear, SignatureStatus

NOT_APPLICABLE = "–"


@dataclass
class ScopeFigures:
    """Raw counts for one scope (the whole system or one organisation) in one period. Never published as is."""

    start: datetime.date
    end: datetime.date
    joint_roles: int
    to_social_care: int
    to_nhs: int
    offer_to_start_days: list[int]
    checks_reused: int
    checks_repeated: int
    headcount: int
    incidents: int
    incidents_by_category: dict[str, int]
    acknowledged: int
    acknowledged_on_time: int
    support_offered: int
    sanctions_issued: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period(year: FinancialYear, *, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The year's dates, cut at today for the year in progress."""
    today = today or timezone.localdate()
    return year.start, min(year.end, today)


def scope_figures(*, year: FinancialYear, organisation_ids: list[int] | None) -> ScopeFigures:
    start, end = period(year)
    arrangements = JointArrangement.objects.exclude(status=ArrangementStatus.DRAFT).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start), start_date__lte=end
    )
    if organisation_ids is not None:
        arrangements = arrangements.filter(
            Q(partners__organisation_id__in=organisation_ids)
            | Q(employer_id__in=organisation_ids)
            | Q(place_of_work_id__in=organisation_ids)
        )
    flow = sector_flow(start=start, end=end, organisation_ids=organisation_ids)
    cross = SectorMove.objects.filter(
        Q(from_sector="health", to_sector="social_care") | Q(from_sector="social_care", to_sector="health"),
        status=MoveStatus.CONFIRMED,
        effective_date__gte=start,
        effective_date__lte=end,
        days_offer_to_start__isnull=False,
    )
    # Checks are reused by the receiving organisation, so an organisation's share is over the moves into it.
    arrivals = SectorMove.objects.filter(
        status=MoveStatus.CONFIRMED,
        effective_date__gte=start,
        effective_date__lte=end,
        to_organisation__isnull=False,
    )
    if organisation_ids is not None:
        cross = cross.filter(
            Q(from_organisation_id__in=organisation_ids) | Q(to_organisation_id__in=organisation_ids)
        )
        arrivals = arrivals.filter(to_organisation_id__in=organisation_ids)
    reused = SectorMove.credentials_reused.through.objects.filter(sectormove__in=arrivals).count()
    repeated = sum(len(checks or []) for checks in arrivals.values_list("checks_repeated", flat=True))
    organisations = (
        Organisation.objects.all()
        if organisation_ids is None
        else Organisation.objects.filter(pk__in=organisation_ids)
    )
    incidents = incident_statistics(organisations=organisations, start=start, end=end, suppressed=False)
    labels = dict(Category.choices)
    by_label = dict(incidents.by_category.rows)
    return ScopeFigures(
        start=start,
        end=end,
        joint_roles=arrangements.distinct().count(),
        to_social_care=flow["totals"]["to_social_care"],
        to_nhs=flow["totals"]["to_nhs"],
        offer_to_start_days=list(cross.values_list("days_offer_to_start", flat=True)),
        checks_reused=reused,
        checks_repeated=repeated,
        headcount=headcount_as_at(on_date=end, organisation_ids=organisation_ids)["totals"]["headcount"] or 0,
        incidents=incidents.total,
        incidents_by_category={key: by_label.get(label, 0) for key, label in labels.items()},
        acknowledged=incidents.acknowledged,
        acknowledged_on_time=incidents.acknowledged_on_time,
        support_offered=incidents.support_offered,
        sanctions_issued=sum(n for _, n in incidents.sanctions.rows),
    )


# --- what may be published ----------------------------------------------------------------------------------------


def _small(n: int) -> bool:
    return 0 < n < SUPPRESSION_THRESHOLD


def shown_count(n: int) -> int | str:
    return SUPPRESSED_LABEL if _small(n) else n


def shown_rate(n: int, figures: ScopeFigures) -> float | str:
    """Per 1,000 staff, over a year: a part year is scaled up so years compare."""
    if not figures.headcount:
        return NOT_APPLICABLE
    if _small(n):
        return SUPPRESSED_LABEL
    return round(n * 1000 / figures.headcount * 365 / figures.days, 1)


def shown_share(part: int, whole: int) -> str:
    if whole == 0:
        return NOT_APPLICABLE
    if _small(part) or whole < SUPPRESSION_THRESHOLD:
        return SUPPRESSED_LABEL
    return f"{100 * part / whole:.0f}%"


def shown_median(values: list[int]) -> float | str:
    if not values:
        return NOT_APPLICABLE
    if len(values) < SUPPRESSION_THRESHOLD:
        return SUPPRESSED_LABEL
    return statistics.median(values)


@dataclass
class Row:
    label: str
    current: object
    previous: object


def summary_rows(current: ScopeFigures, previous: ScopeFigures) -> list[Row]:
    def both(label, show):
        return Row(label, show(current), show(previous))

    return [
        both("Joint roles in post", lambda f: shown_count(f.joint_roles)),
        both("Moves from the NHS to social care", lambda f: shown_count(f.to_social_care)),
        both("Moves from social care to the NHS", lambda f: shown_count(f.to_nhs)),
        both(
            "Median days from offer to start (moves between sectors)",
            lambda f: shown_median(f.offer_to_start_days),
        ),
        both(
            "Share of checks reused from the staff passport",
            lambda f: shown_share(f.checks_reused, f.checks_reused + f.checks_repeated),
        ),
        both("Staff (headcount at the end of the period)", lambda f: shown_count(f.headcount)),
        both("Incidents of violence or abuse reported", lambda f: shown_count(f.incidents)),
        both("Incidents reported per 1,000 staff a year", lambda f: shown_rate(f.incidents, f)),
        both("Share acknowledged on time", lambda f: shown_share(f.acknowledged_on_time, f.acknowledged)),
        both("Support offered to staff", lambda f: shown_count(f.support_offered)),
        both("Sanctions issued", lambda f: shown_count(f.sanctions_issued)),
    ]


def category_rows(current: ScopeFigures, previous: ScopeFigures) -> list[Row]:
    return [
        Row(
            label,
            shown_rate(current.incidents_by_category.get(key, 0), current),
            shown_rate(previous.incidents_by_category.get(key, 0), previous),
        )
        for key, label in Category.choices
        if current.incidents_by_category.get(key) or previous.incidents_by_category.get(key)
    ]


@dataclass
class PledgeRow:
    text: str
    indicator: str
    target: str
    current: str
    previous: str


def _value(value, unit: str) -> str:
    if value is None:
        return "Not reported"
    number = f"{value:f}".rstrip("0").rstrip(".")
    return f"{number} {unit}".strip()


def pledge_rows(*, signature: CovenantSignature, year: FinancialYear) -> list[PledgeRow]:
    rows = []
    for pledge in signature.pledges.all():
        values = {entry.financial_year: entry.value for entry in pledge.progress.all()}
        rows.append(
            PledgeRow(
                text=pledge.text,
                indicator=pledge.indicator,
                target=_value(pledge.target, pledge.unit),
                current=_value(values.get(year.start_year), pledge.unit),
                previous=_value(values.get(year.previous().start_year), pledge.unit),
            )
        )
    return rows


@dataclass
class OrganisationSection:
    organisation: Organisation
    signature: CovenantSignature
    rows: list[Row]
    pledges: list[PledgeRow] = field(default_factory=list)


def signatures_by_year_end(year: FinancialYear) -> list[CovenantSignature]:
    _, end = period(year)
    return list(
        CovenantSignature.objects.filter(status=SignatureStatus.APPROVED, signed_on__lte=end)
        .select_related("organisation")
        .prefetch_related("pledges__bank_pledge", "pledges__progress")
        .order_by("organisation__name")
    )


def annual_report(*, year: FinancialYear) -> dict:
    """Everything the annual report shows, already suppressed: safe to publish."""
    system_now = scope_figures(year=year, organisation_ids=None)
    system_before = scope_figures(year=year.previous(), organisation_ids=None)
    signatures = signatures_by_year_end(year)
    previous_signatures = signatures_by_year_end(year.previous())
    sections = []
    for signature in signatures:
        ids = [signature.organisation_id]
        current = scope_figures(year=year, organisation_ids=ids)
        previous = scope_figures(year=year.previous(), organisation_ids=ids)
        sections.append(
            OrganisationSection(
                organisation=signature.organisation,
                signature=signature,
                rows=summary_rows(current, previous),
                pledges=pledge_rows(signature=signature, year=year),
            )
        )
    return {
        "year": year,
        "previous_year": year.previous(),
        "in_progress": system_now.end < year.end,
        "period_end": system_now.end,
        "signatories": Row(
            "Organisations that had signed the Covenant", len(signatures), len(previous_signatures)
        ),
        "system_rows": summary_rows(system_now, system_before),
        "category_rows": category_rows(system_now, system_before),
        "system_now": system_now,
        "system_before": system_before,
        "sections": sections,
    }
