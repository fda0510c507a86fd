"""Figures for the annual Covenant report, read from the workforce and incident records (read-only).

For a financial year and the one before it, system-wide and for each organisation that had signed by the end of
the year. Raw counts are gathered first (`ScopeFigures`); `publish()` then turns them into what may be published
through cms/disclosure.py (audience: the public): each count measure is one table whose cells are the signatories'
figures and the rest of the system, adding up to the system's figure, protected by primary and secondary
suppression; rates, shares and medians built on a hidden count or on fewer than 8 records are not shown. A year
before any organisation had signed has no Covenant figures: it shows "no data".
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from cms import disclosure
from cms.disclosure import AdditiveTable, Audience
from covenant.incidents.models import Category
from covenant.incidents.selectors import (
    REPORTS,
    half_year_bounds,
    incident_statistics,
    protected_period_cells,
    sanctions_issued_count,
)
from workforce.models import JointArrangement, Organisation, SectorMove
from workforce.selectors import headcount_as_at, sector_flow
from workforce.selectors.teams import integrated_team_headcount
from workforce.vocabulary import ArrangementStatus, MoveStatus

from .models import CovenantSignature, FinancialYear, SignatureStatus

AUDIENCE = Audience.PUBLIC
NO_DATA = "no data"
SYSTEM = "system"
NOT_APPLICABLE = "–"


@dataclass
class ScopeFigures:
    """Raw counts for one scope (the whole system or one organisation) in one period. Never published as is."""

    start: datetime.date
    end: datetime.date
    joint_roles: int
    integrated_team_staff: int
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
    # Raw counts (Audience.RAW): protected below, once every scope's figures are known.
    incidents = incident_statistics(organisations=organisations, start=start, end=end, audience=Audience.RAW)
    labels = dict(Category.choices)
    by_label = dict(incidents.by_category.rows)
    return ScopeFigures(
        start=start,
        end=end,
        joint_roles=arrangements.distinct().count(),
        integrated_team_staff=integrated_team_headcount(on_date=end, organisation_ids=organisation_ids),
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
        sanctions_issued=sanctions_issued_count(organisation_ids=organisation_ids, start=start, end=end),
    )


# --- what may be published ----------------------------------------------------------------------------------------
COUNTS = {
    "joint_roles": "Joint roles in post",
    "integrated_team_staff": "Staff in integrated teams (headcount at the end of the period)",
    "to_social_care": "Moves from the NHS to social care",
    "to_nhs": "Moves from social care to the NHS",
    "headcount": "Staff (headcount at the end of the period)",
    "incidents": "Incidents of violence or abuse reported",
    "support_offered": "Support offered to staff",
    "sanctions_issued": "Sanctions issued",
}
ROW_ORDER = [
    "Joint roles in post",
    "Staff in integrated teams (headcount at the end of the period)",
    "Moves from the NHS to social care",
    "Moves from social care to the NHS",
    "Median days from offer to start (moves between sectors)",
    "Share of checks reused from the staff passport",
    "Staff (headcount at the end of the period)",
    "Incidents of violence or abuse reported",
    "Incidents reported per 1,000 staff a year",
    "Share acknowledged on time",
    "Support offered to staff",
    "Sanctions issued",
]


def half_year_hidden(year: FinancialYear) -> dict[str, set]:
    """What the analysts' figures hide in either half of the year (the joint pattern of each half-year, as on the
    statistics page, the board report and the CSV export): the year's figure is their sum, so it is hidden with
    them (the year and its halves are a hierarchy: with a half hidden and the other shown, the year would give the
    hidden half away by subtraction). Keys: SYSTEM and organisation ids for "incidents" and "support_offered";
    ("category", key) for the system's "categories"."""
    hidden: dict[str, set] = {"incidents": set(), "support_offered": set(), "categories": set()}
    for half in ("H1", "H2"):
        start, end = half_year_bounds(f"{year.start_year}-{half}")
        # The analysts' audience: the same threshold as the public's, so the same pattern as they see.
        rows = protected_period_cells(start=start, end=end, audience=Audience.ANALYST)
        for row, cells in rows.items():
            key = SYSTEM if row == disclosure.TOTAL else row
            if isinstance(cells.get(REPORTS), disclosure.Suppressed):  # an empty period has no cells
                hidden["incidents"].add(key)
            if isinstance(cells.get("offered"), disclosure.Suppressed):
                hidden["support_offered"].add(key)
        hidden["categories"] |= {
            key
            for key, cell in rows[disclosure.TOTAL].items()
            if isinstance(key, tuple) and key[0] == "category" and isinstance(cell, disclosure.Suppressed)
        }
    return hidden


def _count_cells(
    values: dict[Hashable, int],
    *,
    linked: dict[Hashable, AdditiveTable] | None = None,
    also_hide: set | frozenset = frozenset(),
) -> dict:
    """One measure: the signatories' figures and the rest of the system add up to the system's figure.

    A measure that is not additive (a move or a joint role involves two organisations, so the organisations'
    figures can exceed the system's) has no such relation to exploit: each figure is then protected on its own.
    """
    parts = {key: value for key, value in values.items() if key != SYSTEM}
    rest = values[SYSTEM] - sum(parts.values())
    if rest < 0:
        return {
            key: disclosure.protect(
                AdditiveTable.one_way({key: value}), audience=AUDIENCE, also_hide=also_hide & {key}
            )[key]
            for key, value in values.items()
        }
    tables = {
        "organisations": AdditiveTable.one_way({**parts, ("rest",): rest}, total_key=SYSTEM),
        **(linked or {}),
    }
    protected = disclosure.protect_linked(tables, audience=AUDIENCE, shared=[SYSTEM], also_hide=also_hide)
    return {key: cell for table in protected.values() for key, cell in table.items()}


def _share(part: int, whole: int) -> str | disclosure.NotShown:
    cells = disclosure.protect(
        AdditiveTable.hierarchy({"whole": {"part": part, "rest": whole - part}}), audience=AUDIENCE
    )
    return disclosure.share(cells["part"], cells["whole"], audience=AUDIENCE)


def publish(
    figures: dict[Hashable, ScopeFigures], *, hidden: dict[str, set] | None = None
) -> tuple[dict[Hashable, dict[str, object]], dict[str, object]]:
    """What may be published for one year: a row of figures per scope (SYSTEM and each organisation), and the
    system's incidents per 1,000 staff a year by category. `hidden`: what the half-years hide
    (`half_year_hidden`), hidden in the year too. A rate is shown only beside its count, so it cannot be turned
    back into a hidden one."""
    hidden = hidden or {}
    cells = {
        attribute: _count_cells(
            {key: getattr(f, attribute) for key, f in figures.items()},
            also_hide=hidden.get(attribute, set()) & set(figures),
        )
        for attribute in COUNTS
        if attribute != "incidents"
    }
    system = figures[SYSTEM]
    by_category = AdditiveTable.one_way(
        {("category", key): n for key, n in system.incidents_by_category.items()}, total_key=SYSTEM
    )
    cells["incidents"] = _count_cells(
        {key: f.incidents for key, f in figures.items()},
        linked={"categories": by_category},
        also_hide=(hidden.get("incidents", set()) & set(figures)) | hidden.get("categories", set()),
    )
    published = {}
    for key, f in figures.items():
        per = 1000 / f.headcount * 365 / f.days if f.headcount else 0
        row = {COUNTS[attribute]: cells[attribute][key] for attribute in COUNTS}
        # A median is shown only beside the counts of the moves it summarises (both directions).
        row["Median days from offer to start (moves between sectors)"] = (
            disclosure.NOT_SHOWN
            if any(
                isinstance(cells[attribute][key], disclosure.Suppressed)
                for attribute in ("to_social_care", "to_nhs")
            )
            else disclosure.median(f.offer_to_start_days, audience=AUDIENCE, digits=None)
        )
        row["Share of checks reused from the staff passport"] = _share(
            f.checks_reused, f.checks_reused + f.checks_repeated
        )
        row["Incidents reported per 1,000 staff a year"] = disclosure.rate(
            cells["incidents"][key], per=per, base=cells["headcount"][key], audience=AUDIENCE
        )
        row["Share acknowledged on time"] = _share(f.acknowledged_on_time, f.acknowledged)
        published[key] = {label: row[label] for label in ROW_ORDER}
    per = 1000 / system.headcount * 365 / system.days if system.headcount else 0
    categories = {
        label: disclosure.rate(
            cells["incidents"].get(("category", key), 0),
            per=per,
            base=cells["headcount"][SYSTEM],
            audience=AUDIENCE,
        )
        for key, label in Category.choices
        if system.incidents_by_category.get(key)
    }
    return published, categories


@dataclass
class Row:
    label: str
    current: object
    previous: object


def compare(current: dict[str, object], previous: dict[str, object] | None) -> list[Row]:
    """This year beside last; a year with no signatories is "no data", not zeros."""
    labels = list(dict.fromkeys([*current, *(previous or {})]))
    return [
        Row(
            label, current.get(label, NOT_APPLICABLE), NO_DATA if previous is None else previous.get(label, 0)
        )
        for label in labels
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
    """Everything the annual report shows, already protected (cms/disclosure.py, Audience.PUBLIC)."""
    signatures = signatures_by_year_end(year)
    previous_signatures = signatures_by_year_end(year.previous())
    ids = [signature.organisation_id for signature in signatures]

    def figures_for(some_year):
        figures = {SYSTEM: scope_figures(year=some_year, organisation_ids=None)}
        figures.update({pk: scope_figures(year=some_year, organisation_ids=[pk]) for pk in ids})
        return figures

    now, now_categories = publish(figures_for(year), hidden=half_year_hidden(year))
    before, before_categories = publish(
        figures_for(year.previous()), hidden=half_year_hidden(year.previous())
    )
    # Before any organisation signed there was no Covenant to report on: "no data", never 0 or 0.0.
    no_previous = not previous_signatures
    category_rows = [
        Row(label, now_categories.get(label, 0), NO_DATA if no_previous else before_categories.get(label, 0))
        for _, label in Category.choices
        if label in now_categories or (label in before_categories and not no_previous)
    ]
    sections = [
        OrganisationSection(
            organisation=signature.organisation,
            signature=signature,
            rows=compare(now[signature.organisation_id], before[signature.organisation_id]),
            pledges=pledge_rows(signature=signature, year=year),
        )
        for signature in signatures
    ]
    system_end = period(year)[1]
    return {
        "year": year,
        "previous_year": year.previous(),
        "in_progress": system_end < year.end,
        "period_end": system_end,
        "signatories": Row(
            "Organisations that had signed the Covenant", len(signatures), len(previous_signatures)
        ),
        "system_rows": compare(now[SYSTEM], None if no_previous else before[SYSTEM]),
        "category_rows": category_rows,
        "no_previous_data": no_previous,
        "sections": sections,
    }
