"""Reads for the workforce app. Access control lives here."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organisation


def organisations_for_user(*, user, role: str | None = None) -> QuerySet[Organisation]:
    """The organisations where `user` holds `role` (any role if None)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    memberships = user.memberships.all()
    if role is not None:
        memberships = memberships.filter(role=role)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))
