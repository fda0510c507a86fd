"""Moving cases to another handler when one leaves: one case, or all of a person's open cases at once.

A case moves only away from an owner who has gone (`owner_has_gone`: deactivated, no longer a handler at the
case's organisation, or excluded from the case), never to the person moving it: otherwise any handler could take
a confidential case from its lead and so see who reported it. The new owner must be someone who may be assigned
the case (`handlers_for_case`: an active handler at its organisation who is not excluded from it); a case where
either rule fails is left as it was and named. Each move is audited; the new owner, and the previous owner if
their account is still active, are told by e-mail, queued after the commit and sent by the task worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from cms.access import require_permission
from cms.audit import audit

from ..models import IncidentReport
from ..roles import VIEW_CASES
from ..selectors.cases import handlers_for_case
from ..selectors.reassignment import open_cases_owned_by, owner_has_gone
from ..tasks import notify_handler_of_reassignment, notify_previous_owner_of_reassignment


@dataclass
class Reassigned:
    moved: list[IncidentReport] = field(default_factory=list)
    # Cases left as they were, with the reason.
    kept: list[tuple[IncidentReport, str]] = field(default_factory=list)


def _name(user) -> str:
    return user.get_full_name() or user.email


def _why_not(*, report: IncidentReport, from_user, to_user) -> str:
    if from_user.pk not in (report.lead_handler_id, report.investigator_id):
        return f"{_name(from_user)} neither leads nor investigates {report.reference}"
    if not owner_has_gone(report=report, owner=from_user):
        return (
            f"{_name(from_user)} still handles {report.reference}: a case moves only from someone who has gone "
            f"(deactivated, no longer a handler at {report.organisation.name}, or excluded from the case)"
        )
    if not handlers_for_case(report=report).filter(pk=to_user.pk).exists():
        return (
            f"{_name(to_user)} may not be given {report.reference}: they are not an active handler at "
            f"{report.organisation.name}, or they are excluded from the case"
        )
    return ""


def _move(*, report: IncidentReport, actor, from_user, to_user, request, bulk: bool):
    roles = []
    if report.lead_handler_id == from_user.pk:
        report.lead_handler = to_user
        roles.append("lead_handler")
    if report.investigator_id == from_user.pk:
        report.investigator = to_user
        roles.append("investigator")
    report.save(update_fields=roles)
    return audit(
        action="incident.case_reassigned",
        request=request,
        actor=actor,
        obj=report,
        summary=f"{report.reference} moved from {_name(from_user)} to {_name(to_user)}",
        detail={"from_user": from_user.pk, "to_user": to_user.pk, "roles": roles, "bulk": bulk},
    )


def _check_people(*, actor, from_user, to_user) -> None:
    require_permission(actor, VIEW_CASES)
    if to_user is None:
        raise ValidationError({"to_user": "Select who the cases move to"})
    if from_user is None:
        raise ValidationError({"from_user": "Select whose cases move"})
    if to_user.pk == from_user.pk:
        raise ValidationError({"to_user": "Select someone other than the person the cases move from"})
    if to_user.pk == actor.pk:
        raise ValidationError(
            {"to_user": "You cannot move cases to yourself: ask another handler to move them to you"}
        )


def _notify(*, from_user, to_user, moved: list[IncidentReport], key: str) -> None:
    ids = [report.pk for report in moved]
    transaction.on_commit(lambda: notify_handler_of_reassignment.enqueue(to_user.pk, ids, key))
    if from_user.is_active:
        transaction.on_commit(lambda: notify_previous_owner_of_reassignment.enqueue(from_user.pk, ids, key))


@transaction.atomic
def case_reassign(*, report: IncidentReport, actor, from_user, to_user, request=None) -> IncidentReport:
    """Move `from_user`'s part in one case (lead handler, investigator or both) to `to_user`. The caller got the
    case through `case_get_for_handler`, so the lead may see it."""
    _check_people(actor=actor, from_user=from_user, to_user=to_user)
    # Held until the move is written, so two moves of one case cannot both pass the checks.
    report = (
        IncidentReport.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=report.pk)
    )
    if not report.is_open:
        raise ValidationError("Only an open case can be moved to another handler")
    reason = _why_not(report=report, from_user=from_user, to_user=to_user)
    if reason:
        raise ValidationError({"to_user": reason})
    line = _move(
        report=report, actor=actor, from_user=from_user, to_user=to_user, request=request, bulk=False
    )
    _notify(from_user=from_user, to_user=to_user, moved=[report], key=f"case:{line.pk}")
    return report


@transaction.atomic
def cases_reassign_from(*, actor, from_user, to_user, request=None) -> Reassigned:
    """Move every open case `from_user` leads or investigates, among those the lead may see, to `to_user`. Cases
    the new owner may not be given are kept as they were and listed."""
    _check_people(actor=actor, from_user=from_user, to_user=to_user)
    result = Reassigned()
    lines = []
    cases = open_cases_owned_by(user=actor, owner=from_user).select_related("organisation")
    for report in cases.select_for_update(of=("self",)):
        reason = _why_not(report=report, from_user=from_user, to_user=to_user)
        if reason:
            result.kept.append((report, reason))
            continue
        lines.append(
            _move(
                report=report, actor=actor, from_user=from_user, to_user=to_user, request=request, bulk=True
            )
        )
        result.moved.append(report)
    if not result.moved and not result.kept:
        raise ValidationError({"from_user": f"{_name(from_user)} has no open cases that you can see"})
    if result.moved:
        _notify(from_user=from_user, to_user=to_user, moved=result.moved, key=f"bulk:{lines[0].pk}")
    return result
