"""The demo's employers as the workforce part names them, their HR administrators (the logins that record and
confirm moves), and how each employer pays and numbers its posts.
"""

from __future__ import annotations

from cms.accounts.models import User
from demo.factories.cms import UserFactory
from workforce import services
from workforce.models import Organisation, OrganisationType
from workforce.vocabulary import JobRole, PayFramework

TRUST, COUNCIL, CARE = "Riverside Hospitals", "Riverside Council", "Harbourside Care"
TRUST_HR = "hr.admin@riverside-hospitals.example"
COUNCIL_HR = "hr.admin@riverside-council.example"
CARE_HR = "hr.admin@harbourside-care.example"
# HR administrators for two more organisations, so the demo has moves beyond the three main ones.
EXTRA_HR = (
    ("hr.admin@wolds-community.example", "Wolds Community"),
    ("hr.admin@brightwater.example", "Brightwater Home Care"),
)

AFC_BAND = {
    JobRole.STAFF_NURSE: "5",
    JobRole.SISTER_CHARGE_NURSE: "6",
    JobRole.HEALTHCARE_ASSISTANT: "3",
    JobRole.NURSING_ASSOCIATE: "4",
    JobRole.PHYSIOTHERAPIST: "6",
    JobRole.OCCUPATIONAL_THERAPIST: "6",
    JobRole.PARAMEDIC: "6",
    JobRole.PHARMACIST: "7",
    JobRole.ADMINISTRATOR: "3",
    JobRole.MANAGER: "8a",
    JobRole.DISCHARGE_COORDINATOR: "5",
    JobRole.JOINT_COMMISSIONER: "8b",
    JobRole.INTEGRATED_CARE_MANAGER: "8a",
}


def pay_for(organisation: Organisation, role: str) -> tuple[str, str]:
    if organisation.sector == "health" and organisation.organisation_type != OrganisationType.GP_PRACTICE:
        if role in (JobRole.CONSULTANT, JobRole.RESIDENT_DOCTOR):
            return PayFramework.MEDICAL, ""
        return PayFramework.AFC, AFC_BAND.get(role, "4")
    if organisation.organisation_type == OrganisationType.LOCAL_AUTHORITY:
        return PayFramework.NJC, "SCP 20-25"
    return PayFramework.LOCAL, ""


def reference_prefix(organisation: Organisation) -> str:
    return organisation.ods_code or organisation.cqc_provider_id.replace("1-", "C") or f"ORG{organisation.pk}"


def hr_users(world) -> dict[str, User]:
    users = {email: world.users[email] for email in (TRUST_HR, COUNCIL_HR, CARE_HR)}
    orgs = world.organisations
    # The trust's HR admin also acts for Harbourside Care in the demo, so one login can walk the whole journey:
    # record the move as the sending side, confirm it as the receiving side.
    services.membership_grant(user=users[TRUST_HR], organisation=orgs[CARE], role="hr_admin")
    for email, short_name in EXTRA_HR:
        user = User.objects.filter(email=email).first() or UserFactory(
            email=email, first_name="Demo", last_name="HR", job_title="HR adviser"
        )
        services.membership_grant(user=user, organisation=orgs[short_name], role="hr_admin")
        users[email] = user
    return users
