"""The case workflow: the one table of its steps (`TRANSITIONS`), who may take each, and the service that moves a
case along it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cms.access import has_permission, require_permission
from cms.audit import audit
from cms.lifecycle import Lifecycle, Move

from ..models import CaseTransition, IncidentReport, Message, ReportingMode, Status
from ..roles import SIGN_OFF_CASE, VIEW_CASES
from ..selectors.cases import handlers_for_case, moved_into_status_by_id, sign_off_requester_id
from ..selectors.reassignment import owner_has_gone
from ..selectors.reporter_requests import ReporterRequest, reporter_requests
from ..tasks import notify_reporter_of_outcome


class ActorRule(StrEnum):
    """Who may take a step. Every rule first needs a handler of the case's organisation not excluded from it."""

    HANDLER = "any handler of the organisation who is not excluded from the case"
    INVESTIGATOR = "the investigator"
    SIGN_OFF = (
        "a handler who may sign off cases and is neither the investigator nor the person who sent the case "
        "for sign-off"
    )
    # A case that ended without sign-off (merged, not an incident, redirected) is archived only by a second person.
    NOT_WHO_ENDED_IT = (
        "from a state reached without sign-off, a handler other than the one who moved the case into it; "
        "otherwise any handler"
    )


@dataclass(frozen=True)
class Transition(Move):
    """A step of the workflow (`name`, `label`, `sources`, `target`) with the governance rules it carries."""

    actor: ActorRule = ActorRule.HANDLER
    # How the step reads after "can" in a refusal, e.g. "Only the investigator, Sam Example, can start the review".
    verb: str = ""
    needs_note: bool = False
    needs_reporter_reason: bool = False
    needs_investigator: bool = False
    needs_merge_target: bool = False
    needs_outcome: bool = False
    needs_reporter_message: bool = False
    # Every request the reporter made (support, police action) must have an answer before this step.
    needs_requests_answered: bool = False
    # From these sources, someone other than the handler who moved the case into the source state (ActorRule).
    second_person_from: tuple[str, ...] = ()

    @property
    def phrase(self) -> str:
        return self.verb or self.label[0].lower() + self.label[1:]


INVESTIGATION = (Status.ASSIGNED, Status.UNDER_REVIEW, Status.AWAITING_INFO, Status.ACTION_PENDING)
# States a case reaches when one handler decides it needs no investigation: no one signs them off.
ENDED_WITHOUT_SIGN_OFF = (Status.NOT_AN_INCIDENT, Status.REDIRECTED, Status.MERGED)
# A case may be merged only into one still being worked, which carries the reporter's requests on to an answer.
NOT_A_MERGE_TARGET = (Status.CLOSED, Status.ARCHIVED, *ENDED_WITHOUT_SIGN_OFF)

# The one table of the workflow: which step goes from which states to which, and who may take it. The service
# enforces it and the case page shows from it only the steps the current user may take (with the reason for
# the others). docs/incidents.md "Workflow" states the same.
TRANSITIONS: Lifecycle[Transition] = Lifecycle(
    [
        Transition("acknowledge", "Acknowledge and start triage", (Status.SUBMITTED,), Status.TRIAGE),
        Transition(
            "not_an_incident",
            "Not an incident",
            (Status.TRIAGE,),
            Status.NOT_AN_INCIDENT,
            verb="close it as not an incident",
            needs_reporter_reason=True,
        ),
        Transition(
            "redirect",
            "Redirect to another route",
            (Status.TRIAGE,),
            Status.REDIRECTED,
            needs_reporter_reason=True,
        ),
        Transition(
            "merge", "Merge into another case", (Status.TRIAGE,), Status.MERGED, needs_merge_target=True
        ),
        # Also from the investigation states, so a case whose investigator was excluded or is away can be handed
        # to someone else; the new investigator starts the review again.
        Transition(
            "assign",
            "Assign an investigator",
            (Status.TRIAGE, Status.REOPENED, *INVESTIGATION),
            Status.ASSIGNED,
            needs_investigator=True,
        ),
        Transition(
            "start_review",
            "Start the review",
            (Status.ASSIGNED, Status.AWAITING_INFO, Status.ACTION_PENDING),
            Status.UNDER_REVIEW,
            actor=ActorRule.INVESTIGATOR,
        ),
        Transition(
            "request_info",
            "Ask the reporter for information",
            (Status.ASSIGNED, Status.UNDER_REVIEW),
            Status.AWAITING_INFO,
            actor=ActorRule.INVESTIGATOR,
            needs_reporter_message=True,
        ),
        Transition(
            "actions_pending",
            "Actions pending",
            (Status.UNDER_REVIEW,),
            Status.ACTION_PENDING,
            actor=ActorRule.INVESTIGATOR,
            verb="mark the case as waiting on actions",
        ),
        Transition(
            "request_sign_off",
            "Send for sign-off",
            (Status.UNDER_REVIEW, Status.ACTION_PENDING),
            Status.AWAITING_SIGN_OFF,
            actor=ActorRule.INVESTIGATOR,
            verb="send the case for sign-off",
            needs_outcome=True,
            needs_requests_answered=True,
        ),
        Transition(
            "reject_sign_off",
            "Return to the investigator",
            (Status.AWAITING_SIGN_OFF,),
            Status.UNDER_REVIEW,
            actor=ActorRule.SIGN_OFF,
            verb="return the case to the investigator",
            needs_note=True,
        ),
        Transition(
            "close",
            "Sign off and close",
            (Status.AWAITING_SIGN_OFF,),
            Status.CLOSED,
            actor=ActorRule.SIGN_OFF,
            verb="sign the case off",
            needs_requests_answered=True,
        ),
        Transition("reopen", "Reopen", (Status.CLOSED,), Status.REOPENED, needs_note=True),
        Transition(
            "archive",
            "Archive",
            (Status.CLOSED, *ENDED_WITHOUT_SIGN_OFF),
            Status.ARCHIVED,
            actor=ActorRule.NOT_WHO_ENDED_IT,
            second_person_from=ENDED_WITHOUT_SIGN_OFF,
        ),
    ],
    states=Status,
    wrong_state="A case that is {state} cannot {move.phrase}",
)


@dataclass(frozen=True)
class Refusal:
    """Why a user may not take a step now. `permission`: not this person (403); otherwise the case is not
    ready (a validation error: record what is missing, then try again)."""

    message: str
    permission: bool


@dataclass(frozen=True)
class TransitionChoice:
    transition: Transition
    refusal: Refusal | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


class _CaseFacts:
    """What the actor rules need to know about a case and a user, each read once and only if a rule asks."""

    def __init__(self, *, report: IncidentReport, user):
        self.report, self.user = report, user

    @cached_property
    def is_handler(self) -> bool:
        user = self.user
        return (
            has_permission(user, VIEW_CASES)
            and handlers_for_case(report=self.report).filter(pk=user.pk).exists()
        )

    @cached_property
    def sign_off_requester_id(self) -> int | None:
        return sign_off_requester_id(report=self.report)

    @cached_property
    def ended_by_id(self) -> int | None:
        return moved_into_status_by_id(report=self.report)

    @cached_property
    def unanswered(self) -> list[ReporterRequest]:
        return [r for r in reporter_requests(report=self.report) if not r.answered]


def _person(user) -> str:
    return user.get_full_name() or user.email


def _refusal(transition: Transition, facts: _CaseFacts) -> Refusal | None:
    report, user = facts.report, facts.user
    if not facts.is_handler:
        return Refusal(
            f"Only handlers of {report.organisation.display_name} who are not excluded from this case can "
            f"{transition.phrase}",
            permission=True,
        )
    if transition.actor == ActorRule.INVESTIGATOR:
        if report.investigator_id is None:
            return Refusal(
                f"Assign an investigator first: only the investigator can {transition.phrase}",
                permission=True,
            )
        if user.pk != report.investigator_id:
            return Refusal(
                f"Only the investigator, {_person(report.investigator)}, can {transition.phrase}",
                permission=True,
            )
    if transition.actor == ActorRule.SIGN_OFF:
        if not has_permission(user, SIGN_OFF_CASE):
            return Refusal(f"You do not have permission to {transition.phrase}", permission=True)
        if user.pk == report.investigator_id:
            return Refusal(
                f"You are the investigator, so another handler must {transition.phrase}", permission=True
            )
        if user.pk == facts.sign_off_requester_id:
            return Refusal(
                f"You sent the case for sign-off, so another handler must {transition.phrase}",
                permission=True,
            )
    if report.status in transition.second_person_from and user.pk == facts.ended_by_id:
        return Refusal(
            f"You decided the case was {report.get_status_display().lower()}, so another handler must "
            f"{transition.phrase}",
            permission=True,
        )
    if transition.needs_requests_answered:
        # The outcome for the reporter is written in the sign-off request itself, so only the close waits on it.
        missing = [r for r in facts.unanswered if r.decidable or transition.name != "request_sign_off"]
        if missing:
            requests = " and for ".join(r.label for r in missing)
            when = "sending the case for sign-off" if transition.name == "request_sign_off" else "closing"
            return Refusal(
                f"Record a decision on the reporter's request for {requests} before {when}", permission=False
            )
    return None


def transition_choices(*, report: IncidentReport, user) -> list[TransitionChoice]:
    """Every step the table allows from the case's state, each with the reason this user may not take it (if
    so). The case page shows the allowed ones as buttons and the reasons for the others."""
    facts = _CaseFacts(report=report, user=user)
    return [
        TransitionChoice(transition=t, refusal=_refusal(t, facts))
        for t in TRANSITIONS.available(report.status)
    ]


def transition_refusal(*, report: IncidentReport, action: str, user) -> Refusal | None:
    """Why `user` may not take `action` on the case now, or None. Unknown actions and wrong states are refused."""
    wrong = TRANSITIONS.refusal(action, report.status)
    if wrong is not None:
        return Refusal(wrong, permission=False)
    return _refusal(TRANSITIONS.get(action), _CaseFacts(report=report, user=user))


def move_case(*, report: IncidentReport, action: str, to_status: str, actor, note: str) -> CaseTransition:
    """Write one step of the case's history and its new state (the caller has checked the step and audits it)."""
    transition = CaseTransition.objects.create(
        report=report,
        action=action,
        from_status=report.status,
        to_status=to_status,
        actor=actor,
        actor_label=actor.email if actor else "reporter",
        note=note,
    )
    report.status = to_status
    report.save(update_fields=["status"])
    return transition


def _takes_investigation_from_someone_still_here(*, report: IncidentReport, actor, investigator) -> bool:
    """A handler naming themselves in place of an investigator who has not gone, on a case they do not lead:
    refused, or anyone could take a confidential case and so see who reported it."""
    current = report.investigator
    return (
        investigator.pk == actor.pk
        and current is not None
        and current.pk != actor.pk
        and report.lead_handler_id != actor.pk
        and not owner_has_gone(report=report, owner=current)
    )


@transaction.atomic
def case_transition(
    *,
    report: IncidentReport,
    action: str,
    actor,
    note: str = "",
    reason_for_reporter: str = "",
    investigator=None,
    merge_into: IncidentReport | None = None,
    outcome_for_reporter: str = "",
    closure_rationale: str = "",
    message_for_reporter: str = "",
    request=None,
) -> IncidentReport:
    """Move a case along its workflow. The caller has already fetched `report` through the handler selector."""
    report = IncidentReport.objects.select_for_update().get(pk=report.pk)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError("Unknown action")
    require_permission(actor, VIEW_CASES)
    # Who may take the step, and whether the case is ready for it, come from the table (TRANSITIONS).
    refusal = transition_refusal(report=report, action=action, user=actor)
    if refusal is not None:
        raise (PermissionDenied if refusal.permission else ValidationError)(refusal.message)
    errors = {}
    if transition.needs_note and not note.strip():
        errors["note"] = "Enter the reason"
    if transition.needs_reporter_reason and not reason_for_reporter.strip():
        errors["reason_for_reporter"] = "Enter the reason the reporter will see"
    if transition.needs_reporter_message and not message_for_reporter.strip():
        errors["message_for_reporter"] = "Enter your question for the reporter"
    if transition.needs_investigator:
        if investigator is None:
            errors["investigator"] = "Choose an investigator"
        elif not handlers_for_case(report=report).filter(pk=investigator.pk).exists():
            errors["investigator"] = "Choose a handler at this organisation who is not excluded from the case"
        elif _takes_investigation_from_someone_still_here(
            report=report, actor=actor, investigator=investigator
        ):
            errors["investigator"] = (
                "The case's investigator still handles it: only its lead handler may take it over themselves, "
                "so ask another handler to assign it to you"
            )
    if transition.needs_merge_target:
        if merge_into is not None:  # its state as it is now, held until this step is written
            merge_into = IncidentReport.objects.select_for_update().filter(pk=merge_into.pk).first()
        if (
            merge_into is None
            or merge_into.pk == report.pk
            or merge_into.organisation_id != report.organisation_id
        ):
            errors["merge_into"] = "Enter the reference of another case at the same organisation"
        elif merge_into.status == Status.MERGED:
            errors["merge_into"] = "That case was itself merged; merge into the case it joined"
        elif merge_into.status in NOT_A_MERGE_TARGET:
            errors["merge_into"] = (
                f"That case is {merge_into.get_status_display().lower()}: merge only into a case still being "
                "worked, so that what the reporter asked for is answered"
            )
    if transition.needs_outcome:
        if not outcome_for_reporter.strip():
            errors["outcome_for_reporter"] = "Enter the outcome the reporter will see"
        if not closure_rationale.strip():
            errors["closure_rationale"] = "Enter the internal rationale"
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    update = []
    if action == "acknowledge":
        report.acknowledged_at = now
        report.lead_handler = actor
        update += ["acknowledged_at", "lead_handler"]
    if transition.needs_reporter_reason:
        report.status_reason_for_reporter = reason_for_reporter.strip()
        update.append("status_reason_for_reporter")
    if transition.needs_investigator:
        report.investigator = investigator
        update.append("investigator")
        if report.lead_handler_id is None:
            report.lead_handler = actor
            update.append("lead_handler")
    if transition.needs_merge_target:
        report.merged_into = merge_into
        update.append("merged_into")
    if transition.needs_outcome:
        report.outcome_for_reporter = outcome_for_reporter.strip()
        report.closure_rationale = closure_rationale.strip()
        update += ["outcome_for_reporter", "closure_rationale"]
    if action == "close":
        report.closed_at = now
        report.signed_off_by = actor
        update += ["closed_at", "signed_off_by"]
    if action == "reopen":
        report.closed_at = None
        report.signed_off_by = None
        update += ["closed_at", "signed_off_by"]
    if update:
        report.save(update_fields=update)
    move_case(report=report, action=action, to_status=transition.target, actor=actor, note=note.strip())
    if transition.needs_reporter_message:
        Message.objects.create(
            report=report, audience=Message.Audience.REPORTER, author=actor, body=message_for_reporter.strip()
        )
    audit(
        action=f"incident.{action}",
        request=request,
        actor=actor,
        obj=report,
        summary=f"{report.reference}: {transition.label}",
        detail={"from": transition.sources, "to": transition.target},
    )
    if action == "close" and report.mode == ReportingMode.NAMED and report.wants_feedback:
        transaction.on_commit(lambda: notify_reporter_of_outcome.enqueue(report.pk))
    return report
