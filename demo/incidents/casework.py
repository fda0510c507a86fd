"""The casework on a demo case once it is assigned: notes, support offers and check-ins, RIDDOR assessments,
police outcomes, decisions on the reporter's requests, sanctions and actions.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from covenant.incidents.models import (
    SUPPORT_CHECK_IN_DAYS,
    CaseAction,
    IncidentReport,
    Message,
    PoliceContact,
    PoliceOutcome,
    PoliceWish,
    ReporterRequestDecision,
    RiddorAssessment,
    Sanction,
    Source,
    Status,
    SupportCheckIn,
    SupportOffer,
)
from demo.incidents.workflow import Team


def add_casework(report: IncidentReport, *, team: Team, rng, now, times: dict) -> None:
    lead = team.lead
    # Decisions on the reporter's requests come before the case is sent for sign-off.
    decided_at = times.get("request_sign_off", now) - datetime.timedelta(hours=2)
    if report.status in (
        Status.SUBMITTED,
        Status.TRIAGE,
        Status.NOT_AN_INCIDENT,
        Status.REDIRECTED,
        Status.MERGED,
    ):
        return
    Message.objects.create(
        report=report,
        audience=Message.Audience.INTERNAL,
        author=lead,
        body="Spoke to the ward manager; staffing was short that evening.",
    )
    if report.wants_support and rng.random() < 0.15:
        ReporterRequestDecision.objects.create(
            report=report,
            topic=ReporterRequestDecision.Topic.SUPPORT,
            reason="Already supported by occupational health after an earlier incident; confirmed with them.",
            answer_for_reporter="You told us occupational health are already supporting you, so we have not "
            "arranged more. Tell us at any time if you would like more support.",
            decided_by=team.investigator,
            decided_at=decided_at,
        )
    elif report.wants_support or rng.random() < 0.4:
        state = rng.choice(list(SupportOffer.State))
        offer = SupportOffer.objects.create(
            report=report,
            staff_member="Reporter",
            route=rng.choice(list(SupportOffer.Route)),
            state=state,
            offered_by=lead,
            offered_at=report.reported_at + datetime.timedelta(days=1),
            escalated_to="Staff psychology service" if state == SupportOffer.State.ESCALATED else "",
        )
        if state in (SupportOffer.State.ACCEPTED, SupportOffer.State.COMPLETED, SupportOffer.State.ESCALATED):
            start = timezone.localdate(offer.offered_at)
            SupportCheckIn.objects.bulk_create(
                SupportCheckIn(
                    offer=offer,
                    due_on=start + datetime.timedelta(days=d),
                    done_at=offer.offered_at + datetime.timedelta(days=d)
                    if state == SupportOffer.State.COMPLETED
                    or start + datetime.timedelta(days=d)
                    < timezone.localdate(now) - datetime.timedelta(days=2)
                    else None,
                )
                for d in SUPPORT_CHECK_IN_DAYS
            )
    if (report.days_off or 0) > 3:
        riddor_state = (
            rng.choice(list(RiddorAssessment.State))
            if report.days_off > 7
            else RiddorAssessment.State.NOT_APPLICABLE
        )
        RiddorAssessment.objects.create(
            report=report,
            state=riddor_state,
            hse_reference=f"HSE-{rng.randint(100000, 999999)}"
            if riddor_state == RiddorAssessment.State.REPORTED
            else "",
            reported_on=timezone.localdate(report.reported_at) + datetime.timedelta(days=10)
            if riddor_state == RiddorAssessment.State.REPORTED
            else None,
            reason="Absence was not caused by the injury"
            if riddor_state == RiddorAssessment.State.NOT_REPORTABLE
            else "",
        )
    if report.police_contacted != PoliceContact.NO:
        state = rng.choice(list(PoliceOutcome.State)[1:])
        PoliceOutcome.objects.create(
            report=report,
            state=state,
            crime_reference=report.crime_reference,
            aewa_eligible=report.organisation.sector == "health",
        )
    elif report.wants_police_action == PoliceWish.YES and ("request_sign_off" in times or rng.random() < 0.5):
        # Cases still under investigation sometimes have the request open, to show what blocks sign-off.
        ReporterRequestDecision.objects.create(
            report=report,
            topic=ReporterRequestDecision.Topic.POLICE,
            reason="Discussed with the reporter and the ward manager: the patient lacked capacity at the time "
            "(delirium), so a police report would not be pursued. Alert placed on the record.",
            answer_for_reporter="We talked with you about reporting this to the police. Because the patient "
            "was very unwell and confused at the time, we agreed not to report it. You can still report it "
            "yourself on 101, and we will support you if you do.",
            decided_by=team.investigator,
            decided_at=decided_at,
        )
    if report.source in (Source.PATIENT, Source.RELATIVE, Source.PUBLIC) and rng.random() < 0.35:
        state = rng.choice(list(Sanction.State))
        issued = state not in (
            Sanction.State.PROPOSED,
            Sanction.State.CLINICAL_REVIEW,
            Sanction.State.APPROVED,
            Sanction.State.REVOKED,
        )
        issued_on = timezone.localdate(report.reported_at) + datetime.timedelta(days=7)
        Sanction.objects.create(
            report=report,
            subject_description=f"Patient ref DEMO-{rng.randint(1000, 9999)}",
            kind=rng.choice(list(Sanction.Kind)),
            state=state,
            proposed_by=lead,
            # Approved by someone other than its proposer.
            approved_by=next(h for h in (team.investigator, team.signer) if h != lead)
            if issued or state == Sanction.State.APPROVED
            else None,
            clinical_review_note="No medical factors affecting capacity."
            if state != Sanction.State.PROPOSED
            else "",
            capacity_considered=state != Sanction.State.PROPOSED,
            issued_on=issued_on if issued else None,
            review_on=issued_on + datetime.timedelta(days=rng.choice([90, 180, 365])) if issued else None,
            # A year after issue; the scheduler expires those whose year is up (docs/incidents.md, "Clocks").
            expires_on=issued_on + datetime.timedelta(days=365) if issued else None,
        )
    if rng.random() < 0.5:
        due = timezone.localdate(report.reported_at) + datetime.timedelta(days=rng.randint(7, 60))
        CaseAction.objects.create(
            report=report,
            description=rng.choice(
                [
                    "Review the ward's risk assessment",
                    "Check the panic alarms work",
                    "Offer de-escalation training to the team",
                ]
            ),
            owner=lead,
            due_on=due,
            completed_at=now if report.status in (Status.CLOSED, Status.ARCHIVED) else None,
        )
