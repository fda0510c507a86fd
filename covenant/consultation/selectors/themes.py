"""A consultation's themes: for analysts, with their tag counts, and by id for the published responses' filter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cms.access import require_permission

from .. import publication
from ..models.analysis import Theme
from ..roles import ANALYSE_PERMISSION

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage


def theme_for_analysis(*, user, pk: int) -> Theme:
    require_permission(user, ANALYSE_PERMISSION)
    try:
        return Theme.objects.select_related("consultation", "question", "created_by").get(pk=pk)
    except Theme.DoesNotExist as exc:
        raise Http404("No such theme") from exc


def themes_with_counts(*, consultation: ConsultationPage) -> QuerySet[Theme]:
    return (
        Theme.objects.filter(consultation=consultation)
        .select_related("question", "created_by")
        .annotate(
            tagged=Count("tags", distinct=True),
            unconfirmed=Count("tags", filter=Q(tags__confirmed_at__isnull=True), distinct=True),
        )
        .order_by("name")
    )


def theme_for(*, consultation: ConsultationPage, pk) -> Theme | None:
    try:
        return Theme.objects.get(consultation=consultation, pk=int(pk))
    except (Theme.DoesNotExist, TypeError, ValueError):
        return None


SPLIT_CHOICES = 200


def theme_split_choices(*, user, theme: Theme) -> list[tuple[int, str]]:
    """The answers tagged with a theme that an analyst may move to a new theme: (answer id, redacted text), read
    through `publication`, at most `SPLIT_CHOICES` of them."""
    require_permission(user, ANALYSE_PERMISSION)
    rows = (
        publication.publishable_answers(
            consultation=theme.consultation, audience=publication.Audience.ANALYST
        )
        .filter(tags__theme=theme)
        .order_by("pk")
        .values_list("pk", "published_text")[:SPLIT_CHOICES]
    )
    return [(pk, text[:200] or "(no text)") for pk, text in rows]
