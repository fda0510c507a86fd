"""Joint arrangements the user's organisations are a partner in, and what their pages show."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from ..models import (
    AgreementDocument,
    Assignment,
    JointArrangement,
    JointArrangementPartner,
    Post,
)
from ..vocabulary import PostStatus
from .access import get_or_refuse, hr_organisation_ids
from .history import history_rows
from .posts import posts_visible_to


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
    return get_or_refuse(
        lambda user: joint_arrangements_visible_to(user=user).select_related(
            "line_manager_organisation", "professional_supervisor_organisation", "created_by"
        ),
        user=user,
        pk=pk,
        request=request,
    )


def joint_arrangement_can_change(*, user, arrangement: JointArrangement) -> bool:
    return arrangement.employer_id in hr_organisation_ids(user=user)


def joint_arrangement_post_choices(*, user, arrangement: JointArrangement | None = None) -> QuerySet[Post]:
    """The posts an arrangement may be set up for: open posts at the user's organisations, and the
    arrangement's own post when changing one."""
    posts = (
        posts_visible_to(user=user).exclude(status=PostStatus.CLOSED).order_by("organisation__name", "title")
    )
    if arrangement is not None:
        posts = posts | Post.objects.filter(pk=arrangement.post_id)
    return posts


@dataclass(frozen=True)
class ArrangementDetail:
    partners: list[JointArrangementPartner]
    documents: QuerySet[AgreementDocument]
    # The people in the arrangement's post now.
    holders: QuerySet[Assignment]
    # Changes to the arrangement and to each partner's part, newest first.
    history: list[dict]


def joint_arrangement_detail(*, arrangement: JointArrangement) -> ArrangementDetail:
    partners = list(arrangement.partners.select_related("organisation"))
    history = history_rows(obj=arrangement)
    for partner in partners:
        for row in history_rows(obj=partner):
            row["field"] = f"{partner.organisation.display_name}: {row['field'] or 'partner'}"
            history.append(row)
    history.sort(key=lambda r: r["when"], reverse=True)
    return ArrangementDetail(
        partners=partners,
        documents=arrangement.documents.all(),
        holders=arrangement.post.assignments.filter(end_date__isnull=True).select_related("person"),
        history=history,
    )


def agreement_document_get(*, arrangement: JointArrangement, pk: int) -> AgreementDocument:
    """One of the arrangement's documents (the arrangement comes from `joint_arrangement_get_for_user`)."""
    return get_object_or_404(AgreementDocument, pk=pk, arrangement=arrangement)
