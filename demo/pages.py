"""The demo site's pages: the home page's text, the standard pages (the People Promise, support after violence or
abuse, accessibility, privacy, cookies) and the footer links to them, the Covenant page, and the news, approved
through the content workflow. The Covenant page, the People Promise and the support page are in the header menu
("Show in menus"); the home page links the support page. All invented. Idempotent: a page that already exists is
left alone.
"""

from __future__ import annotations

import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import Site
from wagtail.rich_text import RichText

from cms.accounts.models import User
from cms.models import CovenantPage, HomePage, NewsIndexPage, NewsItemPage, SiteFooter, StandardPage
from demo.factories.cms import UserFactory
from workforce.models import Organisation
from workforce.services import membership_grant


def seed_pages() -> None:
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
            page = StandardPage(
                slug=slug, title=title, intro=intro, body=body, show_in_menus=slug in IN_MENUS
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        created[slug] = page
    if home.support_page is None:
        home.support_page = created["support-after-violence-or-abuse"]
        home.save_revision().publish()
    _seed_covenant_page(home)
    news_index = _seed_news(home)
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
            ("link", {"label": "News and updates", "page": news_index, "url": ""}),
        ]
        footer.save()


# Standard pages in the header menu, after the service's own links.
IN_MENUS = {"people-promise", "support-after-violence-or-abuse"}


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
        show_in_menus=True,
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


def _seed_news(home) -> NewsIndexPage:
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
    return index
