"""Synthetic incident reports for the demo: every workflow state, with support, sanctions, RIDDOR, police outcomes,
decisions on the reporters' requests, actions and messages. Riverside Hospitals gets about half of them; its
handlers are handler@ (the lead on every case), security.lead@ and safety.manager@riverside-hospitals.example, and
nurse@riverside-hospitals.example has made some. Every person and event here is invented.

Every seeded history is one the workflow allows (services.TRANSITIONS): the lead triages and assigns, only the
investigator investigates and sends for sign-off, someone else signs off, nobody excluded from a case acts on it,
and every case sent for sign-off has an answer to each request its reporter made. Who does what and the
history are in workflow.py; the casework on an assigned case (support, RIDDOR, police, sanctions, actions) in
casework.py.

Idempotent: if the demo reports exist, nothing changes. Seeded reports are written directly (not through the
services) so that their dates can lie in the past; the seeding itself is one audit entry.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cms.accounts.models import User
from cms.audit import audit
from covenant.incidents import selectors
from covenant.incidents.models import (
    COLLEAGUE_SOURCES,
    Category,
    IncidentReport,
    Injury,
    MedicalFactor,
    Message,
    PoliceContact,
    PoliceWish,
    ProtectedCharacteristic,
    ReporterRelationship,
    ReportingMode,
    Setting,
    Source,
    StaffGroup,
    Status,
    Treatment,
    YesNoUnknown,
    acknowledge_deadline,
)
from covenant.incidents.nhs_number import nhs_number_index
from demo.factories.cms import UserFactory
from demo.incidents.casework import add_casework
from demo.incidents.workflow import PATHS, Team, handlers_for, team_for, walk
from workforce.services import membership_grant

DEMO_MARK = "(Synthetic demo report) "
HOME_ORGANISATION = "Riverside Hospitals"
DEMO_HANDLER = "handler@riverside-hospitals.example"
DEMO_SECOND_HANDLER = "security.lead@riverside-hospitals.example"
DEMO_THIRD_HANDLER = "safety.manager@riverside-hospitals.example"
DEMO_NURSE = "nurse@riverside-hospitals.example"
# A fixed, synthetic follow-up code for the anonymous demo report, so the follow-up page can be shown.
DEMO_FOLLOW_UP_CODE = "4026113958207714"

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
            acknowledge_by=acknowledge_deadline(reported_at),
        )
        report.save()
        created.append(report)
        team = team_for(
            handlers_for(organisation, handlers), rng, colleague_source=source in COLLEAGUE_SOURCES
        )
        merge_target = next(
            (
                r
                for r in created
                if r.organisation_id == organisation.pk and r.pk != report.pk and r.status != state
            ),
            None,
        )
        times = walk(report, PATHS[state], team=team, rng=rng, merge_target=merge_target)
        add_casework(report, team=team, rng=rng, now=now, times=times)

    _repeat_patients(created, home=home)
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


# Synthetic NHS numbers from the range NHS England keeps for testing (999 000 0000 to 999 999 9999).
DEMO_REPEAT_PATIENTS = (("9990000018", 3), ("9990000026", 2))


def _repeat_patients(created: list[IncidentReport], *, home) -> None:
    """Some of Riverside's reports by patients name the same patient twice or three times, for the leads'
    repeat-perpetrator list (docs/incidents.md, "Repeat perpetrators")."""
    by_patients = [
        report
        for report in created
        if report.organisation_id == home.pk
        and report.source == Source.PATIENT
        and report.status != Status.MERGED
    ]
    start = 0
    for number, count in DEMO_REPEAT_PATIENTS:
        for report in by_patients[start : start + count]:
            report.perpetrator_nhs_number = number
            report.perpetrator_nhs_number_index = nhs_number_index(number)
            report.save(update_fields=["perpetrator_nhs_number", "perpetrator_nhs_number_index"])
        start += count


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
        acknowledge_by=acknowledge_deadline(reported_at),
    )
    walk(
        report,
        PATHS[Status.AWAITING_INFO],
        team=Team(lead=handler, investigator=handler, signer=second),
        rng=random.Random(1),  # nosec B311  # demo data, not security
        merge_target=None,
    )
    report.messages.filter(audience=Message.Audience.REPORTER).update(
        body="Thank you for reporting this. Do you know roughly what time it was, so we can check the CCTV?"
    )
