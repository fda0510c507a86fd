"""Synthetic incident reports for the demo: every workflow state, with support, sanctions, RIDDOR, police outcomes,
decisions on the reporters' requests, actions and messages. Riverside Hospitals gets about half of them; its
handlers are handler@ (the lead on every case), security.lead@ and safety.manager@riverside-hospitals.example, and
nurse@riverside-hospitals.example has made some. Every person and event here is invented.

Every seeded history is one the workflow allows (services.TRANSITIONS): the lead triages and assigns, only the
investigator investigates and sends for sign-off, someone else signs off, nobody excluded from a case acts on it,
and every case sent for sign-off has an answer to each request its reporter made.

Idempotent: if the demo reports exist, nothing changes. Seeded reports are written directly (not through the
services) so that their dates can lie in the past; the seeding itself is one audit entry.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cms.accounts.models import User
from cms.audit import audit
from covenant.incidents import selectors
from covenant.incidents.models import (
    ACKNOWLEDGE_WITHIN,
    COLLEAGUE_SOURCES,
    SUPPORT_CHECK_IN_DAYS,
    CaseAction,
    CaseExclusion,
    CaseTransition,
    Category,
    IncidentReport,
    Injury,
    MedicalFactor,
    Message,
    PoliceContact,
    PoliceOutcome,
    PoliceWish,
    ProtectedCharacteristic,
    ReporterRelationship,
    ReporterRequestDecision,
    ReportingMode,
    RiddorAssessment,
    Sanction,
    Setting,
    Source,
    StaffGroup,
    Status,
    SupportCheckIn,
    SupportOffer,
    Treatment,
    YesNoUnknown,
)
from demo.factories.cms import UserFactory
from workforce.services import membership_grant

DEMO_MARK = "(Synthetic demo report) "
HOME_ORGANISATION = "Riverside Hospitals"
DEMO_HANDLER = "handler@riverside-hospitals.example"
DEMO_SECOND_HANDLER = "security.lead@riverside-hospitals.example"
DEMO_THIRD_HANDLER = "safety.manager@riverside-hospitals.example"
DEMO_NURSE = "nurse@riverside-hospitals.example"
# A fixed, synthetic follow-up code for the anonymous demo report, so the follow-up page can be shown.
DEMO_FOLLOW_UP_CODE = "4026113958207714"

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
STATE_WEIGHTS = {
    Status.SUBMITTED: 6,
    Status.TRIAGE: 6,
    Status.NOT_AN_INCIDENT: 3,
    Status.REDIRECTED: 3,
    Status.MERGED: 2,
    Status.ASSIGNED: 6,
    Status.UNDER_REVIEW: 10,
    Status.AWAITING_INFO: 5,
    Status.ACTION_PENDING: 8,
    Status.AWAITING_SIGN_OFF: 5,
    Status.CLOSED: 30,
    Status.REOPENED: 2,
    Status.ARCHIVED: 8,
}
NARRATIVES = {
    Category.PHYSICAL_ASSAULT: "While I was taking observations the patient lashed out and struck my arm.",
    Category.VERBAL_ABUSE: "A relative shouted and swore at me at the desk about waiting times and threatened me.",
    Category.SEXUAL: "A patient made repeated sexual comments to me while I was giving care.",
    Category.DISCRIMINATORY: "A visitor made racist remarks to me and refused to let me care for their relative.",
    Category.HARASSMENT: "The same person has waited for me by the staff entrance after three shifts this month.",
    Category.SPITTING: "The patient spat at me; it landed on my face and uniform.",
    Category.ONLINE_ABUSE: "A member of the public posted my photo and abusive comments about me online.",
    Category.BULLYING: "A colleague repeatedly belittled me in front of the team and excluded me from handovers.",
}
SUB_TYPES = {
    Category.PHYSICAL_ASSAULT: ["punch_kick", "push_grab"],
    Category.VERBAL_ABUSE: ["shouting_swearing", "threat_to_kill"],
    Category.SEXUAL: ["sexual_comment"],
    Category.DISCRIMINATORY: ["discriminatory_remark"],
    Category.HARASSMENT: ["following"],
    Category.SPITTING: [],
    Category.ONLINE_ABUSE: [],
    Category.BULLYING: ["intimidation"],
}
CATEGORY_WEIGHTS = {
    Category.VERBAL_ABUSE: 35,
    Category.PHYSICAL_ASSAULT: 25,
    Category.DISCRIMINATORY: 10,
    Category.SEXUAL: 7,
    Category.HARASSMENT: 6,
    Category.SPITTING: 7,
    Category.ONLINE_ABUSE: 3,
    Category.BULLYING: 7,
}
SETTINGS_BY_TYPE = {
    "nhs_foundation_trust": [
        Setting.WARD,
        Setting.EMERGENCY_DEPARTMENT,
        Setting.OUTPATIENTS,
        Setting.RECEPTION,
        Setting.CAR_PARK,
    ],
    "nhs_trust": [Setting.WARD, Setting.COMMUNITY, Setting.PHONE],
    "ambulance_trust": [Setting.AMBULANCE, Setting.COMMUNITY, Setting.PHONE],
    "gp_practice": [Setting.GP_PRACTICE, Setting.RECEPTION, Setting.PHONE],
    "care_provider": [Setting.CARE_HOME, Setting.COMMUNITY],
    "local_authority": [Setting.COMMUNITY, Setting.RECEPTION, Setting.PHONE],
}


def _handlers_for(organisation, cache: dict):
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


def _team(handlers, rng, *, colleague_source: bool) -> Team:
    lead, *others = handlers
    # On a colleague case the lead signs off, so the third handler is free to be the one excluded.
    investigator = rng.choice(others) if colleague_source else rng.choice(handlers)
    signer = lead if investigator != lead else rng.choice(others)
    excluded = None
    if colleague_source:
        excluded = next(h for h in handlers if h not in (lead, investigator, signer))
    return Team(lead=lead, investigator=investigator, signer=signer, excluded=excluded)


@transaction.atomic
def seed(*, world, sizes: dict, stdout=None) -> None:
    # Narratives are encrypted, so the story report's code index marks a seeded database.
    if IncidentReport.objects.filter(receipt_index=selectors.receipt_index(DEMO_FOLLOW_UP_CODE)).exists():
        if stdout:
            stdout.write("Incidents: demo reports already present.")
        return
    rng = random.Random(sizes.get("seed", 2026))  # nosec B311  # demo data, not security
    total = max(int(sizes.get("incidents", 120)), len(PATHS) + 4)
    organisations = [o for name, o in world.organisations.items() if name != "R&W ICB"]
    home = world.organisations[HOME_ORGANISATION]
    handler = world.users[DEMO_HANDLER]
    second = world.users[DEMO_SECOND_HANDLER]
    third = world.users[DEMO_THIRD_HANDLER]
    nurse = world.users[DEMO_NURSE]
    handlers = {home.pk: (handler, second, third)}
    now = timezone.now()
    unusable = make_password(None)  # anonymous demo reports whose codes nobody knows

    states = list(PATHS)  # every state at least once at Riverside, then weighted at random
    states += rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()), k=total - len(states))
    created = []
    for index, state in enumerate(states):
        organisation = home if index < len(PATHS) or rng.random() < 0.45 else rng.choice(organisations)
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        source = (
            Source.COLLEAGUE
            if category == Category.BULLYING
            else rng.choice(
                [
                    Source.PATIENT,
                    Source.PATIENT,
                    Source.PATIENT,
                    Source.RELATIVE,
                    Source.PUBLIC,
                    Source.UNKNOWN,
                    Source.MANAGER,
                    Source.CONTRACTOR,
                ]
            )
        )
        mode = rng.choices(list(ReportingMode), weights=[55, 25, 20])[0]
        reporter = None
        if mode != ReportingMode.ANONYMOUS:
            reporter = (
                nurse
                if organisation == home and rng.random() < 0.3
                else _reporter_for(organisation, rng, world)
            )
        reported_at = now - datetime.timedelta(
            days=rng.randint(0 if state == Status.SUBMITTED else 2, 360), minutes=rng.randint(0, 1440)
        )
        physical = category in (Category.PHYSICAL_ASSAULT, Category.SPITTING)
        injury = rng.choice([Injury.MINOR, Injury.MODERATE, Injury.NONE]) if physical else Injury.NONE
        days_off = rng.choice([0, 0, 1, 2, 4, 9]) if injury != Injury.NONE else 0
        police = rng.choice(
            [PoliceContact.NO, PoliceContact.NO, PoliceContact.NON_EMERGENCY, PoliceContact.EMERGENCY]
        )
        report = IncidentReport(
            mode=mode,
            relationship=rng.choice(list(ReporterRelationship))
            if rng.random() < 0.3
            else ReporterRelationship.TARGETED,
            reporter=reporter,
            receipt_hash=unusable if mode == ReportingMode.ANONYMOUS else "",
            occurred_at=reported_at - datetime.timedelta(hours=rng.randint(1, 30)),
            occurred_approximate=rng.random() < 0.2,
            organisation=organisation,
            site=rng.choice(["Ward 12", "Emergency department", "Main reception", "Ward 3", ""]),
            setting=rng.choice(SETTINGS_BY_TYPE.get(organisation.organisation_type, [Setting.OTHER])),
            staff_group=StaffGroup.SOCIAL_CARE
            if organisation.sector == "social_care"
            else rng.choice(
                [
                    StaffGroup.NURSING,
                    StaffGroup.NURSING,
                    StaffGroup.HEALTHCARE_ASSISTANT,
                    StaffGroup.MEDICAL,
                    StaffGroup.ADMIN,
                    StaffGroup.ALLIED_HEALTH,
                ]
            ),
            category=category,
            sub_types=SUB_TYPES[category],
            protected_characteristic=ProtectedCharacteristic.RACE
            if category == Category.DISCRIMINATORY
            else "",
            source=source,
            medical_factors=rng.choice(list(MedicalFactor))
            if source == Source.PATIENT
            else MedicalFactor.NONE,
            narrative=DEMO_MARK + NARRATIVES[category],
            injury=injury,
            treatment=Treatment.FIRST_AID
            if injury == Injury.MINOR
            else (Treatment.EMERGENCY_DEPARTMENT if injury == Injury.MODERATE else Treatment.NONE),
            days_off=days_off,
            police_contacted=police,
            crime_reference=f"CR/{rng.randint(10000, 99999)}/{reported_at:%y}"
            if police != PoliceContact.NO
            else "",
            cctv_available=rng.choice(list(YesNoUnknown)),
            wants_police_action=rng.choice(list(PoliceWish)),
            wants_support=rng.random() < 0.6,
            wants_feedback=mode != ReportingMode.ANONYMOUS and rng.random() < 0.8,
            may_tell_line_manager=mode == ReportingMode.NAMED and source not in COLLEAGUE_SOURCES,
            status=state,
            reported_at=reported_at,
            acknowledge_by=reported_at + ACKNOWLEDGE_WITHIN,
        )
        report.save()
        created.append(report)
        team = _team(_handlers_for(organisation, handlers), rng, colleague_source=source in COLLEAGUE_SOURCES)
        merge_target = next(
            (
                r
                for r in created
                if r.organisation_id == organisation.pk and r.pk != report.pk and r.status != state
            ),
            None,
        )
        times = _walk(report, PATHS[state], team=team, rng=rng, merge_target=merge_target)
        _children(report, team=team, rng=rng, now=now, times=times)

    _story_case(home=home, handler=handler, second=second, now=now)
    audit(
        action="incident.demo_seeded",
        actor_label="system",
        summary=f"{len(created) + 1} demo incident reports",
    )
    if stdout:
        stdout.write(
            f"Incidents: {len(created) + 1} demo reports. Anonymous demo follow-up code: "
            f"{' '.join(DEMO_FOLLOW_UP_CODE[i : i + 4] for i in range(0, 16, 4))}"
        )


def _reporter_for(organisation, rng, world):
    members = [
        user
        for user in world.users.values()
        if user.memberships.filter(organisation=organisation, role="incident_reporter").exists()
    ]
    if members:
        return rng.choice(members)
    slug = "".join(ch for ch in (organisation.short_name or organisation.name).lower() if ch.isalnum())
    email = f"staff.reporter@{slug}.example"
    user = User.objects.filter(email=email).first() or UserFactory(
        email=email,
        first_name="Demo",
        last_name=f"Staff {organisation.display_name}",
        job_title="Support worker",
    )
    membership_grant(user=user, organisation=organisation, role="incident_reporter")
    return user


def _walk(report: IncidentReport, actions: list[str], *, team: Team, rng, merge_target) -> dict:
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


def _children(report: IncidentReport, *, team: Team, rng, now, times: dict) -> None:
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


def _story_case(*, home, handler, second, now) -> None:
    """The anonymous verbal racial abuse report of the demo story, waiting on the reporter's answer."""
    reported_at = now - datetime.timedelta(days=2)
    report = IncidentReport.objects.create(
        mode=ReportingMode.ANONYMOUS,
        relationship=ReporterRelationship.TARGETED,
        receipt_hash=selectors.receipt_hash(DEMO_FOLLOW_UP_CODE),
        receipt_index=selectors.receipt_index(DEMO_FOLLOW_UP_CODE),
        occurred_at=reported_at - datetime.timedelta(hours=3),
        organisation=home,
        site="Emergency department",
        setting=Setting.EMERGENCY_DEPARTMENT,
        staff_group=StaffGroup.NURSING,
        category=Category.DISCRIMINATORY,
        sub_types=["discriminatory_remark", "shouting_swearing"],
        protected_characteristic=ProtectedCharacteristic.RACE,
        source=Source.RELATIVE,
        medical_factors=MedicalFactor.NONE,
        narrative=DEMO_MARK
        + "A patient's relative made racist remarks to me at the triage desk and would not stop.",
        injury=Injury.NONE,
        wants_support=True,
        wants_feedback=True,
        status=Status.SUBMITTED,
        reported_at=reported_at,
        acknowledge_by=reported_at + ACKNOWLEDGE_WITHIN,
    )
    _walk(
        report,
        PATHS[Status.AWAITING_INFO],
        team=Team(lead=handler, investigator=handler, signer=second),
        rng=random.Random(1),  # nosec B311  # demo data, not security
        merge_target=None,
    )
    report.messages.filter(audience=Message.Audience.REPORTER).update(
        body="Thank you for reporting this. Do you know roughly what time it was, so we can check the CCTV?"
    )
