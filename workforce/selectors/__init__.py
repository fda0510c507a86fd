"""Reads for the workforce app. Access control lives here.

The getters of single records refuse, with 403 or 404, what the person may not see, and record the refusal with
`cms.audit.audit_refusal` (rate-limited, with a count); pass `request` for the method and address.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cms.audit import audit_refusal

from .models import (
    Assignment,
    Employment,
    JointArrangement,
    JointArrangementPartner,
    Organisation,
    Person,
    Post,
    Sector,
    SectorMove,
)
from .vocabulary import MoveStatus, MoveType, StaffGroup


def organisations_for_user(*, user, role: str | None = None) -> QuerySet[Organisation]:
    """The organisations where `user` holds `role` (any role if None)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    memberships = user.memberships.all()
    if role is not None:
        memberships = memberships.filter(role=role)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


# --- access -----------------------------------------------------------------------------------------------------


def hr_organisation_ids(*, user) -> list[int]:
    """The organisations whose workforce records `user` may see and change (as HR administrator)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("workforce.view_workforce"):
        return []
    cache = getattr(user, "_hr_organisation_ids", None)
    if cache is None:
        cache = list(user.memberships.filter(role="hr_admin").values_list("organisation_id", flat=True))
        user._hr_organisation_ids = cache
    return cache


def can_view_reports(*, user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_perm("workforce.view_workforce_reports")


def report_organisation_ids(*, user) -> list[int] | None:
    """Scope for aggregate reports: analysts see the whole system (None); HR administrators their own."""
    if not can_view_reports(user=user):
        raise PermissionDenied
    if user.memberships.filter(role="analyst").exists():
        return None
    return hr_organisation_ids(user=user)


# --- people -----------------------------------------------------------------------------------------------------


def people_visible_to(*, user, name_search: str = "") -> QuerySet[Person]:
    """People employed by, or working at, one of the user's organisations (at any time).

    With `name_search`, only those whose first or last name contains every word of it (ignoring case), which
    is what the people list's name filter then keeps: passing it here lets the query start from the matches.
    """
    org_ids = hr_organisation_ids(user=user)
    if not org_ids:
        return Person.objects.none()
    employed = Employment.objects.filter(employer_id__in=org_ids).order_by()
    working = Assignment.objects.filter(work_organisation_id__in=org_ids).order_by()
    if not _searchable_by_trigrams(name_search):
        # IN (subquery) rather than correlated EXISTS: both databases evaluate it once, not once per person.
        # Without a search this lets PostgreSQL walk the (last_name, first_name) index in page order and stop
        # after a page.
        matches = Q(pk__in=employed.values("person_id")) | Q(pk__in=working.values("person_id"))
        return Person.objects.filter(matches & _name_matches(name_search))
    # Search first, then scope: each side of the scope starts from the people whose names match, which
    # PostgreSQL reads from the trigram indexes (migration 0005), and one IN over their UNION is planned as a
    # join, so the page sorts the few matches. With the scope as two INs joined by OR, PostgreSQL kept them as
    # filters and walked the name index in page order, expecting matches spread through it; surname matches
    # are bunched, and a rare name meant walking all 200,000 people for an empty page.
    in_scope = (
        employed.filter(_name_matches(name_search, via="person__"))
        .values("person_id")
        .union(working.filter(_name_matches(name_search, via="person__")).values("person_id"))
    )
    return Person.objects.filter(_name_matches(name_search), pk__in=in_scope)


def _name_matches(text: str, *, via: str = "") -> Q:
    """Every word (the first five) in the first or the last name, ignoring case, as the name filter has it."""
    query = Q()
    for word in text.split()[:5]:
        query &= Q(**{f"{via}first_name__icontains": word}) | Q(**{f"{via}last_name__icontains": word})
    return query


def _searchable_by_trigrams(text: str) -> bool:
    """pg_trgm narrows a `LIKE '%word%'` only for words of three characters or more."""
    return any(len(word) >= 3 for word in text.split()[:5])


def people_for_table(*, user, name_search: str = "") -> QuerySet[Person]:
    today = timezone.localdate()
    current = (
        Assignment.objects.filter(person=OuterRef("pk"), start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("-is_primary", "-start_date")
    )
    return people_visible_to(user=user, name_search=name_search).annotate(
        current_post=Subquery(current.values("post__title")[:1]),
        current_organisation=Subquery(current.values("work_organisation__name")[:1]),
        current_staff_group=Subquery(current.values("post__staff_group")[:1]),
    )


def person_get_for_user(*, user, pk: int, request=None) -> Person:
    return _get_or_refuse(people_visible_to, user=user, pk=pk, request=request)


@dataclass(frozen=True)
class TimelineEvent:
    date: datetime.date
    kind: str
    title: str
    detail: str
    url: str = ""


def person_timeline(*, person: Person) -> list[TimelineEvent]:
    """Employments, assignments, moves and passport credentials in date order (newest first)."""
    events: list[TimelineEvent] = []
    for employment in person.employments.select_related("employer"):
        events.append(
            TimelineEvent(
                employment.start_date,
                "Employment",
                f"Employed by {employment.employer.display_name}",
                employment.get_contract_type_display()
                + (" (TUPE protected)" if employment.tupe_protected else ""),
            )
        )
        if employment.end_date:
            events.append(
                TimelineEvent(
                    employment.end_date,
                    "Employment",
                    f"Employment at {employment.employer.display_name} ended",
                    "",
                )
            )
    for assignment in person.assignments.select_related("post", "work_organisation"):
        until = f" to {assignment.end_date:%d %B %Y}" if assignment.end_date else ""
        planned = (
            f", planned to end {assignment.planned_end_date:%d %B %Y}" if assignment.planned_end_date else ""
        )
        events.append(
            TimelineEvent(
                assignment.start_date,
                "Assignment",
                f"{assignment.post.title} at {assignment.work_organisation.display_name}",
                f"{assignment.get_kind_display()}, {assignment.fte} FTE{until}{planned}",
                reverse("workforce:post_detail", args=[assignment.post_id]),
            )
        )
    for move in person.moves.select_related("from_organisation", "to_organisation"):
        destination = (
            move.to_organisation.display_name if move.to_organisation else move.get_to_sector_display()
        )
        events.append(
            TimelineEvent(
                move.effective_date,
                "Move",
                f"{move.get_move_type_display()}: {move.from_organisation.display_name} to {destination}",
                move.get_status_display(),
                reverse("workforce:move_detail", args=[move.pk]),
            )
        )
    for credential in person.credentials.select_related("issued_by"):
        expiry = f", expires {credential.expires_on:%d %B %Y}" if credential.expires_on else ""
        events.append(
            TimelineEvent(
                credential.issued_on,
                "Passport",
                str(credential),
                f"{credential.get_status_display()}, issued by {credential.issued_by.display_name}{expiry}",
            )
        )
    return sorted(events, key=lambda e: (e.date, e.kind), reverse=True)


# --- posts, arrangements, moves ---------------------------------------------------------------------------------


def posts_visible_to(*, user) -> QuerySet[Post]:
    org_ids = hr_organisation_ids(user=user)
    if not org_ids:
        return Post.objects.none()
    return Post.objects.filter(organisation_id__in=org_ids).select_related("organisation")


def post_get_for_user(*, user, pk: int, request=None) -> Post:
    return _get_or_refuse(posts_visible_to, user=user, pk=pk, request=request)


def joint_arrangements_visible_to(*, user) -> QuerySet[JointArrangement]:
    """Arrangements any of the user's organisations is a partner in."""
    org_ids = hr_organisation_ids(user=user)
    if not org_ids:
        return JointArrangement.objects.none()
    partner = JointArrangementPartner.objects.filter(arrangement=OuterRef("pk"), organisation_id__in=org_ids)
    return JointArrangement.objects.filter(Exists(partner)).select_related(
        "employer", "place_of_work", "funder", "post"
    )


def joint_arrangement_get_for_user(*, user, pk: int, request=None) -> JointArrangement:
    return _get_or_refuse(
        lambda user: joint_arrangements_visible_to(user=user).select_related(
            "line_manager_organisation", "professional_supervisor_organisation", "created_by"
        ),
        user=user,
        pk=pk,
        request=request,
    )


def joint_arrangement_can_change(*, user, arrangement: JointArrangement) -> bool:
    return arrangement.employer_id in hr_organisation_ids(user=user)


def moves_visible_to(*, user) -> QuerySet[SectorMove]:
    """Moves out of or into the user's organisations."""
    org_ids = hr_organisation_ids(user=user)
    if not org_ids:
        return SectorMove.objects.none()
    return SectorMove.objects.filter(
        Q(from_organisation_id__in=org_ids) | Q(to_organisation_id__in=org_ids)
    ).select_related("person", "from_organisation", "to_organisation", "from_post", "to_post")


def move_get_for_user(*, user, pk: int, request=None) -> SectorMove:
    return _get_or_refuse(
        lambda user: moves_visible_to(user=user).select_related("recorded_by", "confirmed_by"),
        user=user,
        pk=pk,
        request=request,
    )


def _get_or_refuse(visible_to, *, user, pk: int, request):
    """One record from `visible_to(user=...)`: 403 for someone who is no HR administrator, 404 for a record
    outside their organisations; both audited as refused."""
    records = visible_to(user=user)
    is_hr = bool(hr_organisation_ids(user=user))
    record = records.filter(pk=pk).first() if is_hr else None
    if record is None:
        audit_refusal(
            user=user,
            request=request,
            object_type=records.model._meta.label_lower,
            object_id=pk,
            reason="not_visible" if is_hr else "not_hr",
        )
        if not is_hr:
            raise PermissionDenied
        raise Http404("No such record")
    return record


def move_can_confirm(*, user, move: SectorMove) -> bool:
    return move.status == MoveStatus.RECORDED and move.to_organisation_id in hr_organisation_ids(user=user)


def history_rows(*, obj, fields: tuple[str, ...] | None = None, limit: int = 50) -> list[dict]:
    """Field-level changes from django-simple-history: who changed which field from what to what, and when."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        who = newer.history_user.email if newer.history_user else "system"
        if older is None:
            rows.append({"when": newer.history_date, "who": who, "field": "", "old": "", "new": "Created"})
            continue
        delta = newer.diff_against(older, included_fields=list(fields) if fields else None)
        for change in delta.changes:
            field = obj._meta.get_field(change.field)
            rows.append(
                {
                    "when": newer.history_date,
                    "who": who,
                    "field": str(field.verbose_name),
                    "old": _display(field, change.old),
                    "new": _display(field, change.new),
                }
            )
    return rows[:limit]


def _display(field, value) -> str:
    if value in (None, ""):
        return "(blank)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        model = field.related_model
        instance = model.objects.filter(pk=value).first()
        return str(instance) if instance else f"#{value}"
    return str(value)


# --- aggregate reports (no individual records) -----------------------------------------------------------------


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


NHS_TO_SOCIAL_CARE = (Sector.HEALTH, Sector.SOCIAL_CARE)
SOCIAL_CARE_TO_NHS = (Sector.SOCIAL_CARE, Sector.HEALTH)


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
