"""The foundation of the demo world: the integrated care system's organisations, demo logins and site pages.

Every name, code and person here is invented. Idempotent: records are found by natural key before creation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import Site
from wagtail.rich_text import RichText

from cms.accounts.models import User
from cms.models import CovenantPage, HomePage, NewsIndexPage, NewsItemPage, SiteFooter, StandardPage
from demo.factories.cms import DEMO_PASSWORD, UserFactory
from demo.factories.workforce import OrganisationFactory
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
    _seed_pages()


def _seed_pages() -> None:
    home = HomePage.objects.first()
    if home is None:
        return
    if not home.body:
        home.intro = (
            "Working together across health and social care: our people, their safety, and our promise."
        )
        home.body = (
            "<p>The NHS Covenant is a promise between NHS and social care organisations and the people who work "
            "in them. On this site you can read the Covenant, respond to the consultation on it, and report "
            "violence or abuse against you at work.</p>"
        )
        home.save_revision().publish()
    created = {}
    for slug, title, intro, body in _standard_pages():
        page = StandardPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = StandardPage(slug=slug, title=title, intro=intro, body=body)
            home.add_child(instance=page)
            page.save_revision().publish()
        created[slug] = page
    _seed_covenant_page(home)
    _seed_news(home)
    site = Site.objects.get(is_default_site=True)
    footer = SiteFooter.for_site(site)
    if not footer.links:
        footer.links = [
            (
                "link",
                {"label": "Accessibility statement", "page": created["accessibility-statement"], "url": ""},
            ),
            ("link", {"label": "Privacy notice", "page": created["privacy"], "url": ""}),
            ("link", {"label": "Cookies", "page": created["cookies"], "url": ""}),
        ]
        footer.save()


def _rich(html: str):
    return ("rich_text", RichText(html))


PEOPLE_PROMISE = (
    ("We are compassionate and inclusive", "We are treated fairly and with respect, whoever we are."),
    ("We are recognised and rewarded", "A thank you, fair pay and recognition for the work we do."),
    ("We each have a voice that counts", "We feel safe to speak up, and we are listened to."),
    ("We are safe and healthy", "We are safe from violence and abuse at work, and supported after it."),
    ("We are always learning", "We can develop our careers, across the NHS and social care."),
    ("We work flexibly", "We can work in ways that suit our lives."),
    ("We are a team", "We work together across teams and organisations."),
)


def _standard_pages():
    try:
        report_url = reverse("incidents:report_start")
    except NoReverseMatch:
        report_url = "/incidents/report/"
    promise_cards = [
        {"heading": heading, "description": text, "page": None, "url": ""} for heading, text in PEOPLE_PROMISE
    ]
    return (
        (
            "people-promise",
            "Our NHS People Promise",
            "Seven promises we make to everyone who works in health and care.",
            [
                _rich(
                    "<p>The NHS People Promise sets out what matters most to the people who work in health and care. "
                    "The Covenant builds on it, and extends it to social care.</p>"
                ),
                ("card_group", {"columns": "one-half", "cards": promise_cards}),
                (
                    "inset_text",
                    {
                        "text": _rich(
                            "<p>Progress on the promise is measured each year by the NHS Staff Survey.</p>"
                        )[1]
                    },
                ),
            ],
        ),
        (
            "support-after-violence-or-abuse",
            "Getting support after violence or abuse",
            "What to do and who can help if you have been hurt, threatened or abused at work.",
            [
                (
                    "warning_callout",
                    {
                        "heading": "If you are in danger now",
                        "text": _rich("<p>Call 999. If you are at work, also tell the person in charge.</p>")[
                            1
                        ],
                    },
                ),
                _rich(
                    "<h2>Tell us what happened</h2><p>Reporting helps your employer support you and keep others "
                    f'safe. You can <a href="{report_url}">report violence or abuse</a> in about 2 minutes, and you '
                    "can stay anonymous.</p>"
                ),
                (
                    "do_dont_list",
                    {
                        "do_heading": "Do",
                        "do_items": [
                            "write down what happened as soon as you can",
                            "keep messages, e-mails or voicemails",
                            "talk to your manager, a colleague or your union",
                        ],
                        "dont_heading": "Don't",
                        "dont_items": ["blame yourself", "wait until it happens again to ask for support"],
                    },
                ),
                (
                    "table",
                    {
                        "first_row_is_table_header": True,
                        "first_col_is_header": True,
                        "table_caption": "Who can help",
                        "data": [
                            ["Who", "How they help"],
                            ["Your line manager", "Makes sure you are safe and can take time to recover"],
                            ["Occupational health", "Support for your health, including counselling"],
                            [
                                "Violence prevention and reduction lead",
                                "Looks into your report and what happens next",
                            ],
                            [
                                "Freedom to Speak Up guardian",
                                "Listens in confidence if you feel you cannot speak up",
                            ],
                        ],
                    },
                ),
                (
                    "details",
                    {
                        "summary": "What counts as violence or abuse",
                        "text": _rich(
                            "<p>Physical assault, threats, verbal abuse, harassment and abuse online or by "
                            "phone, by patients, people who use services, their families or the public.</p>"
                        )[1],
                        "expander": False,
                    },
                ),
            ],
        ),
        (
            "accessibility-statement",
            "Accessibility statement",
            "How accessible this service is.",
            [
                _rich(
                    "<p>This service aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. "
                    "If you find a problem, tell us using the contact details below.</p>"
                )
            ],
        ),
        (
            "privacy",
            "Privacy notice",
            "How we use your personal data.",
            [
                _rich(
                    "<p>We use your information only to run this service. Reports of violence and abuse are "
                    "special category personal data: only the people handling your case can see them, and every "
                    "read is recorded.</p>"
                )
            ],
        ),
        (
            "cookies",
            "Cookies",
            "This service sets only the cookies it needs to work.",
            [
                _rich(
                    "<p>We set a session cookie when you sign in and a security cookie on forms. We do not use "
                    "tracking or analytics cookies.</p>"
                )
            ],
        ),
    )


COVENANT_COMMITMENTS = (
    (
        "Fair treatment",
        "No one who works in health or social care is disadvantaged because of where they work.",
    ),
    (
        "Safe workplaces",
        "We act to prevent violence and abuse against our staff, and we report what happens.",
    ),
    ("Support after harm", "Anyone hurt, threatened or abused at work is offered support, quickly."),
    (
        "Careers across health and care",
        "Moving between the NHS and social care is easy: checks and training travel with the person.",
    ),
    ("Accountability", "Every year we publish what we did, with figures, in the annual Covenant report."),
)


def _seed_covenant_page(home) -> None:
    if CovenantPage.objects.exists():
        return
    slug = "the-covenant" if not home.get_children().filter(slug="the-covenant").exists() else "nhs-covenant"
    page = CovenantPage(
        slug=slug,
        title="The NHS Covenant",
        intro="Our commitments to everyone who works in health and social care.",
        commitments=[
            ("commitment", {"title": title, "description": _rich(f"<p>{text}</p>")[1]})
            for title, text in COVENANT_COMMITMENTS
        ],
        body=[
            _rich(
                "<h2>Who signs</h2><p>NHS bodies, councils, care providers and voluntary organisations sign the "
                "Covenant and make pledges, each with a measurable indicator. Signatories can be recognised at "
                "bronze, silver or gold.</p>"
            )
        ],
    )
    home.add_child(instance=page)
    page.save_revision().publish()


NEWS_ITEMS = (
    (
        "covenant-consultation-opens",
        "Consultation on the NHS Covenant opens",
        "Tell us what the Covenant should promise to people working in health and social care.",
        90,
    ),
    (
        "reporting-violence-and-abuse",
        "A quicker way to report violence and abuse",
        "Staff across the system can now report violence or abuse at work in about 2 minutes.",
        60,
    ),
    (
        "first-signatories",
        "First organisations sign the Covenant",
        "Hospitals, councils and care providers in Riverside and the Wolds are the first to sign.",
        30,
    ),
)

CONTENT_APPROVER_EMAIL = "approver@rw-icb.example"


def _seed_news(home) -> None:
    """The news index and three items, each written by the demo editor and approved by another editor
    through the content approval workflow, as editors publish news in real life."""
    editor = User.objects.filter(email="editor@rw-icb.example").first()
    approver = User.objects.filter(email=CONTENT_APPROVER_EMAIL).first()
    if approver is None:
        approver = UserFactory(
            email=CONTENT_APPROVER_EMAIL,
            first_name="Hannah",
            last_name="Marsh",
            job_title="Communications lead",
        )
        membership_grant(
            user=approver, organisation=Organisation.objects.get(short_name="R&W ICB"), role="editor"
        )
    index = NewsIndexPage.objects.first()
    if index is None:
        index = NewsIndexPage(
            slug="news", title="News and updates", intro="What is new with the NHS Covenant."
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    today = timezone.localdate()
    for slug, title, summary, days_ago in NEWS_ITEMS:
        if NewsItemPage.objects.filter(slug=slug).exists():
            continue
        item = NewsItemPage(
            slug=slug,
            title=title,
            summary=summary,
            date=today - datetime.timedelta(days=days_ago),
            body=[_rich(f"<p>{summary}</p>")],
            live=False,
            owner=editor,
        )
        index.add_child(instance=item)
        item.save_revision(user=editor)
        workflow = item.get_workflow()
        if workflow is None or editor is None:
            item.save_revision().publish()
            continue
        workflow_state = workflow.start(item, editor)
        task_state = workflow_state.current_task_state
        task_state.task.specific.on_action(task_state, approver, "approve")


def demo_logins() -> list[tuple[str, str]]:
    return [
        (email, ", ".join(sorted({role for _, role in memberships}))) for email, *_, memberships in DEMO_USERS
    ]


__all__ = ["DEMO_PASSWORD", "DemoWorld", "demo_logins", "seed"]
