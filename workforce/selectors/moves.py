"""Moves out of and into the user's organisations, and what recording or confirming one needs."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from ..models import Assignment, Person, Post, SectorMove
from ..vocabulary import MoveStatus
from .access import get_or_refuse, hr_organisation_ids
from .passport import PassportCheck, passport_evaluate


def moves_visible_to(*, user) -> QuerySet[SectorMove]:
    """Moves out of or into the user's organisations."""
    org_ids = hr_organisation_ids(user=user)
    if not org_ids:
        return SectorMove.objects.none()
    return (
        SectorMove.objects.filter(Q(from_organisation_id__in=org_ids) | Q(to_organisation_id__in=org_ids))
        .select_related("person", "from_organisation", "to_organisation", "from_post", "to_post")
        .annotate(from_name=Coalesce("from_organisation__name", NullIf("from_organisation_name", Value(""))))
    )


def arrival_assignments(*, user, person: Person) -> QuerySet[Assignment]:
    """The person's assignments at the user's organisations with no move recorded into them: an arrival from
    outside can be recorded against each."""
    org_ids = hr_organisation_ids(user=user)
    recorded = SectorMove.objects.filter(to_assignment__isnull=False).values("to_assignment_id")
    return (
        person.assignments.filter(
            Q(work_organisation_id__in=org_ids) | Q(employment__employer_id__in=org_ids)
        )
        .exclude(pk__in=recorded.filter(person=person))
        .select_related("post", "work_organisation", "employment")
        .order_by("-start_date")
    )


def move_get_for_user(*, user, pk: int, request=None) -> SectorMove:
    return get_or_refuse(
        lambda user: moves_visible_to(user=user).select_related("recorded_by", "confirmed_by"),
        user=user,
        pk=pk,
        request=request,
    )


def moves_to_confirm(*, user) -> QuerySet[SectorMove]:
    """Moves into the user's organisations waiting for them to confirm the arrival."""
    return moves_visible_to(user=user).filter(
        status=MoveStatus.RECORDED, to_organisation_id__in=hr_organisation_ids(user=user)
    )


def move_can_confirm(*, user, move: SectorMove) -> bool:
    return move.status == MoveStatus.RECORDED and move.to_organisation_id in hr_organisation_ids(user=user)


def move_from_posts(*, user, current_posts: list[Post]) -> QuerySet[Post]:
    """The posts a move may be recorded from: the person's current posts and any post of the user's
    organisations (the service then says which of them the person does not hold)."""
    return (
        Post.objects.filter(
            Q(pk__in=[post.pk for post in current_posts])
            | Q(organisation_id__in=hr_organisation_ids(user=user))
        )
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )


def move_passport_checks(*, move: SectorMove) -> list[PassportCheck]:
    """For a move waiting for confirmation, which checks the receiver can reuse and which it must repeat."""
    if move.status != MoveStatus.RECORDED or not move.to_organisation or not move.to_post:
        return []
    return passport_evaluate(
        person=move.person,
        organisation=move.to_organisation,
        job_role=move.to_post.job_role,
        on_date=move.effective_date,
    )
