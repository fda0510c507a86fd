"""Identity custodians' reads: the requests to learn who made a confidential report."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from cms.access import has_permission
from workforce.selectors import organisations_for_user

from ..models import CaseExclusion, IdentityDisclosureRequest
from ..roles import CUSTODIAN_ROLE, DECIDE_IDENTITY_DISCLOSURE
from .refusals import refuse


def disclosure_requests_for_custodian(*, user) -> QuerySet[IdentityDisclosureRequest]:
    if not has_permission(user, DECIDE_IDENTITY_DISCLOSURE):
        return IdentityDisclosureRequest.objects.none()
    organisations = organisations_for_user(user=user, role=CUSTODIAN_ROLE)
    excluded = CaseExclusion.objects.filter(report=OuterRef("report_id"), user=user)
    return (
        IdentityDisclosureRequest.objects.filter(report__organisation__in=organisations)
        .exclude(Exists(excluded))
        .select_related("report", "report__organisation", "requested_by", "decided_by")
    )


def disclosure_request_get_for_custodian(*, user, pk: int, request=None) -> IdentityDisclosureRequest:
    if not has_permission(user, DECIDE_IDENTITY_DISCLOSURE):
        refuse(user=user, request=request, model=IdentityDisclosureRequest, pk=pk, reason="not_a_custodian")
        raise PermissionDenied
    disclosure = disclosure_requests_for_custodian(user=user).filter(pk=pk).first()
    if disclosure is None:
        refuse(user=user, request=request, model=IdentityDisclosureRequest, pk=pk, reason="not_visible")
        raise Http404("No such request")
    return disclosure
