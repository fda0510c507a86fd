"""Posts at the user's organisations and who has held them."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Assignment, Post
from .access import get_or_refuse, hr_organisation_ids


def posts_visible_to(*, user) -> QuerySet[Post]:
    org_ids = hr_organisation_ids(user=user)
    if not org_ids:
        return Post.objects.none()
    return Post.objects.filter(organisation_id__in=org_ids).select_related("organisation")


def post_get_for_user(*, user, pk: int, request=None) -> Post:
    return get_or_refuse(posts_visible_to, user=user, pk=pk, request=request)


def post_recent_assignments(*, post: Post, limit: int = 50) -> QuerySet[Assignment]:
    """The post's assignments, newest first."""
    return post.assignments.select_related("person", "work_organisation").order_by("-start_date")[:limit]
