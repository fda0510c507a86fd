"""Who does what on a demo case, and its history written along the workflow (covenant.incidents.services.
TRANSITIONS): the lead triages and assigns, only the investigator investigates and sends for sign-off, someone
else signs off, and nobody excluded from a case acts on it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from cms.accounts.models import User
from covenant.incidents.models import CaseExclusion, CaseTransition, IncidentReport, Message, Status
from demo.factories.cms import UserFactory
from workforce.services import membership_grant

# The actions that lead to each state, in order.
PATHS = {
    Status.SUBMITTED: [],
    Status.TRIAGE: ["acknowledge"],
    Status.NOT_AN_INCIDENT: ["acknowledge", "not_an_incident"],
    Status.REDIRECTED: ["acknowledge", "redirect"],
    Status.MERGED: ["acknowledge", "merge"],
    Status.ASSIGNED: ["acknowledge", "assign"],
    Status.UNDER_REVIEW: ["acknowledge", "assign", "start_review"],
    Status.AWAITING_INFO: ["acknowledge", "assign", "start_review", "request_info"],
    Status.ACTION_PENDING: ["acknowledge", "assign", "start_review", "actions_pending"],
    Status.AWAITING_SIGN_OFF: [
        "acknowledge",
        "assign",
        "start_review",
        "actions_pending",
        "request_sign_off",
    ],
    Status.CLOSED: ["acknowledge", "assign", "start_review", "actions_pending", "request_sign_off", "close"],
    Status.REOPENED: [
        "acknowledge",
        "assign",
        "start_review",
        "actions_pending",
        "request_sign_off",
        "close",
        "reopen",
    ],
    Status.ARCHIVED: [
        "acknowledge",
        "assign",
        "start_review",
        "actions_pending",
        "request_sign_off",
        "close",
        "archive",
    ],
}
TARGETS = {
    "acknowledge": Status.TRIAGE,
    "not_an_incident": Status.NOT_AN_INCIDENT,
    "redirect": Status.REDIRECTED,
    "merge": Status.MERGED,
    "assign": Status.ASSIGNED,
    "start_review": Status.UNDER_REVIEW,
    "request_info": Status.AWAITING_INFO,
    "actions_pending": Status.ACTION_PENDING,
    "request_sign_off": Status.AWAITING_SIGN_OFF,
    "close": Status.CLOSED,
    "reopen": Status.REOPENED,
    "archive": Status.ARCHIVED,
}
# Who takes each step (services.TRANSITIONS): the investigator investigates, the signer signs off, the lead the rest.
INVESTIGATOR_STEPS = ("start_review", "request_info", "actions_pending", "request_sign_off")
SIGN_OFF_STEPS = ("close", "reject_sign_off")


def handlers_for(organisation, cache: dict):
    """Three handlers per organisation, the first the lead (Riverside has the named demo handlers): a case
    needs an investigator and someone else to sign off, and a colleague case also shows an excluded handler."""
    if organisation.pk in cache:
        return cache[organisation.pk]
    slug = "".join(ch for ch in (organisation.short_name or organisation.name).lower() if ch.isalnum())
    trio = []
    for prefix, title in (
        ("violence.lead", "Violence prevention lead"),
        ("security.lead", "Security lead"),
        ("safety.manager", "Health and safety manager"),
    ):
        email = f"{prefix}@{slug}.example"
        user = User.objects.filter(email=email).first() or UserFactory(
            email=email,
            first_name="Demo",
            last_name=f"{title} ({organisation.display_name})",
            job_title=title,
        )
        membership_grant(user=user, organisation=organisation, role="incident_handler")
        trio.append(user)
    cache[organisation.pk] = tuple(trio)
    return cache[organisation.pk]


@dataclass(frozen=True)
class Team:
    """Who does what on one case. The signer is neither the investigator nor (so) the one who asked for
    sign-off; on a colleague case a fourth role, the excluded handler, takes no step."""

    lead: User
    investigator: User
    signer: User
    excluded: User | None = None


def team_for(handlers, rng, *, colleague_source: bool) -> Team:
    lead, *others = handlers
    # On a colleague case the lead signs off, so the third handler is free to be the one excluded.
    investigator = rng.choice(others) if colleague_source else rng.choice(handlers)
    signer = lead if investigator != lead else rng.choice(others)
    excluded = None
    if colleague_source:
        excluded = next(h for h in handlers if h not in (lead, investigator, signer))
    return Team(lead=lead, investigator=investigator, signer=signer, excluded=excluded)


def walk(report: IncidentReport, actions: list[str], *, team: Team, rng, merge_target) -> dict:
    """Write the case's history along `actions`, each step by the person the workflow allows. Returns when
    each step was taken."""
    lead = team.lead
    times = {}
    at = report.reported_at
    rows = [
        CaseTransition(
            report=report, action="submit", to_status=Status.SUBMITTED, actor_label="reporter", at=at
        )
    ]
    status = Status.SUBMITTED
    for action in actions:
        at += datetime.timedelta(
            hours=rng.randint(2, 20) if action == "acknowledge" else rng.randint(12, 240)
        )
        if action in INVESTIGATOR_STEPS:
            actor = team.investigator
        elif action in SIGN_OFF_STEPS:
            actor = team.signer
        else:
            actor = lead
        times[action] = min(at, timezone.now())
        rows.append(
            CaseTransition(
                report=report,
                action=action,
                from_status=status,
                to_status=TARGETS[action],
                actor=actor,
                actor_label=actor.email,
                at=min(at, timezone.now()),
                note="Appeal from the reporter" if action == "reopen" else "",
            )
        )
        status = TARGETS[action]
        if action == "acknowledge":
            report.acknowledged_at, report.lead_handler = min(at, timezone.now()), lead
        elif action == "assign":
            report.investigator = team.investigator
        elif action in ("not_an_incident", "redirect"):
            report.status_reason_for_reporter = "This is about a disagreement between colleagues; the HR team will contact you about the grievance route."
        elif action == "merge" and merge_target is not None and merge_target.pk != report.pk:
            report.merged_into = merge_target
        elif action == "request_info":
            Message.objects.create(
                report=report,
                audience=Message.Audience.REPORTER,
                author=team.investigator,
                created_at=at,
                body="Thank you for your report. Was anyone else with you at the time?",
            )
        elif action == "request_sign_off":
            report.outcome_for_reporter = (
                "We have reviewed what happened and taken action. Thank you for reporting it."
            )
            report.closure_rationale = "Review complete; local risk assessment updated."
        elif action == "close":
            report.closed_at, report.signed_off_by = min(at, timezone.now()), team.signer
        elif action == "reopen":
            report.closed_at, report.signed_off_by = None, None
    report.status = status
    if report.merged_into_id is None and report.status == Status.MERGED:
        report.status = Status.TRIAGE
        rows = rows[:2]
    CaseTransition.objects.bulk_create(rows)
    report.save()
    if team.excluded is not None:
        # A handler with a conflict of interest on a colleague case: it shows the mechanism on the case page.
        CaseExclusion.objects.get_or_create(
            report=report, user=team.excluded, defaults={"reason": CaseExclusion.Reason.CONFLICT}
        )
    return times
