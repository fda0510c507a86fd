"""The foundation of the demo world: the integrated care system's organisations and the demo logins. The site's
pages are in demo/pages.py.

Every name, code and person here is invented. Idempotent: records are found by natural key before creation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from cms.accounts.models import User
from demo.factories.cms import DEMO_PASSWORD, UserFactory
from demo.factories.workforce import OrganisationFactory
from demo.pages import seed_pages
from workforce.models import Organisation, OrganisationType, Region
from workforce.services import membership_grant

ORGANISATIONS = (
    # name, short name, type, ODS, CQC provider, local authority code
    (
        "Riverside and Wolds Integrated Care Board",
        "R&W ICB",
        OrganisationType.INTEGRATED_CARE_BOARD,
        "QRW",
        "",
        "",
    ),
    (
        "Riverside University Hospitals NHS Foundation Trust",
        "Riverside Hospitals",
        OrganisationType.NHS_FOUNDATION_TRUST,
        "RV9",
        "",
        "",
    ),
    (
        "Wolds Community and Mental Health NHS Trust",
        "Wolds Community",
        OrganisationType.NHS_TRUST,
        "RW8",
        "",
        "",
    ),
    (
        "Northern Coast Ambulance Service NHS Trust",
        "Northern Coast Ambulance",
        OrganisationType.AMBULANCE_TRUST,
        "RX9",
        "",
        "",
    ),
    ("Ashgrove Medical Practice", "Ashgrove Practice", OrganisationType.GP_PRACTICE, "B89901", "", ""),
    ("Riverside City Council", "Riverside Council", OrganisationType.LOCAL_AUTHORITY, "", "", "E06000901"),
    ("Wolds County Council", "Wolds Council", OrganisationType.LOCAL_AUTHORITY, "", "", "E10000902"),
    ("Harbourside Care Homes Ltd", "Harbourside Care", OrganisationType.CARE_PROVIDER, "", "1-101000001", ""),
    (
        "Brightwater Home Care Ltd",
        "Brightwater Home Care",
        OrganisationType.CARE_PROVIDER,
        "",
        "1-101000002",
        "",
    ),
    ("Meadowbank Supported Living CIC", "Meadowbank", OrganisationType.CARE_PROVIDER, "", "1-101000003", ""),
    ("St Aidan's Hospice", "St Aidan's Hospice", OrganisationType.HOSPICE, "", "1-101000004", ""),
    ("Riverside Carers Network", "Carers Network", OrganisationType.VOLUNTARY, "", "", ""),
)

# e-mail, first name, last name, job title, [(organisation short name, role), ...]
DEMO_USERS = (
    (
        "hr.admin@riverside-hospitals.example",
        "Priya",
        "Raman",
        "HR business partner",
        [("Riverside Hospitals", "hr_admin"), ("Riverside Hospitals", "incident_reporter")],
    ),
    (
        "hr.admin@riverside-council.example",
        "Tom",
        "Ellery",
        "Workforce lead, adult social care",
        [("Riverside Council", "hr_admin"), ("Riverside Council", "incident_reporter")],
    ),
    (
        "hr.admin@harbourside-care.example",
        "Grace",
        "Okafor",
        "Registered manager",
        [("Harbourside Care", "hr_admin"), ("Harbourside Care", "incident_reporter")],
    ),
    (
        "nurse@riverside-hospitals.example",
        "Sam",
        "Whitlock",
        "Staff nurse, emergency department",
        [("Riverside Hospitals", "incident_reporter")],
    ),
    (
        "care.worker@harbourside-care.example",
        "Jo",
        "Pennant",
        "Senior care worker",
        [("Harbourside Care", "incident_reporter")],
    ),
    (
        "handler@riverside-hospitals.example",
        "Morgan",
        "Hale",
        "Violence prevention and reduction lead",
        [("Riverside Hospitals", "incident_handler"), ("Riverside Hospitals", "incident_reporter")],
    ),
    # Two more handlers: a case is investigated by one handler and signed off by another, and a colleague case
    # shows a handler excluded from it (docs/incidents.md, "Workflow").
    (
        "security.lead@riverside-hospitals.example",
        "Chris",
        "Doyle",
        "Local security management specialist",
        [("Riverside Hospitals", "incident_handler")],
    ),
    (
        "safety.manager@riverside-hospitals.example",
        "Jordan",
        "Ashby",
        "Health and safety manager",
        [("Riverside Hospitals", "incident_handler")],
    ),
    (
        "custodian@riverside-hospitals.example",
        "Alex",
        "Fenwick",
        "Caldicott guardian",
        [("Riverside Hospitals", "identity_custodian")],
    ),
    (
        "analyst@rw-icb.example",
        "Ruth",
        "Calloway",
        "Workforce intelligence analyst",
        [("R&W ICB", "analyst")],
    ),
    (
        "moderator@rw-icb.example",
        "Dev",
        "Malhotra",
        "Engagement officer",
        [("R&W ICB", "consultation_moderator")],
    ),
    (
        "safeguarding.lead@rw-icb.example",
        "Grace",
        "Okafor",
        "Designated nurse for safeguarding",
        [("R&W ICB", "safeguarding_lead")],
    ),
    ("editor@rw-icb.example", "Lucy", "Tranter", "Digital content editor", [("R&W ICB", "editor")]),
    # A second editor: a page is approved by someone other than its author.
    ("approver@rw-icb.example", "Hannah", "Marsh", "Communications lead", [("R&W ICB", "editor")]),
    ("auditor@rw-icb.example", "Imran", "Shah", "Information governance auditor", [("R&W ICB", "auditor")]),
)


@dataclass
class DemoWorld:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)


@transaction.atomic
def seed(*, world: DemoWorld, sizes: dict, stdout=None) -> None:
    for name, short_name, org_type, ods, cqc, la_code in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first() or OrganisationFactory(
            name=name,
            short_name=short_name,
            organisation_type=org_type,
            ods_code=ods,
            cqc_provider_id=cqc,
            local_authority_code=la_code,
            region=Region.NORTH_EAST_YORKSHIRE,
        )
        world.organisations[short_name] = organisation
    for email, first, last, job, memberships in DEMO_USERS:
        user = User.objects.filter(email=email).first() or UserFactory(
            email=email, first_name=first, last_name=last, job_title=job
        )
        world.users[email] = user
        for short_name, role in memberships:
            membership_grant(user=user, organisation=world.organisations[short_name], role=role)
    seed_pages()


def demo_logins() -> list[tuple[str, str]]:
    return [
        (email, ", ".join(sorted({role for _, role in memberships}))) for email, *_, memberships in DEMO_USERS
    ]


__all__ = ["DEMO_PASSWORD", "DemoWorld", "demo_logins", "seed"]
