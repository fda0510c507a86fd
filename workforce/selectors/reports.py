"""Aggregate workforce figures (no individual records): moves between the NHS and social care by quarter, and
headcount on a date. Their scope comes from `report_organisation_ids`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from ..models import Assignment, Organisation, Sector, SectorMove
from ..vocabulary import MoveStatus, MoveType, StaffGroup


@dataclass(frozen=True)
class Quarter:
    """A financial-year quarter: Q1 is April to June."""

    year: int  # the year the financial year starts in
    number: int

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, ((day.month - 4) % 12) // 3 + 1)

    @property
    def start(self) -> datetime.date:
        month = 4 + (self.number - 1) * 3
        return datetime.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        following = self.next().start
        return following - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + (self.number == 4), self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}/{str(self.year + 1)[-2:]}"

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @classmethod
    def parse(cls, value: str | None) -> Quarter | None:
        try:
            year, number = (value or "").split("-Q")
            quarter = cls(int(year), int(number))
        except ValueError:
            return None
        return quarter if 1 <= quarter.number <= 4 and 2000 <= quarter.year <= 2100 else None


def _scoped_moves(organisation_ids: list[int] | None) -> QuerySet[SectorMove]:
    moves = SectorMove.objects.filter(status=MoveStatus.CONFIRMED)
    if organisation_ids is not None:
        moves = moves.filter(
            Q(from_organisation_id__in=organisation_ids) | Q(to_organisation_id__in=organisation_ids)
        )
    return moves


def sector_flow(*, start: datetime.date, end: datetime.date, organisation_ids: list[int] | None) -> dict:
    """Confirmed moves between the NHS and social care in a period, by direction, type, organisation, staff group.

    A move counts in the period of its effective date. Moves within a sector are counted separately so the
    cross-sector figures can be read against all movement.
    """
    moves = _scoped_moves(organisation_ids).filter(effective_date__gte=start, effective_date__lte=end)
    cross = moves.filter(
        Q(from_sector=Sector.HEALTH, to_sector=Sector.SOCIAL_CARE)
        | Q(from_sector=Sector.SOCIAL_CARE, to_sector=Sector.HEALTH)
    )

    def split(group_field: str):
        rows: dict = {}
        for row in cross.values(group_field, "from_sector").annotate(n=Count("pk")).order_by():
            counts = rows.setdefault(row[group_field], {"to_social_care": 0, "to_nhs": 0})
            counts["to_social_care" if row["from_sector"] == Sector.HEALTH else "to_nhs"] += row["n"]
        return rows

    type_labels = dict(MoveType.choices)
    group_labels = dict(StaffGroup.choices)
    by_type = [
        {"label": type_labels.get(key, key), **counts}
        for key, counts in sorted(split("move_type").items(), key=lambda kv: list(type_labels).index(kv[0]))
    ]
    by_staff_group = [
        {"label": group_labels.get(key, key or "Not recorded"), **counts}
        for key, counts in sorted(split("staff_group").items(), key=lambda kv: group_labels.get(kv[0], ""))
    ]
    organisations: dict[int, dict] = {}
    for field, direction in (("from_organisation_id", "out"), ("to_organisation_id", "in")):
        for row in (
            cross.filter(**{f"{field}__isnull": False}).values(field).annotate(n=Count("pk")).order_by()
        ):
            entry = organisations.setdefault(row[field], {"out": 0, "in": 0})
            entry[direction] += row["n"]
    names = dict(Organisation.objects.filter(pk__in=organisations).values_list("pk", "name"))
    if organisation_ids is not None:
        organisations = {k: v for k, v in organisations.items() if k in organisation_ids}
    by_organisation = sorted(
        ({"label": names[pk], **counts} for pk, counts in organisations.items()), key=lambda r: r["label"]
    )
    totals = {
        "to_social_care": sum(r["to_social_care"] for r in by_type),
        "to_nhs": sum(r["to_nhs"] for r in by_type),
        "all_moves": moves.count(),
    }
    days = sorted(
        cross.filter(days_offer_to_start__isnull=False).values_list("days_offer_to_start", flat=True)
    )
    totals["median_days_offer_to_start"] = days[len(days) // 2] if days else None
    return {
        "by_type": by_type,
        "by_staff_group": by_staff_group,
        "by_organisation": by_organisation,
        "totals": totals,
        "flows": [
            ("NHS", "Social care", totals["to_social_care"]),
            ("Social care", "NHS", totals["to_nhs"]),
        ],
    }


def headcount_as_at(*, on_date: datetime.date, organisation_ids: list[int] | None) -> dict:
    """Headcount, FTE and role count on a date, each job counted at the organisation where it is worked."""
    assignments = Assignment.objects.filter(start_date__lte=on_date).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on_date)
    )
    if organisation_ids is not None:
        assignments = assignments.filter(work_organisation_id__in=organisation_ids)
    rows = list(
        assignments.values("work_organisation__name", "work_organisation__sector")
        .annotate(
            headcount=Count("person", distinct=True),
            fte=Sum("fte"),
            roles=Count("pk"),
            hosted=Count("pk", filter=~Q(employment__employer_id=F("work_organisation_id"))),
        )
        .order_by("work_organisation__name")
    )
    sector_labels = dict(Sector.choices)
    for row in rows:
        row["sector"] = sector_labels.get(row["work_organisation__sector"], "")
        row["fte"] = row["fte"] or Decimal("0")
    totals = assignments.aggregate(
        headcount=Count("person", distinct=True), fte=Sum("fte"), roles=Count("pk")
    )
    totals["fte"] = totals["fte"] or Decimal("0")
    totals["hosted"] = sum(row["hosted"] for row in rows)
    return {"rows": rows, "totals": totals}
