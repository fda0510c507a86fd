"""Every organisation's counts for a period, protected jointly (cms/disclosure.py, docs/disclosure-control.md).

The counts are trees of the same shape for every organisation (one per breakdown: month, category, source, ...),
protected together with the all-organisations row, so that a cell hidden in one view is hidden in every view of
the period and no view can be subtracted from another."""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter

from django.core.cache import cache
from django.db.models import Count, F, Max
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cms import disclosure
from cms.disclosure import AdditiveTable, Audience, Suppressed
from workforce.models import Organisation

from ..models import (
    SURVEY_SOURCE_GROUP,
    CaseTransition,
    Category,
    IncidentReport,
    MedicalFactor,
    PoliceOutcome,
    Sanction,
    Setting,
    Source,
    StaffGroup,
    Status,
    SupportOffer,
)

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

OTHER = "__other__"
STAFF_CHOICES = [*StaffGroup.choices, ("", "Not recorded")]

TOTAL_SANCTIONS = "__sanctions__"
TOTAL_POLICE = "__police__"

JOINT_PATTERN_SECONDS = 120


def months_between(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        months.append((cursor, cursor.strftime("%b %Y")))
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    return months


def period_reports(*, organisation_ids, start: datetime.date, end: datetime.date):
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
    reports = period_reports(organisation_ids=organisation_ids, start=start, end=end)

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
    months = [m for m, _ in months_between(start, end)]
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


def scope_cells(*, organisation_ids: list[int], start, end, audience: Audience) -> dict:
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
