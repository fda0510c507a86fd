"""People: who an HR administrator may see, the people table, and a person's page (timeline, current posts,
reporting lines with only the names the user may see)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from ..models import Assignment, Employment, PassportCredential, Person
from .access import get_or_refuse, hr_organisation_ids


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


def person_changeable_by(*, user, person: Person) -> bool:
    """HR administrators of an organisation the person has a contract with may correct the person's details."""
    return person.employments.filter(employer_id__in=hr_organisation_ids(user=user)).exists()


def employments_changeable_by(*, user, person: Person) -> QuerySet[Employment]:
    """The person's contracts with the user's organisations, which the user may change."""
    return person.employments.filter(employer_id__in=hr_organisation_ids(user=user)).select_related(
        "employer"
    )


def employments_visible_to(*, user) -> QuerySet[Employment]:
    """Contracts with the user's organisations: the ones an HR administrator may change."""
    return Employment.objects.filter(employer_id__in=hr_organisation_ids(user=user)).select_related(
        "person", "employer"
    )


def employment_get_for_user(*, user, pk: int, request=None) -> Employment:
    return get_or_refuse(employments_visible_to, user=user, pk=pk, request=request)


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
    return get_or_refuse(people_visible_to, user=user, pk=pk, request=request)


def person_current_assignments(*, person: Person, on_date: datetime.date) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(person=person, start_date__lte=on_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on_date))
        .select_related(
            "post__organisation", "work_organisation", "employment__employer", "home_assignment__post"
        )
    )


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
                f"{move.get_move_type_display()}: {move.from_display} to {destination}",
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


@dataclass(frozen=True)
class PersonPage:
    """What a person's page shows to one user."""

    person: Person
    today: datetime.date
    # Employments not yet ended, with who the person reports to under each.
    reporting_lines: list[Employment]
    # Managers (by employment id) and direct reports the user may see named; the others are only mentioned.
    named_managers: set[int]
    direct_reports: list[Person]
    other_reports: int
    # People whose page the user may open, so they are linked.
    linkable: set[int]
    can_change_reporting: bool
    timeline: list[TimelineEvent]
    current_assignments: list[Assignment]
    credentials: QuerySet[PassportCredential]


def person_page(*, user, person: Person) -> PersonPage:
    """A person's page for `user`, who may see the person (`person_get_for_user`)."""
    today = timezone.localdate()
    reporting_lines = list(
        Employment.objects.open_on(today)
        .filter(person=person)
        .select_related("employer", "line_manager")
        .order_by("start_date", "pk")
    )
    report_lines = list(
        Employment.objects.open_on(today).filter(line_manager=person).values_list("person_id", "employer_id")
    )
    direct_reports = list(Person.objects.filter(pk__in={person_id for person_id, _ in report_lines}))
    related_ids = {e.line_manager_id for e in reporting_lines if e.line_manager_id} | {
        p.pk for p in direct_reports
    }
    # Managers and reports are linked only where this user may open their page.
    linkable = set(people_visible_to(user=user).filter(pk__in=related_ids).values_list("pk", flat=True))
    hr_ids = set(hr_organisation_ids(user=user))
    # Names of managers and reports only where this user may see them, or the reporting line is their own
    # organisation's record; the others are mentioned, never named.
    named_managers = {
        e.pk for e in reporting_lines if e.line_manager_id in linkable or e.employer_id in hr_ids
    }
    named_reports = linkable | {person_id for person_id, employer_id in report_lines if employer_id in hr_ids}
    return PersonPage(
        person=person,
        today=today,
        reporting_lines=reporting_lines,
        named_managers=named_managers,
        direct_reports=[p for p in direct_reports if p.pk in named_reports],
        other_reports=sum(1 for p in direct_reports if p.pk not in named_reports),
        linkable=linkable,
        can_change_reporting=any(e.employer_id in hr_ids for e in reporting_lines),
        timeline=person_timeline(person=person),
        current_assignments=list(person_current_assignments(person=person, on_date=today)),
        credentials=person.credentials.select_related("issued_by"),
    )
