"""Writes for incidents. Every service is atomic, checks its invariants and writes its own audit record.

Audit records never carry narratives or identities: the reference, the action and who did it are enough.
What an anonymous reporter does is audited with `audit_anonymous`: no account, no address, the hour only.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cms.audit import audit, audit_anonymous, hour_of

from . import selectors
from .models import (
    ACKNOWLEDGE_WITHIN,
    COLLEAGUE_SOURCES,
    SUPPORT_CHECK_IN_DAYS,
    CaseAction,
    CaseExclusion,
    CaseTransition,
    IdentityDisclosureRequest,
    IncidentReport,
    Injury,
    Message,
    PoliceOutcome,
    PoliceWish,
    ReporterRequestDecision,
    ReportingMode,
    RiddorAssessment,
    Sanction,
    Status,
    SupportCheckIn,
    SupportOffer,
)

RECEIPT_DIGITS = 16

REPORT_FIELDS = (
    "relationship",
    "occurred_at",
    "occurred_approximate",
    "organisation",
    "site",
    "setting",
    "lone_working",
    "staff_group",
    "category",
    "sub_types",
    "protected_characteristic",
    "source",
    "medical_factors",
    "narrative",
    "injury",
    "treatment",
    "days_off",
    "police_contacted",
    "crime_reference",
    "cctv_available",
    "wants_police_action",
    "wants_support",
    "wants_feedback",
    "may_tell_line_manager",
)


def receipt_format(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _on_commit(task, *args) -> None:
    # E-mail goes out as a background task after the report is safely stored; it never blocks the request.
    transaction.on_commit(lambda: task.enqueue(*args))


# --- reporting -------------------------------------------------------------------------------------------------
@transaction.atomic
def report_submit(
    *, reporter, mode: str, data: dict, subject_emails: tuple[str, ...] = (), request=None
) -> tuple[IncidentReport, str | None]:
    """Store a report. Returns the report and, for anonymous reports, the follow-up code (shown once, never
    stored). Named and confidential reports need a signed-in reporter who belongs to the organisation."""
    from .tasks import notify_handlers_of_new_report

    if mode not in ReportingMode.values:
        raise ValidationError("Choose how you want to report")
    anonymous = mode == ReportingMode.ANONYMOUS
    signed_in = getattr(reporter, "is_authenticated", False)
    organisation = data["organisation"]
    if not anonymous:
        if not signed_in:
            raise PermissionDenied("Sign in to report under your name or in confidence")
        if not selectors.reporter_organisations(user=reporter).filter(pk=organisation.pk).exists():
            raise ValidationError({"organisation": "Choose an organisation you work for"})
    now = timezone.now()
    if data["occurred_at"] > now + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "The date and time must be in the past"})
    # An anonymous report's rows keep only the hour it was made: its minute and second would match the
    # reporter's own sign-in and page views elsewhere in the database (cms/audit.py, docs/incidents.md).
    stored_at = hour_of(now) if anonymous else now
    fields = {name: data[name] for name in REPORT_FIELDS if name in data}
    report = IncidentReport(
        mode=mode,
        reporter=None if anonymous else reporter,
        reported_at=stored_at,
        acknowledge_by=stored_at + ACKNOWLEDGE_WITHIN,
        **fields,
    )
    code = None
    if anonymous:
        code = "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))
        report.receipt_hash = selectors.receipt_hash(code)
        report.receipt_index = selectors.receipt_index(code)
        # An anonymous reporter's wish to tell the line manager cannot be acted on; feedback comes via the code.
        report.may_tell_line_manager = False
    report.full_clean(exclude=["reporter"])
    report.save()
    CaseTransition.objects.create(
        report=report,
        action="submit",
        from_status="",
        to_status=Status.SUBMITTED,
        actor=None,
        actor_label="reporter",
        at=stored_at,
    )
    excluded = Exclusions()
    if report.source in COLLEAGUE_SOURCES and subject_emails:
        # The reporter is never shut out of their own report, even if they manage the person they name.
        excluded = _exclude_named_and_line_management(
            report=report, emails=subject_emails, keep_user_ids={report.reporter_id} - {None}, at=stored_at
        )
    if report.injury != Injury.NONE and (report.days_off or 0) > 3:
        riddor = RiddorAssessment.objects.create(report=report, state=RiddorAssessment.State.CANDIDATE)
        if anonymous:  # updated_at is auto_now on save; update() writes it as given
            RiddorAssessment.objects.filter(pk=riddor.pk).update(updated_at=stored_at)
    record = {
        "action": "incident.submitted",
        "obj": report,
        "summary": f"{report.reference} reported ({report.get_mode_display().lower()})",
        # Counts only: who was excluded is for the case's handlers, on the case page.
        "detail": {
            "organisation": report.organisation_id,
            "mode": mode,
            "excluded_named": len(excluded.named),
            "excluded_line_management": len(excluded.line_management),
        },
    }
    if anonymous:
        audit_anonymous(actor_label="anonymous reporter", **record)
    else:
        audit(actor=reporter, request=request, **record)
    _on_commit(notify_handlers_of_new_report, report.pk)
    return report, code


@dataclass(frozen=True)
class Exclusions:
    """The accounts newly excluded from a case, by reason."""

    named: frozenset[int] = frozenset()
    line_management: frozenset[int] = frozenset()

    @property
    def user_ids(self) -> frozenset[int]:
        return self.named | self.line_management


def _exclude_named_and_line_management(
    *, report: IncidentReport, emails, keep_user_ids=frozenset(), named=True, at=None
) -> Exclusions:
    """Exclude the accounts with these e-mails (unless `named` is False) and everyone above the named people
    in line management. Existing exclusions keep their reason. A fixed number of queries."""
    at = at or timezone.now()
    found = selectors.named_people_with_line_management(emails=emails)
    existing = set(report.exclusions.values_list("user_id", flat=True))
    skip = existing | set(keep_user_ids)
    new_named = frozenset(found.named_user_ids - skip) if named else frozenset()
    new_managers = frozenset(found.line_management_user_ids - skip - new_named)
    CaseExclusion.objects.bulk_create(
        [
            CaseExclusion(
                report=report, user_id=user_id, reason=CaseExclusion.Reason.NAMED_SUBJECT, created_at=at
            )
            for user_id in sorted(new_named)
        ]
        + [
            CaseExclusion(
                report=report, user_id=user_id, reason=CaseExclusion.Reason.LINE_MANAGEMENT, created_at=at
            )
            for user_id in sorted(new_managers)
        ]
    )
    return Exclusions(named=new_named, line_management=new_managers)


@transaction.atomic
def message_post_by_reporter(*, report: IncidentReport, body: str, author=None, request=None) -> Message:
    """A reporter's reply (signed in, or through the follow-up code). It moves a case waiting on them on."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Enter your message"})
    if report.status in (Status.ARCHIVED, Status.MERGED):
        raise ValidationError("This report is closed to new messages")
    message = Message.objects.create(
        report=report, audience=Message.Audience.REPORTER, from_reporter=True, author=author, body=body
    )
    if report.status == Status.AWAITING_INFO:
        _move(report=report, action="reporter_replied", to_status=Status.UNDER_REVIEW, actor=None, note="")
    summary = f"Reporter wrote on {report.reference}"
    if author is None:
        audit_anonymous(
            action="incident.reporter_message", actor_label="anonymous reporter", obj=report, summary=summary
        )
    else:
        audit(action="incident.reporter_message", actor=author, obj=report, summary=summary)
    return message


@transaction.atomic
def message_post_by_handler(
    *, report: IncidentReport, author, audience: str, body: str, request=None
) -> Message:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Enter your message"})
    if audience not in Message.Audience.values:
        raise ValidationError({"audience": "Choose who can read the message"})
    message = Message.objects.create(report=report, audience=audience, author=author, body=body)
    audit(
        action="incident.message",
        request=request,
        actor=author,
        obj=report,
        summary=f"Message ({audience}) on {report.reference}",
        detail={"audience": audience, "message": message.pk},
    )
    return message


# --- workflow --------------------------------------------------------------------------------------------------
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
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
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
TRANSITIONS = {
    t.action: t
    for t in (
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
    )
}


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
            getattr(user, "is_authenticated", False)
            and user.has_perm("incidents.view_cases")
            and selectors.handlers_for_case(report=self.report).filter(pk=user.pk).exists()
        )

    @cached_property
    def sign_off_requester_id(self) -> int | None:
        return selectors.sign_off_requester_id(report=self.report)

    @cached_property
    def ended_by_id(self) -> int | None:
        return selectors.moved_into_status_by_id(report=self.report)

    @cached_property
    def unanswered(self) -> list[selectors.ReporterRequest]:
        return [r for r in selectors.reporter_requests(report=self.report) if not r.answered]


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
        if not user.has_perm("incidents.sign_off_case"):
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
        missing = [r for r in facts.unanswered if r.decidable or transition.action != "request_sign_off"]
        if missing:
            requests = " and for ".join(r.label for r in missing)
            when = "sending the case for sign-off" if transition.action == "request_sign_off" else "closing"
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
        for t in TRANSITIONS.values()
        if report.status in t.sources
    ]


def transition_refusal(*, report: IncidentReport, action: str, user) -> Refusal | None:
    """Why `user` may not take `action` on the case now, or None. Unknown actions and wrong states are refused."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return Refusal("Unknown action", permission=False)
    if report.status not in transition.sources:
        return Refusal(
            f"A case that is {report.get_status_display().lower()} cannot {transition.phrase}",
            permission=False,
        )
    return _refusal(transition, _CaseFacts(report=report, user=user))


def _move(*, report: IncidentReport, action: str, to_status: str, actor, note: str) -> CaseTransition:
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
    from .tasks import notify_reporter_of_outcome

    report = IncidentReport.objects.select_for_update().get(pk=report.pk)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError("Unknown action")
    if not actor.has_perm("incidents.view_cases"):
        raise PermissionDenied
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
        elif not selectors.handlers_for_case(report=report).filter(pk=investigator.pk).exists():
            errors["investigator"] = "Choose a handler at this organisation who is not excluded from the case"
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
    _move(report=report, action=action, to_status=transition.target, actor=actor, note=note.strip())
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
        _on_commit(notify_reporter_of_outcome, report.pk)
    return report


# --- exclusions and identity -----------------------------------------------------------------------------------
@transaction.atomic
def exclusion_add(*, report: IncidentReport, actor, email: str, reason: str, request=None) -> Exclusions:
    """Exclude the person with this e-mail. Naming them as the source also excludes their line management
    from the workforce records, as at submission; that works even if the person named has no account."""
    if reason not in CaseExclusion.Reason.values:
        raise ValidationError({"reason": "Choose why the person is excluded"})
    email = (email or "").strip()
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None and user.pk == actor.pk:
        raise ValidationError(
            {"email": "To step back from a case yourself, ask another handler to exclude you"}
        )
    named = frozenset()
    if user is not None and not report.exclusions.filter(user=user).exists():
        CaseExclusion.objects.create(report=report, user=user, reason=reason)
        named = frozenset({user.pk})
    managers = frozenset()
    if reason == CaseExclusion.Reason.NAMED_SUBJECT:
        found = selectors.named_people_with_line_management(emails=[email])
        if actor.pk in found.line_management_user_ids:
            raise ValidationError(
                {
                    "email": "You are in this person's line management, so you should not handle this case: "
                    "ask another handler to add this exclusion"
                }
            )
        managers = _exclude_named_and_line_management(
            report=report, emails=[email], keep_user_ids={actor.pk}, named=False
        ).line_management
    elif user is None:
        raise ValidationError({"email": "No account has that e-mail address"})
    if user is None and not managers:
        raise ValidationError(
            {
                "email": "No account has that e-mail address, and the workforce records show no line "
                "manager with an account for it"
            }
        )
    excluded = Exclusions(named=named, line_management=managers)
    changed = []
    if report.investigator_id in excluded.user_ids:
        report.investigator = None
        changed.append("investigator")
    if report.lead_handler_id in excluded.user_ids:
        report.lead_handler = actor
        changed.append("lead_handler")
    if changed:
        report.save(update_fields=changed)
    audit(
        action="incident.exclusion_added",
        request=request,
        actor=actor,
        obj=report,
        summary=f"Access to {report.reference} excluded for a named person"
        + (f" and {len(managers)} in their line management" if managers else ""),
        detail={
            "excluded_user": user.pk if user is not None else None,
            "reason": reason,
            "line_management_users": sorted(managers),
        },
    )
    return excluded


@transaction.atomic
def disclosure_request_create(
    *, report: IncidentReport, actor, reason: str, request=None
) -> IdentityDisclosureRequest:
    if report.mode != ReportingMode.CONFIDENTIAL or report.reporter_id is None:
        raise ValidationError("Only a confidential report has an identity that can be revealed")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter the lawful reason you need to know who made the report"})
    if report.disclosure_requests.filter(
        requested_by=actor, state=IdentityDisclosureRequest.State.REQUESTED
    ).exists():
        raise ValidationError("You already have a request waiting for a decision")
    disclosure = IdentityDisclosureRequest.objects.create(
        report=report, requested_by=actor, reason=reason.strip()
    )
    audit(
        action="incident.identity_requested",
        request=request,
        actor=actor,
        obj=report,
        summary=f"Identity disclosure requested on {report.reference}",
        detail={"request": disclosure.pk},
    )
    return disclosure


@transaction.atomic
def disclosure_decide(
    *, disclosure: IdentityDisclosureRequest, actor, authorise: bool, note: str, request=None
) -> IdentityDisclosureRequest:
    if not actor.has_perm("incidents.decide_identity_disclosure"):
        raise PermissionDenied
    if disclosure.state != IdentityDisclosureRequest.State.REQUESTED:
        raise ValidationError("This request has already been decided")
    if actor.pk == disclosure.requested_by_id:
        raise PermissionDenied("You cannot decide your own request")
    if not (note or "").strip():
        raise ValidationError({"note": "Enter the reason for your decision"})
    disclosure.state = (
        IdentityDisclosureRequest.State.AUTHORISED if authorise else IdentityDisclosureRequest.State.DENIED
    )
    disclosure.decided_by = actor
    disclosure.decided_at = timezone.now()
    disclosure.decision_note = note.strip()
    disclosure.save()
    audit(
        action="incident.identity_authorised" if authorise else "incident.identity_denied",
        request=request,
        actor=actor,
        obj=disclosure.report,
        summary=f"Identity disclosure {disclosure.state} on {disclosure.report.reference}",
        detail={"request": disclosure.pk, "requested_by": disclosure.requested_by_id},
    )
    return disclosure


# --- child records ---------------------------------------------------------------------------------------------
def _child_audit(action: str, *, report, actor, request, summary: str, detail: dict | None = None) -> None:
    audit(action=action, request=request, actor=actor, obj=report, summary=summary, detail=detail or {})


@transaction.atomic
def support_offer_create(
    *, report: IncidentReport, actor, staff_member: str, route: str, notes: str = "", request=None
) -> SupportOffer:
    if not staff_member.strip():
        raise ValidationError({"staff_member": "Enter who is offered support"})
    offer = SupportOffer(
        report=report, staff_member=staff_member.strip(), route=route, notes=notes, offered_by=actor
    )
    offer.full_clean()
    offer.save()
    _child_audit(
        "incident.support_offered", report=report, actor=actor, request=request, summary=report.reference
    )
    return offer


SUPPORT_MOVES = {
    "accept": ((SupportOffer.State.OFFERED,), SupportOffer.State.ACCEPTED),
    "decline": ((SupportOffer.State.OFFERED,), SupportOffer.State.DECLINED),
    "complete": ((SupportOffer.State.ACCEPTED,), SupportOffer.State.COMPLETED),
    "escalate": ((SupportOffer.State.OFFERED, SupportOffer.State.ACCEPTED), SupportOffer.State.ESCALATED),
}


@transaction.atomic
def support_offer_update(
    *, offer: SupportOffer, actor, move: str, escalated_to: str = "", note: str = "", request=None
) -> SupportOffer:
    if move not in SUPPORT_MOVES:
        raise ValidationError("Unknown action")
    sources, target = SUPPORT_MOVES[move]
    if offer.state not in sources:
        raise ValidationError(
            f"Support that is {offer.get_state_display().lower()} cannot be changed that way"
        )
    if move == "escalate" and not escalated_to.strip():
        raise ValidationError({"escalated_to": "Enter who the support was escalated to"})
    offer.state = target
    offer.decided_at = offer.decided_at or timezone.now()
    offer.escalated_to = escalated_to.strip()
    if note.strip():
        offer.notes = (offer.notes + "\n" + note.strip()).strip()
    offer.save()
    if move == "accept":
        today = timezone.localdate()
        SupportCheckIn.objects.bulk_create(
            SupportCheckIn(offer=offer, due_on=today + datetime.timedelta(days=days))
            for days in SUPPORT_CHECK_IN_DAYS
        )
    _child_audit(
        f"incident.support_{move}",
        report=offer.report,
        actor=actor,
        request=request,
        summary=offer.report.reference,
    )
    return offer


@transaction.atomic
def support_check_in_complete(
    *, check_in: SupportCheckIn, actor, note: str = "", request=None
) -> SupportCheckIn:
    if check_in.done_at is not None:
        raise ValidationError("This check-in is already recorded")
    check_in.done_at = timezone.now()
    check_in.note = note.strip()
    check_in.save()
    report = check_in.offer.report
    _child_audit(
        "incident.support_check_in", report=report, actor=actor, request=request, summary=report.reference
    )
    return check_in


@transaction.atomic
def riddor_record(
    *,
    report: IncidentReport,
    actor,
    state: str,
    hse_reference: str = "",
    reported_on=None,
    reason: str = "",
    request=None,
) -> RiddorAssessment:
    errors = {}
    if state == RiddorAssessment.State.REPORTED:
        if not hse_reference.strip():
            errors["hse_reference"] = "Enter the HSE reference"
        if reported_on is None:
            errors["reported_on"] = "Enter the date it was reported to HSE"
        elif reported_on > timezone.localdate():
            errors["reported_on"] = "The date reported must be today or in the past"
    if state == RiddorAssessment.State.NOT_REPORTABLE and not reason.strip():
        errors["reason"] = "Enter why it is not reportable"
    if state not in RiddorAssessment.State.values:
        errors["state"] = "Choose a RIDDOR status"
    if errors:
        raise ValidationError(errors)
    assessment, _ = RiddorAssessment.objects.update_or_create(
        report=report,
        defaults={
            "state": state,
            "hse_reference": hse_reference.strip() if state == RiddorAssessment.State.REPORTED else "",
            "reported_on": reported_on if state == RiddorAssessment.State.REPORTED else None,
            "reason": reason.strip() if state == RiddorAssessment.State.NOT_REPORTABLE else "",
        },
    )
    _child_audit(
        "incident.riddor_recorded",
        report=report,
        actor=actor,
        request=request,
        summary=report.reference,
        detail={"state": state},
    )
    return assessment


@transaction.atomic
def police_outcome_record(
    *,
    report: IncidentReport,
    actor,
    state: str,
    crime_reference: str = "",
    aewa_eligible: bool = False,
    victim_impact_statement_offered: bool = False,
    request=None,
) -> PoliceOutcome:
    if state not in PoliceOutcome.State.values:
        raise ValidationError({"state": "Choose the police outcome"})
    if state not in (PoliceOutcome.State.NOT_REPORTED, PoliceOutcome.State.VICTIM_DECLINED) and not (
        crime_reference.strip() or report.crime_reference
    ):
        raise ValidationError({"crime_reference": "Enter the crime reference number"})
    outcome, _ = PoliceOutcome.objects.update_or_create(
        report=report,
        defaults={
            "state": state,
            "crime_reference": crime_reference.strip() or report.crime_reference,
            "aewa_eligible": aewa_eligible,
            "victim_impact_statement_offered": victim_impact_statement_offered,
        },
    )
    _child_audit(
        "incident.police_recorded",
        report=report,
        actor=actor,
        request=request,
        summary=report.reference,
        detail={"state": state},
    )
    return outcome


@transaction.atomic
def reporter_request_decide(
    *,
    report: IncidentReport,
    actor,
    topic: str,
    reason: str,
    answer_for_reporter: str = "",
    request=None,
) -> ReporterRequestDecision:
    """Record the decision on something the reporter asked for (contact about support, police action), with the
    internal reason and, when they asked for feedback, the answer they will read. Recording again replaces it."""
    asked = {
        ReporterRequestDecision.Topic.SUPPORT: report.wants_support,
        ReporterRequestDecision.Topic.POLICE: report.wants_police_action == PoliceWish.YES,
    }
    if topic not in asked:
        raise ValidationError("Unknown request")
    if not asked[topic]:
        raise ValidationError("The reporter did not ask for this")
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Enter the reason for the decision"
    if report.wants_feedback and not (answer_for_reporter or "").strip():
        errors["answer_for_reporter"] = "Enter what the reporter will be told: they asked for feedback"
    if errors:
        raise ValidationError(errors)
    decision, created = ReporterRequestDecision.objects.update_or_create(
        report=report,
        topic=topic,
        defaults={
            "reason": reason.strip(),
            "answer_for_reporter": (answer_for_reporter or "").strip(),
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    _child_audit(
        "incident.request_decided",
        report=report,
        actor=actor,
        request=request,
        summary=f"Decision on the reporter's request ({topic}) on {report.reference}",
        detail={"topic": topic, "replaced": not created},
    )
    return decision


@transaction.atomic
def sanction_propose(
    *, report: IncidentReport, actor, subject_description: str, kind: str, notes: str = "", request=None
) -> Sanction:
    if report.source in COLLEAGUE_SOURCES:
        raise ValidationError("Sanctions are for patients and visitors; colleague cases go to HR processes")
    sanction = Sanction(
        report=report,
        subject_description=subject_description.strip(),
        kind=kind,
        notes=notes,
        proposed_by=actor,
    )
    sanction.full_clean()
    sanction.save()
    _child_audit(
        "incident.sanction_proposed", report=report, actor=actor, request=request, summary=report.reference
    )
    return sanction


SANCTION_MOVES = {
    "clinical_review": ((Sanction.State.PROPOSED,), Sanction.State.CLINICAL_REVIEW),
    "approve": ((Sanction.State.CLINICAL_REVIEW,), Sanction.State.APPROVED),
    "issue": ((Sanction.State.APPROVED,), Sanction.State.ISSUED),
    "acknowledge": ((Sanction.State.ISSUED,), Sanction.State.ACKNOWLEDGED),
    "appeal": ((Sanction.State.ISSUED, Sanction.State.ACKNOWLEDGED), Sanction.State.APPEALED),
    "review_due": (
        (Sanction.State.ISSUED, Sanction.State.ACKNOWLEDGED, Sanction.State.APPEALED),
        Sanction.State.REVIEW_DUE,
    ),
    "expire": (
        (Sanction.State.REVIEW_DUE, Sanction.State.ACKNOWLEDGED, Sanction.State.ISSUED),
        Sanction.State.EXPIRED,
    ),
    "revoke": (
        (
            Sanction.State.PROPOSED,
            Sanction.State.CLINICAL_REVIEW,
            Sanction.State.APPROVED,
            Sanction.State.ISSUED,
            Sanction.State.ACKNOWLEDGED,
            Sanction.State.APPEALED,
            Sanction.State.REVIEW_DUE,
        ),
        Sanction.State.REVOKED,
    ),
}
SANCTION_MOVE_LABELS = {
    "clinical_review": "Record the clinical and capacity review",
    "approve": "Approve",
    "issue": "Record it as issued",
    "acknowledge": "Acknowledged by the person",
    "appeal": "Appealed by the person",
    "review_due": "Mark the review as due",
    "expire": "Expire",
    "revoke": "Revoke",
}


def sanction_moves_available(sanction: Sanction) -> list[tuple[str, str]]:
    return [
        (m, SANCTION_MOVE_LABELS[m])
        for m, (sources, _) in SANCTION_MOVES.items()
        if sanction.state in sources
    ]


@transaction.atomic
def sanction_advance(
    *,
    sanction: Sanction,
    actor,
    move: str,
    note: str = "",
    capacity_considered: bool = False,
    person_input_sought: bool = False,
    issued_on=None,
    review_on=None,
    request=None,
) -> Sanction:
    if move not in SANCTION_MOVES:
        raise ValidationError("Unknown action")
    sources, target = SANCTION_MOVES[move]
    if sanction.state not in sources:
        raise ValidationError(f"A sanction that is {sanction.get_state_display().lower()} cannot do that")
    errors = {}
    if move == "clinical_review":
        if not note.strip():
            errors["note"] = "Enter the clinician's view, including any medical factors"
        if not capacity_considered:
            errors["capacity_considered"] = "Confirm that the person's capacity was considered"
    if move == "approve" and actor.pk == sanction.proposed_by_id:
        raise PermissionDenied("Someone other than the person who proposed the sanction must approve it")
    if move == "issue":
        today = timezone.localdate()
        if issued_on is None:
            errors["issued_on"] = "Enter the date it was issued"
        elif issued_on > today:
            errors["issued_on"] = "The date issued must be today or in the past"
        if review_on is None:
            errors["review_on"] = "Enter the review date"
        elif issued_on is not None and review_on <= issued_on:
            errors["review_on"] = "The review date must be after the date issued"
    if move in ("appeal", "revoke") and not note.strip():
        errors["note"] = "Enter the reason"
    if errors:
        raise ValidationError(errors)
    sanction.state = target
    if move == "clinical_review":
        sanction.clinical_review_note = note.strip()
        sanction.capacity_considered = True
        sanction.person_input_sought = person_input_sought
    elif move == "approve":
        sanction.approved_by = actor
    elif move == "issue":
        sanction.issued_on, sanction.review_on = issued_on, review_on
    if note.strip() and move != "clinical_review":
        sanction.notes = (sanction.notes + "\n" + note.strip()).strip()
    sanction.save()
    _child_audit(
        f"incident.sanction_{move}",
        report=sanction.report,
        actor=actor,
        request=request,
        summary=sanction.report.reference,
        detail={"sanction": sanction.pk},
    )
    return sanction


@transaction.atomic
def action_create(
    *, report: IncidentReport, actor, description: str, owner, due_on, request=None
) -> CaseAction:
    errors = {}
    if not (description or "").strip():
        errors["description"] = "Enter the action"
    if owner is None:
        errors["owner"] = "Choose who owns the action"
    elif not selectors.handlers_for_case(report=report).filter(pk=owner.pk).exists():
        errors["owner"] = "Choose a handler at this organisation who is not excluded from the case"
    if due_on is None:
        errors["due_on"] = "Enter the due date"
    if errors:
        raise ValidationError(errors)
    action = CaseAction.objects.create(
        report=report, description=description.strip(), owner=owner, due_on=due_on
    )
    _child_audit(
        "incident.action_added", report=report, actor=actor, request=request, summary=report.reference
    )
    return action


@transaction.atomic
def action_complete(*, action: CaseAction, actor, request=None) -> CaseAction:
    if action.completed_at is not None:
        raise ValidationError("This action is already done")
    action.completed_at = timezone.now()
    action.save(update_fields=["completed_at"])
    _child_audit(
        "incident.action_completed",
        report=action.report,
        actor=actor,
        request=request,
        summary=action.report.reference,
    )
    return action


# --- retention -------------------------------------------------------------------------------------------------
@transaction.atomic
def case_legal_hold_set(
    *, report: IncidentReport, actor, on: bool, reason: str, request=None
) -> IncidentReport:
    """A legal hold stops a case being destroyed at the end of its retention period, whatever its state."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter the reason"})
    report.legal_hold = on
    report.save(update_fields=["legal_hold"])
    audit(
        action="incident.legal_hold_set" if on else "incident.legal_hold_lifted",
        request=request,
        actor=actor,
        obj=report,
        summary=f"Legal hold {'placed on' if on else 'lifted from'} {report.reference}",
        detail={"reason": reason.strip()},
    )
    return report


def incidents_purge_expired(*, today: datetime.date | None = None) -> int:
    """Destroy archived cases whose retention period has ended, unless under legal hold. One audit entry each.

    Each case is destroyed in its own transaction, so one failure does not keep the others."""
    from django.db.models import ProtectedError

    today = today or timezone.localdate()
    destroyed = 0
    candidates = IncidentReport.objects.filter(status=Status.ARCHIVED, legal_hold=False).only(
        "pk", "closed_at", "reported_at", "organisation_id", "status"
    )
    for report in candidates.iterator(chunk_size=500):
        if report.destroy_after > today:
            continue
        pk, reference, retention_class = report.pk, report.reference, report.retention_class
        try:
            with transaction.atomic():
                report.delete()
                audit(
                    action="incident.destroyed",
                    actor_label="system: retention schedule",
                    object_type="incidents.incidentreport",
                    object_id=pk,
                    summary=f"{reference} destroyed at the end of its retention period",
                    detail={"retention_class": retention_class, "organisation": report.organisation_id},
                )
        except ProtectedError:
            continue  # another case was merged into this one; it goes when that one does
        destroyed += 1
    return destroyed


@transaction.atomic
def survey_prevalence_record(
    *,
    organisation,
    actor,
    survey_year: int,
    headcount: int,
    physical_violence_percent,
    harassment_percent,
    request=None,
):
    from .models import SurveyPrevalence

    if not selectors.handler_organisations(user=actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    record, _ = SurveyPrevalence.objects.update_or_create(
        organisation=organisation,
        survey_year=survey_year,
        defaults={
            "headcount": headcount,
            "physical_violence_percent": physical_violence_percent,
            "harassment_percent": harassment_percent,
            "entered_by": actor,
            "entered_at": timezone.now(),
        },
    )
    record.full_clean()
    audit(
        action="incident.survey_prevalence_recorded",
        request=request,
        actor=actor,
        obj=record,
        summary=f"Staff Survey {survey_year} figures for {organisation.name}",
    )
    return record
