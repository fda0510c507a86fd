"""Cases as handlers see them. A handler sees the cases of the organisations where they hold the incident_handler
role, minus any case they are excluded from (named as the source, or line management of the person named, which
`line_management.named_people_with_line_management` derives from the workforce records)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404

from cms.access import has_permission
from workforce.models import Organisation
from workforce.selectors import organisations_for_user

from ..models import (
    CaseAction,
    CaseExclusion,
    IdentityDisclosureRequest,
    IncidentReport,
    ReportingMode,
    SupportCheckIn,
)
from ..roles import HANDLER_ROLE, VIEW_CASES
from .refusals import refuse


def handler_organisations(*, user) -> QuerySet[Organisation]:
    return organisations_for_user(user=user, role=HANDLER_ROLE)


def cases_for_handler(*, user) -> QuerySet[IncidentReport]:
    """Every case a handler may see: their organisations' cases minus the ones they are excluded from."""
    if not has_permission(user, VIEW_CASES):
        return IncidentReport.objects.none()
    excluded = CaseExclusion.objects.filter(report=OuterRef("pk"), user=user)
    # The ids are read first so the planner sees constants and walks the (organisation, reported_at) index.
    organisation_ids = list(handler_organisations(user=user).values_list("pk", flat=True))
    return (
        IncidentReport.objects.filter(organisation_id__in=organisation_ids)
        .exclude(Exists(excluded))
        .select_related("organisation", "investigator")
    )


def with_next_deadlines(cases: QuerySet[IncidentReport]) -> QuerySet[IncidentReport]:
    """The cases with the earliest open action's due date (`next_action_due`) and the earliest check-in not
    done (`next_check_in_due`), for the case list's "Next deadline". Each is a subquery on one case's few rows,
    evaluated only for the rows of the page shown."""

    open_actions = CaseAction.objects.filter(report=OuterRef("pk"), completed_at__isnull=True)
    check_ins_due = SupportCheckIn.objects.filter(offer__report=OuterRef("pk"), done_at__isnull=True)
    return cases.annotate(
        next_action_due=Subquery(open_actions.order_by("due_on").values("due_on")[:1]),
        next_check_in_due=Subquery(check_ins_due.order_by("due_on").values("due_on")[:1]),
    )


def case_get_for_handler(*, user, pk: int, request=None) -> IncidentReport:
    if not has_permission(user, VIEW_CASES):
        refuse(user=user, request=request, model=IncidentReport, pk=pk, reason="not_a_handler")
        raise PermissionDenied
    report = (
        cases_for_handler(user=user).select_related("reporter", "lead_handler", "merged_into").filter(pk=pk)
    )
    report = report.first()
    if report is None:
        refuse(user=user, request=request, model=IncidentReport, pk=pk, reason="not_visible")
        raise Http404("No such case")
    return report


def case_record_get(*, user, records: QuerySet, pk: int, request=None):
    """A record on a case already got with `case_get_for_handler` (`records`: its records of one kind, e.g.
    `report.support_offers`); a record of another case is refused, and audited, like the case itself."""
    record = records.filter(pk=pk).first()
    if record is None:
        refuse(user=user, request=request, model=records.model, pk=pk, reason="not_on_this_case")
        raise Http404("No such record on this case")
    return record


def handlers_for_case(*, report: IncidentReport):
    """Handlers at the case's organisation who are not excluded from it: the people who may be assigned."""
    excluded = report.exclusions.values("user_id")
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation=report.organisation,
            memberships__role=HANDLER_ROLE,
            is_active=True,
        )
        .exclude(pk__in=excluded)
        .distinct()
        .order_by("first_name", "last_name")
    )


def reporter_identity_visible(*, user, report: IncidentReport) -> bool:
    """Named reports show the reporter to the case's handlers; confidential ones only to the assigned handlers
    (lead and investigator) or to someone an identity custodian has authorised. Anonymous reports hold none."""
    if report.reporter_id is None:
        return False
    if report.mode == ReportingMode.NAMED:
        return True
    if user.pk in (report.lead_handler_id, report.investigator_id):
        return True
    return report.disclosure_requests.filter(
        requested_by=user, state=IdentityDisclosureRequest.State.AUTHORISED
    ).exists()


def sign_off_requester_id(*, report: IncidentReport) -> int | None:
    """Who sent the case for sign-off most recently (the actor of the last `request_sign_off` transition)."""
    return (
        report.transitions.filter(action="request_sign_off")
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def moved_into_status_by_id(*, report: IncidentReport) -> int | None:
    """Who moved the case into the state it is in now (the actor of the latest transition into it)."""
    return (
        report.transitions.filter(to_status=report.status)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def case_records(*, report: IncidentReport) -> dict[str, Any]:
    """What the case page lists beside the report itself, by the names its template gives them."""
    return {
        "history": report.transitions.select_related("actor"),
        "case_messages": report.messages.select_related("author"),
        "support_offers": report.support_offers.prefetch_related("check_ins"),
        "sanctions": list(report.sanctions.all()),
        "case_actions": report.actions.select_related("owner"),
        "exclusions": report.exclusions.select_related("user"),
        "riddor": getattr(report, "riddor", None) if hasattr(report, "riddor") else None,
        "police": report.police_outcome if hasattr(report, "police_outcome") else None,
        "disclosures": report.disclosure_requests.select_related("requested_by", "decided_by"),
    }
