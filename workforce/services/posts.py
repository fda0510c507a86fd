"""Posts and the assignments of people to them (effective-dated: periods are closed, never overwritten)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from cms.audit import audit

from ..models import Assignment, Employment, Organisation, Person, Post
from ..vocabulary import AFC_BANDS, JOB_ROLE_STAFF_GROUP, AssignmentKind, PayFramework, PostStatus
from .people import lock_person


def post_validate(*, pay_framework: str, pay_band: str) -> None:
    if pay_framework == PayFramework.AFC and pay_band not in AFC_BANDS:
        raise ValidationError({"pay_band": "Enter an Agenda for Change band: 1 to 9, or 8a to 8d"})


@transaction.atomic
def post_create(*, organisation: Organisation, actor=None, **fields) -> Post:
    post_validate(pay_framework=fields.get("pay_framework", ""), pay_band=fields.get("pay_band", ""))
    fields.setdefault("staff_group", JOB_ROLE_STAFF_GROUP.get(fields.get("job_role"), ""))
    post = Post(organisation=organisation, **fields)
    post._history_user = actor
    post.full_clean()
    post.save()
    audit(
        action="workforce.post.created",
        actor=actor,
        obj=post,
        summary=f"Post {post.reference} at {organisation.name}",
    )
    return post


def _overlapping(queryset, start: datetime.date, end: datetime.date | None):
    queryset = queryset.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        queryset = queryset.filter(start_date__lte=end)
    return queryset


def assignment_validate(
    *,
    person: Person,
    employment: Employment,
    post: Post,
    start_date: datetime.date,
    end_date: datetime.date | None,
    is_primary: bool,
    exclude_ids: Iterable[int] = (),
) -> None:
    """The no-overlap rule: one period per post per employment, and one primary assignment at a time."""
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": "The end date must be the same as or after the start date"})
    others = Assignment.objects.filter(person=person).exclude(pk__in=list(exclude_ids))
    clash = _overlapping(others.filter(employment=employment, post=post), start_date, end_date).first()
    if clash is None and is_primary:
        clash = _overlapping(others.filter(is_primary=True), start_date, end_date).first()
    if clash is not None:
        until = f"to {clash.end_date:%d %B %Y}" if clash.end_date else "with no end date"
        raise ValidationError(
            {
                "start_date": f"This overlaps {person.full_name}'s assignment to {clash.post.title} from "
                f"{clash.start_date:%d %B %Y} {until}"
            }
        )


@transaction.atomic
def assignment_create(
    *,
    employment: Employment,
    post: Post,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    work_organisation: Organisation | None = None,
    kind: str = AssignmentKind.SUBSTANTIVE,
    is_primary: bool = True,
    fte: Decimal = Decimal("1.00"),
    planned_end_date: datetime.date | None = None,
    home_assignment: Assignment | None = None,
    actor=None,
) -> Assignment:
    person = lock_person(employment.person)
    assignment_validate(
        person=person,
        employment=employment,
        post=post,
        start_date=start_date,
        end_date=end_date,
        is_primary=is_primary,
    )
    assignment = Assignment.objects.create(
        employment=employment,
        person=person,
        post=post,
        work_organisation=work_organisation or post.organisation,
        kind=kind,
        is_primary=is_primary,
        fte=fte,
        start_date=start_date,
        end_date=end_date,
        planned_end_date=planned_end_date,
        home_assignment=home_assignment,
    )
    if end_date is None and post.status in (PostStatus.FUNDED, PostStatus.VACANT):
        post.status = PostStatus.FILLED
        post.save(update_fields=["status"])
    audit(
        action="workforce.assignment.created",
        actor=actor,
        obj=assignment,
        summary=f"Person {person.pk} assigned to post {post.reference} from {start_date:%d/%m/%Y}",
    )
    return assignment


def assignment_close(assignment: Assignment, *, last_day: datetime.date) -> None:
    if last_day < assignment.start_date:
        raise ValidationError(
            {
                "effective_date": f"The move must start after the current assignment began on {assignment.start_date:%d %B %Y}"
            }
        )
    assignment.end_date = last_day
    assignment.save(update_fields=["end_date"])
    post = assignment.post
    if not post.assignments.filter(Q(end_date__isnull=True) | Q(end_date__gt=last_day)).exists():
        if post.status == PostStatus.FILLED:
            post.status = PostStatus.VACANT
            post.save(update_fields=["status"])
