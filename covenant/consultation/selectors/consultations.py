"""Consultation pages found by id: for staff screens (with the permission check) and for sending a response.

The only selectors that import the page module. The page's routes import the public views, which read through
the other selector modules; so those never import this one, and this package's `__init__` imports nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cms.access import has_permission, require_permission

from ..models.pages import ConsultationHubPage, ConsultationPage
from ..roles import ANALYSE_PERMISSION, MODERATE_PERMISSION
from ..vocabulary import ModerationState


def hub_page() -> ConsultationHubPage | None:
    return ConsultationHubPage.objects.live().first()


def consultation_for_response(*, pk: int) -> ConsultationPage:
    """The live consultation a response is sent to; 404 for anything else."""
    page = ConsultationPage.objects.live().filter(pk=pk).first()
    if page is None:
        raise Http404("No such consultation")
    return page


def consultation_for_analysis(*, user, pk: int) -> ConsultationPage:
    require_permission(user, ANALYSE_PERMISSION)
    try:
        return ConsultationPage.objects.get(pk=pk)
    except ConsultationPage.DoesNotExist as exc:
        raise Http404("No such consultation") from exc


def consultation_for_entry(*, user, pk: int) -> ConsultationPage:
    """A consultation a moderator may transcribe a response received by e-mail or post into."""
    require_permission(user, MODERATE_PERMISSION)
    try:
        return ConsultationPage.objects.get(pk=pk)
    except ConsultationPage.DoesNotExist as exc:
        raise Http404("No such consultation") from exc


def consultations_for_staff(*, user) -> QuerySet[ConsultationPage]:
    if not (has_permission(user, ANALYSE_PERMISSION) or has_permission(user, MODERATE_PERMISSION)):
        raise PermissionDenied
    return ConsultationPage.objects.order_by("-opens_at").annotate(
        pending=Count("responses", filter=Q(responses__moderation_state=ModerationState.PENDING)),
        total=Count("responses"),
    )


def public_consultations() -> QuerySet[ConsultationPage]:
    """The consultations anyone may read: live pages without a view restriction (the public API's list)."""
    return ConsultationPage.objects.live().public()


# The largest id a database column holds (a signed 64-bit integer): a larger one names nothing, and SQLite would
# raise OverflowError on the lookup instead of finding nothing.
MAX_ID = 2**63 - 1


def public_consultation_get(*, pk: int) -> ConsultationPage:
    page = public_consultations().filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if page is None:
        raise Http404("No consultation with that id")
    return page
