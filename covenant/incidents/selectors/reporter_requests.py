"""What the reporter asked for (support, police action, feedback) and whether the case has answered it."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import IncidentReport, PoliceOutcome, PoliceWish, ReporterRequestDecision, SupportOffer


@dataclass(frozen=True)
class ReporterRequest:
    """One thing the reporter asked for, and whether the case has answered it. For handlers: `how` may name
    internal records."""

    topic: str  # "support", "police" or "feedback"
    label: str  # completes "the reporter's request for ..."
    answered: bool
    how: str
    decision: ReporterRequestDecision | None = None

    @property
    def decidable(self) -> bool:
        """A handler can record a decision on it (feedback is answered by the outcome, not by a decision)."""
        return self.topic in ReporterRequestDecision.Topic.values


def reporter_requests(*, report: IncidentReport) -> list[ReporterRequest]:
    """What the reporter asked for on the report, each answered or not:

    - contact about support (`wants_support`): a `SupportOffer`, or a decision with a reason;
    - police action (`wants_police_action` is yes; "not sure yet" is not a request): a `PoliceOutcome` other than
      "not reported to the police", or a decision with a reason;
    - feedback (`wants_feedback`): the reporter-visible outcome (written when the case is sent for sign-off).
    """
    wants_police = report.wants_police_action == PoliceWish.YES
    if not (report.wants_support or wants_police or report.wants_feedback):
        return []
    decisions = {d.topic: d for d in report.request_decisions.select_related("decided_by")}
    requests = []
    if report.wants_support:
        decision = decisions.get(ReporterRequestDecision.Topic.SUPPORT)
        offers = report.support_offers.count()
        if decision is not None:
            how = "Decision recorded"
        elif offers:
            how = f"Support offered ({offers} offer{'s' if offers > 1 else ''})"
        else:
            how = "Not answered yet: offer support or record a decision"
        requests.append(
            ReporterRequest(
                topic=ReporterRequestDecision.Topic.SUPPORT,
                label="contact about support",
                answered=decision is not None or offers > 0,
                how=how,
                decision=decision,
            )
        )
    if wants_police:
        decision = decisions.get(ReporterRequestDecision.Topic.POLICE)
        outcome = PoliceOutcome.objects.filter(report=report).first()
        acted = outcome is not None and outcome.state != PoliceOutcome.State.NOT_REPORTED
        if decision is not None:
            how = "Decision recorded"
        elif acted:
            how = f"Police outcome: {outcome.get_state_display()}"
        else:
            how = "Not answered yet: record the police outcome or a decision"
        requests.append(
            ReporterRequest(
                topic=ReporterRequestDecision.Topic.POLICE,
                label="police action",
                answered=decision is not None or acted,
                how=how,
                decision=decision,
            )
        )
    if report.wants_feedback:
        written = bool((report.outcome_for_reporter or "").strip())
        requests.append(
            ReporterRequest(
                topic="feedback",
                label="feedback",
                answered=written,
                how="Outcome written for the reporter"
                if written
                else "Not answered yet: the outcome is written when the case is sent for sign-off",
            )
        )
    return requests


@dataclass(frozen=True)
class ReporterAnswer:
    """What a reporter reads about one of their requests. Built only from reporter-visible values."""

    question: str
    answer: str


def reporter_request_answers(*, report: IncidentReport) -> list[ReporterAnswer]:
    """The answers to a reporter's requests for support and police action, for the reporter's own pages.

    Only when they asked for feedback, and only from `REPORTER_VISIBLE_DECISION_FIELDS` and labels of choices
    (support routes, the police outcome's state): never a reason, a note or who decided.
    """
    if not report.wants_feedback:
        return []
    answers = []
    for item in reporter_requests(report=report):
        if not item.decidable:
            continue
        question = (
            "You asked us to contact you about support"
            if item.topic == ReporterRequestDecision.Topic.SUPPORT
            else "You asked for police action"
        )
        if item.decision is not None:
            answer = (
                item.decision.answer_for_reporter
                or "We have made a decision; ask us if you want to know more."
            )
        elif not item.answered:
            answer = "We have not answered this yet."
        elif item.topic == ReporterRequestDecision.Topic.SUPPORT:
            routes = dict(SupportOffer.Route.choices)
            offered = sorted(
                {routes.get(r, r) for r in report.support_offers.values_list("route", flat=True)}
            )
            answer = f"Support was offered: {', '.join(offered)}."
        else:
            answer = f"Police: {report.police_outcome.get_state_display()}."
        answers.append(ReporterAnswer(question=question, answer=answer))
    return answers
