"""Whose open cases need a new owner, and whose a lead may move (docs/incidents.md, "When a handler leaves").

A lead is a handler of the case's organisation (the incident_handler role: "a designated lead"); they move only
cases they may see themselves (`cases_for_handler`, exclusions included). A case's owners are its lead handler
and its investigator; an owner whose account is deactivated, who no longer holds the handler role at the case's
organisation, or who is excluded from the case, leaves the case needing a new owner.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from workforce.models import Membership

from ..models import OPEN_STATUSES, CaseExclusion, IncidentReport
from ..roles import HANDLER_ROLE
from .cases import cases_for_handler, handler_organisations


def _holds_handler_role(owner_field: str) -> ExpressionWrapper:
    """The owner still holds the handler role at the case's organisation and is not excluded from the case."""
    holds = Exists(
        Membership.objects.filter(
            user_id=OuterRef(owner_field), organisation_id=OuterRef("organisation_id"), role=HANDLER_ROLE
        )
    )
    excluded = Exists(CaseExclusion.objects.filter(report_id=OuterRef("pk"), user_id=OuterRef(owner_field)))
    return ExpressionWrapper(Q(holds) & ~Q(excluded), output_field=BooleanField())


def owner_has_gone(*, report: IncidentReport, owner) -> bool:
    """Whether `owner` has gone from the case: deactivated, no longer a handler at its organisation, or
    excluded from it. Only then may a lead move their part of the case to someone else."""
    if not owner.is_active:
        return True
    holds_role = Membership.objects.filter(
        user=owner, organisation_id=report.organisation_id, role=HANDLER_ROLE
    ).exists()
    return not holds_role or CaseExclusion.objects.filter(report=report, user=owner).exists()


def open_cases_for_lead(*, user) -> QuerySet[IncidentReport]:
    return cases_for_handler(user=user).filter(status__in=OPEN_STATUSES).select_related("lead_handler")


def cases_needing_new_owner(*, user) -> QuerySet[IncidentReport]:
    """Open cases the lead may see whose lead handler or investigator has gone (deactivated or no longer a
    handler there)."""
    return (
        open_cases_for_lead(user=user)
        .annotate(
            lead_kept=_holds_handler_role("lead_handler_id"),
            investigator_kept=_holds_handler_role("investigator_id"),
        )
        .filter(
            Q(lead_handler__is_active=False)
            | Q(lead_handler__isnull=False, lead_kept=False)
            | Q(investigator__is_active=False)
            | Q(investigator__isnull=False, investigator_kept=False)
        )
        .order_by("reported_at", "pk")
    )


def departed_owners(*, cases: list[IncidentReport]) -> list:
    """The people gone from these cases (from `cases_needing_new_owner`), each once, by name."""
    gone = {}
    for report in cases:
        for owner, kept in (
            (report.lead_handler, report.lead_kept),
            (report.investigator, report.investigator_kept),
        ):
            if owner is not None and (not owner.is_active or not kept):
                gone[owner.pk] = owner
    return sorted(gone.values(), key=lambda user: (user.get_full_name(), user.email))


def open_cases_owned_by(*, user, owner) -> QuerySet[IncidentReport]:
    """The open cases the lead may see that `owner` leads or investigates."""
    return open_cases_for_lead(user=user).filter(Q(lead_handler=owner) | Q(investigator=owner)).order_by("pk")


def case_owners_for_lead(*, user) -> QuerySet:
    """Everyone who leads or investigates an open case the lead may see: whose cases may be moved."""
    cases = open_cases_for_lead(user=user)
    return (
        get_user_model()
        .objects.filter(
            Q(pk__in=cases.filter(lead_handler__isnull=False).values("lead_handler_id"))
            | Q(pk__in=cases.filter(investigator__isnull=False).values("investigator_id"))
        )
        .order_by("first_name", "last_name", "email")
    )


def handlers_for_lead(*, user) -> QuerySet:
    """Active handlers at the lead's organisations: who cases may be moved to (each case checks its own rules)."""
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation__in=handler_organisations(user=user),
            memberships__role=HANDLER_ROLE,
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )
