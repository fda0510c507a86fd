"""Posts and the assignments of people to them (effective-dated: periods are closed, never overwritten)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from cms.audit import audit

from ..models import Assignment, Employment, Organisation, Person, Post
from ..selectors.access import is_hr_admin
from ..vocabulary import AFC_BANDS, JOB_ROLE_STAFF_GROUP, AssignmentKind, PayFramework, PostStatus
from .organisations import not_member_message
from .people import lock_person

POST_FIELDS = ("reference", "title", "kind", "job_role", "pay_framework", "pay_band", "fte", "status")


def post_validate(*, pay_framework: str, pay_band: str) -> None:
    if pay_framework == PayFramework.AFC and pay_band not in AFC_BANDS:
        raise ValidationError({"pay_band": "Enter an Agenda for Change band: 1 to 9, or 8a to 8d"})


def _post_reference_check(*, organisation: Organisation, reference: str, exclude_pk=None) -> None:
    clash = Post.objects.filter(organisation=organisation, reference__iexact=reference.strip())
    if clash.exclude(pk=exclude_pk).exists():
        raise ValidationError(
            {"reference": f"{organisation.display_name} already has a post numbered {reference.strip()}"}
        )


def _post_save(post: Post, *, actor) -> None:
    try:
        post.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    post._history_user = actor
    post.save()


@transaction.atomic
def post_create(*, organisation: Organisation, actor=None, **fields) -> Post:
    """A new post. With an `actor` (a person, not the system), they must be HR administrator there."""
    if actor is not None and not is_hr_admin(user=actor, organisation=organisation):
        raise ValidationError({"organisation": not_member_message(organisation)})
    post_validate(pay_framework=fields.get("pay_framework", ""), pay_band=fields.get("pay_band", ""))
    fields["reference"] = fields.get("reference", "").strip()
    _post_reference_check(organisation=organisation, reference=fields["reference"])
    fields.setdefault("staff_group", JOB_ROLE_STAFF_GROUP.get(fields.get("job_role"), ""))
    post = Post(organisation=organisation, **fields)
    _post_save(post, actor=actor)
    audit(
        action="workforce.post.created",
        actor=actor,
        obj=post,
        summary=f"Post {post.reference} at {organisation.name}",
    )
    return post


@transaction.atomic
def post_update(*, actor, post: Post, **values) -> list[str]:
    """Change a post's description. The staff group follows the job role. Returns the fields changed."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not is_hr_admin(user=actor, organisation=post.organisation):
        raise PermissionDenied
    unknown = set(values) - set(POST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown post fields: {', '.join(sorted(unknown))}")
    if "reference" in values:
        values["reference"] = values["reference"].strip()
        _post_reference_check(
            organisation=post.organisation, reference=values["reference"], exclude_pk=post.pk
        )
    post_validate(
        pay_framework=values.get("pay_framework", post.pay_framework),
        pay_band=values.get("pay_band", post.pay_band),
    )
    if "job_role" in values:
        values["staff_group"] = JOB_ROLE_STAFF_GROUP.get(values["job_role"], "")
    changed = [name for name, value in values.items() if getattr(post, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(post, name, values[name])
    _post_save(post, actor=actor)
    audit(
        action="workforce.post.updated",
        actor=actor,
        obj=post,
        summary=f"Changed {', '.join(name.replace('_', ' ') for name in changed)} of post {post.reference}",
        detail={"fields": changed},
    )
    return changed


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
