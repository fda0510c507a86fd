"""The foundation of the demo world: the integrated care system's organisations and the demo logins. The site's
pages are in demo/pages.py.

Every name, code and person here is invented. Idempotent: records are found by natural key before creation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.models import Site

from cms.accounts.models import User
from cms.accounts.roles import ROLES_BY_KEY, roles_for_user
from cms.accounts.services import platform_admin_grant, user_account_create
from demo.factories.cms import DEMO_PASSWORD
from demo.pages import seed_pages
from workforce.models import Organisation, OrganisationType, Region
from workforce.services import membership_grant, organisation_create

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

# e-mail, first name, last name, job title, [(organisation short name, role), ...]; the platform administrator's
# role is held across every organisation (organisation None).
DEMO_USERS = (
    (
        "platform.admin@rw-icb.example",
        "Owen",
        "Castell",
        "Digital services manager",
        [(None, "platform_admin")],
    ),
    (
        "admin@riverside-hospitals.example",
        "Fiona",
        "Gallagher",
        "Workforce systems administrator",
        [("Riverside Hospitals", "org_admin")],
    ),
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
    ("dpo@rw-icb.example", "Nadia", "Brennan", "Data protection officer", [("R&W ICB", "dpo")]),
)

# What each login is for, printed by seed_demo after its roles and listed the same in the README (a test compares).
LOGIN_NOTES = {
    "platform.admin@rw-icb.example": "adds, imports and deactivates organisations at /workforce/organisations/",
    "admin@riverside-hospitals.example": "invites Riverside's staff and grants their roles from its page at "
    "/workforce/organisations/",
    "handler@riverside-hospitals.example": "the lead on Riverside's cases, who triages, assigns and signs off; "
    "investigates some too",
    "security.lead@riverside-hospitals.example": "investigates cases the lead assigns to them",
    "safety.manager@riverside-hospitals.example": "a third handler, so a case can have an investigator, someone "
    "else to sign it off, and a handler excluded from it",
    "safeguarding.lead@rw-icb.example": "the consultation's safeguarding referrals at /consultation/safeguarding/",
    "editor@rw-icb.example": "writes pages in the CMS at /admin/",
    "approver@rw-icb.example": "approves pages other editors submit for moderation",
    "auditor@rw-icb.example": "the audit log at /audit/",
    "dpo@rw-icb.example": "retention, legal holds, subject-access and erasure requests at /records/",
}


@dataclass
class DemoWorld:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)


@transaction.atomic
def seed(*, world: DemoWorld, sizes: dict, stdout=None) -> None:
    # Through the same services as the screens: a platform administrator adding organisations, people accepting
    # invitations (an account with a name and password) and administrators granting roles.
    for name, short_name, org_type, ods, cqc, la_code in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first() or organisation_create(
            actor=None,
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
        user = User.objects.filter(email=email).first() or user_account_create(
            email=email, first_name=first, last_name=last, job_title=job, password=DEMO_PASSWORD
        )
        world.users[email] = user
        for short_name, role in memberships:
            if short_name is None:
                if role not in roles_for_user(user):  # held, even if the account was deactivated since
                    platform_admin_grant(user=user)
            else:
                membership_grant(user=user, organisation=world.organisations[short_name], role=role)
    seed_pages()
    _site_answers_at_site_url()


def organisations_not_of_the_demo() -> list[str]:
    """The names of the organisations in the database that the demo did not make (none in a demo database)."""
    demo = [name for name, *_ in ORGANISATIONS]
    return list(
        Organisation.objects.exclude(name__in=demo).order_by("name").values_list("name", flat=True)[:5]
    )


def _site_answers_at_site_url() -> None:
    """The demo site's address is SITE_URL, so the links Wagtail builds from it (a page's full URL in the CMS's
    workflow e-mails) point where `make run` serves, not at http://localhost/."""
    address = urlsplit(settings.SITE_URL)
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (address.hostname, port):
        site.hostname, site.port = address.hostname, port
        site.save()  # through save(), so Wagtail forgets the cached site root paths


def _role_label(key: str) -> str:
    name = ROLES_BY_KEY[key].name
    return (
        name if name[:2].isupper() else name[0].lower() + name[1:]
    )  # "HR administrator", "incident handler"


def demo_logins() -> list[tuple[str, str]]:
    """Every demo login with what it can do: its roles in the order declared, "(two-factor required)" when a
    role needs it, and what the login is for."""
    logins = []
    for email, *_, memberships in DEMO_USERS:
        keys = list(dict.fromkeys(role for _, role in memberships))
        description = ", ".join(_role_label(key) for key in keys)
        if any(ROLES_BY_KEY[key].requires_two_factor for key in keys):
            description += " (two-factor required)"
        if email in LOGIN_NOTES:
            description += f": {LOGIN_NOTES[email]}"
        logins.append((email, description))
    return logins


__all__ = ["DEMO_PASSWORD", "DemoWorld", "demo_logins", "organisations_not_of_the_demo", "seed"]
