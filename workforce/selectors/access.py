"""Who may see which workforce records: the HR scope (organisations where the user is HR administrator), the
report scope, and the getter of single records that refuses, and audits, what the user may not see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from cms.access import has_permission
from cms.audit import audit_refusal

from ..models import Organisation
from ..roles import ANALYST, HR_ADMIN, VIEW_WORKFORCE, VIEW_WORKFORCE_REPORTS

# Per user object (so per request), the organisations where the user is HR administrator.
_HR_CACHE = "_hr_organisation_ids"


def organisations_for_user(*, user, role: str | None = None) -> QuerySet[Organisation]:
    """The active organisations where `user` holds `role` (any role if None). A deactivated organisation is out
    of every member's scope: the incident, passport and signatory selectors all start here."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    memberships = user.memberships.all()
    if role is not None:
        memberships = memberships.filter(role=role)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"), is_active=True)


def hr_organisation_ids(*, user) -> list[int]:
    """The active organisations whose workforce records `user` may see and change (as HR administrator)."""
    if not has_permission(user, VIEW_WORKFORCE):
        return []
    cache = getattr(user, _HR_CACHE, None)
    if cache is None:
        cache = list(
            user.memberships.filter(role=HR_ADMIN, organisation__is_active=True).values_list(
                "organisation_id", flat=True
            )
        )
        setattr(user, _HR_CACHE, cache)
    return cache


def hr_organisations_forget(*, user) -> None:
    """Drop the remembered HR scope of this user object, after its memberships change."""
    if hasattr(user, _HR_CACHE):
        delattr(user, _HR_CACHE)


def hr_organisations(*, user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=hr_organisation_ids(user=user))


def is_hr_admin(*, user, organisation: Organisation | None) -> bool:
    """Whether `user` is HR administrator at `organisation` (never for no organisation)."""
    return organisation is not None and organisation.pk in hr_organisation_ids(user=user)


def can_view_reports(*, user) -> bool:
    return has_permission(user, VIEW_WORKFORCE_REPORTS)


def report_organisation_ids(*, user) -> list[int] | None:
    """Scope for aggregate reports: analysts see the whole system (None); HR administrators their own."""
    if not can_view_reports(user=user):
        raise PermissionDenied
    if user.memberships.filter(role=ANALYST).exists():
        return None
    return hr_organisation_ids(user=user)


def get_or_refuse(visible_to, *, user, pk: int, request):
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
