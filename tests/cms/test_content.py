"""Site content pages: tree rules, editing in the admin, and every NHS.UK block rendering."""

import datetime
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.blocks import ContentStreamBlock, ImageBlock
from cms.models import CovenantPage, HomePage, NewsIndexPage, NewsItemPage, StandardPage
from demo.factories.cms import UserFactory
from tests.cms import pages


class PageTreeTests(WagtailPageTestCase):
    def test_home_page_takes_the_site_sections(self):
        for child in (StandardPage, NewsIndexPage, CovenantPage):
            self.assertCanCreateAt(HomePage, child)

    def test_news_items_live_only_under_the_news_index(self):
        self.assertAllowedParentPageTypes(NewsItemPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsItemPage})
        self.assertAllowedSubpageTypes(NewsItemPage, set())
        self.assertCanNotCreateAt(HomePage, NewsItemPage)
        self.assertCanNotCreateAt(StandardPage, NewsItemPage)

    def test_standard_pages_nest_under_home_covenant_and_each_other(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage, CovenantPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})
        self.assertAllowedParentPageTypes(CovenantPage, {HomePage})
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})

    def test_there_is_one_covenant_page_and_one_news_index(self):
        home = HomePage.objects.get()
        pages.covenant_page(home)
        pages.news_index(home)
        self.assertFalse(CovenantPage.can_create_at(home))
        self.assertFalse(NewsIndexPage.can_create_at(home))

    def test_pages_are_renderable_and_previewable_by_an_editor(self):
        from cms.accounts.roles import group_for

        editor = UserFactory()
        editor.groups.add(group_for("editor"))
        index = pages.news_index()
        body = streamfield([("rich_text", rich_text("<p>Preview me.</p>"))])
        cases = (
            (pages.standard_page(), {"title": "About", "slug": "about", "intro": "", "body": body}),
            (index, None),
            (
                pages.news_item(index),
                {"title": "News", "slug": "news-1", "date": "2026-10-01", "summary": "S", "body": body},
            ),
            (
                pages.covenant_page(),
                {
                    "title": "Covenant",
                    "slug": "the-covenant",
                    "intro": "",
                    "commitments": streamfield(
                        [("commitment", {"title": "Safe", "description": rich_text("<p>Safe.</p>")})]
                    ),
                    "body": streamfield([]),
                },
            ),
        )
        # Wagtail's helper signs in with the first backend, which is django-axes' (it has no get_user).
        with mock.patch(
            "wagtail.test.utils.page_tests.AUTH_BACKEND", "django.contrib.auth.backends.ModelBackend"
        ):
            for page, data in cases:
                self.assertPageIsRenderable(page)
                post_data = nested_form_data(data) if data else None
                self.assertPageIsPreviewable(page, post_data=post_data, user=editor)

    def test_an_editor_creates_a_standard_page_with_blocks_in_the_admin(self):
        from cms.accounts.roles import group_for

        editor = UserFactory()
        editor.groups.add(group_for("editor"))
        self.client.force_login(editor)
        home = HomePage.objects.get()
        data = nested_form_data(
            {
                "title": "Working across health and care",
                "intro": "Moving between the NHS and social care",
                "body": streamfield(
                    [
                        ("rich_text", rich_text("<p>Your checks travel with you.</p>")),
                        ("inset_text", {"text": rich_text("<p>Ask your HR team.</p>")}),
                    ]
                ),
            }
        )
        # Editors save drafts; publishing goes through the approval workflow (tests/cms/test_workflow.py).
        self.assertCanCreate(home, StandardPage, data, publish=False)
        page = StandardPage.objects.get(slug="working-across-health-and-care")
        revision = page.get_latest_revision_as_object()
        assert [block.block_type for block in revision.body] == ["rich_text", "inset_text"]
        assert not page.live

    def test_a_superuser_creates_and_publishes_a_news_item(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        admin = UserFactory(is_superuser=True, is_staff=True)
        self.client.force_login(admin)
        # Superusers need two-factor: this session has given its code.
        session = self.client.session
        session["otp_device_id"] = TOTPDevice.objects.create(user=admin, name="phone").persistent_id
        session.save()
        index = pages.news_index()
        data = nested_form_data(
            {
                "title": "Covenant report published",
                "date": "2026-06-30",
                "summary": "The first annual report is out.",
                "body": streamfield([("rich_text", rich_text("<p>Read it now.</p>"))]),
            }
        )
        self.assertCanCreate(index, NewsItemPage, data)
        assert NewsItemPage.objects.get(slug="covenant-report-published").live


pytestmark = pytest.mark.django_db


@pytest.fixture
def image():
    return Image.objects.create(title="Staff at a handover", file=get_test_image_file())


@pytest.fixture
def document():
    document = Document(title="Covenant summary")
    document.file.save("covenant-summary.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    return document


def test_every_block_renders_with_nhsuk_markup(client, image, document):
    home = pages.home_page()
    target = pages.standard_page(home, title="Report abuse")
    body = [
        ("rich_text", RichText("<h2>Your rights</h2><p>Plain words.</p>")),
        ("inset_text", {"text": RichText("<p>Ask your HR team.</p>")}),
        ("warning_callout", {"heading": "If you are in danger now", "text": RichText("<p>Call 999.</p>")}),
        (
            "card_group",
            {
                "columns": "one-half",
                "cards": [
                    {"heading": "Report it", "description": "Two minutes", "page": target, "url": ""},
                    {"heading": "Get help", "description": "", "page": None, "url": "/help/"},
                ],
            },
        ),
        (
            "details",
            {"summary": "What counts as abuse", "text": RichText("<p>Threats too.</p>"), "expander": True},
        ),
        (
            "do_dont_list",
            {
                "do_heading": "Do",
                "do_items": ["write it down"],
                "dont_heading": "Don't",
                "dont_items": ["blame yourself"],
            },
        ),
        ("image", {"image": image, "alt_text": "Two nurses at a handover", "caption": "Handover"}),
        (
            "table",
            {
                "first_row_is_table_header": True,
                "first_col_is_header": True,
                "table_caption": "Who can help",
                "data": [["Who", "How"], ["Manager", "Keeps you safe"]],
            },
        ),
        ("document_links", {"heading": "Downloads", "documents": [document]}),
    ]
    page = pages.standard_page(home, title="Support", body=body)
    html = client.get(page.url).content.decode()
    assert "<h2>Your rights</h2>" in html
    assert 'class="nhsuk-inset-text"' in html and "Ask your HR team." in html
    assert "nhsuk-card--warning" in html and "If you are in danger now" in html
    assert "nhsuk-card-group" in html
    assert f'href="{target.url}"' in html and 'href="/help/"' in html
    assert "nhsuk-expander" in html and "What counts as abuse" in html
    assert "nhsuk-list--tick" in html and "write it down" in html
    assert "nhsuk-list--cross" in html and "do not blame yourself" in html
    assert 'alt="Two nurses at a handover"' in html and "Handover</figcaption>" in html
    assert '<caption class="nhsuk-table__caption">Who can help</caption>' in html
    assert '<th scope="col" class="nhsuk-table__header">Who</th>' in html
    assert '<th scope="row" class="nhsuk-table__header">Manager</th>' in html
    assert document.url in html and "Covenant summary" in html and "(PDF" in html
    assert "style=" not in html


def test_an_image_needs_alt_text(image):
    block = ImageBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"image": image.pk, "alt_text": "  ", "caption": ""}))
    stream = ContentStreamBlock()
    with pytest.raises(StreamBlockValidationError):
        stream.clean(stream.to_python([{"type": "image", "value": {"image": image.pk, "alt_text": ""}}]))


def test_news_index_lists_live_items_newest_first_and_paginates(client, django_assert_max_num_queries):
    index = pages.news_index()
    start = datetime.date(2026, 1, 1)
    for number in range(12):
        pages.news_item(index, title=f"Update {number:02d}", date=start + datetime.timedelta(days=number))
    pages.news_item(index, title="Draft update", publish=False)

    with django_assert_max_num_queries(25):
        html = client.get(index.url).content.decode()
    assert html.index("Update 11") < html.index("Update 10")
    assert "Update 02" in html and "Update 01" not in html
    assert "Draft update" not in html
    assert "nhsuk-pagination" in html

    second = client.get(index.url, {"page": 2}).content.decode()
    assert "Update 01" in second and "Update 00" in second and "Update 11" not in second
    assert "page 2 of 2" in second

    assert "Update 11" in client.get(index.url, {"page": "abc"}).content.decode()
    assert "Update 00" in client.get(index.url, {"page": "99"}).content.decode()


def test_news_item_page_shows_date_summary_and_breadcrumbs(client):
    index = pages.news_index()
    item = pages.news_item(
        index, title="First signatories", summary="Hospitals sign", date=datetime.date(2026, 5, 4)
    )
    html = client.get(item.url).content.decode()
    assert "4 May 2026" in html and "Hospitals sign" in html and "First signatories in full." in html
    assert f'href="{index.url}"' in html


def test_home_page_shows_the_latest_three_news_items_and_a_search_box(client):
    index = pages.news_index()
    for number in range(4):
        pages.news_item(index, title=f"Story {number}", date=datetime.date(2026, 3, 1 + number))
    html = client.get("/").content.decode()
    assert "Latest news" in html
    assert "Story 3" in html and "Story 1" in html and "Story 0" not in html
    assert 'action="/search/"' in html


def test_covenant_page_sets_out_its_commitments_in_order(client):
    page = pages.covenant_page()
    html = client.get(page.url).content.decode()
    assert "Our commitments" in html
    assert html.index("Safe workplaces") < html.index("Fair treatment")
    assert "We prevent violence." in html


def test_rss_and_atom_feeds_carry_the_live_news(client):
    index = pages.news_index()
    pages.news_item(
        index, title="Annual report", summary="Figures for the year", date=datetime.date(2026, 7, 1)
    )
    pages.news_item(index, title="Unpublished", publish=False)

    rss = client.get(f"{index.url}feed/")
    assert rss.status_code == 200
    assert rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert "<title>Annual report</title>" in body
    assert "Figures for the year" in body
    assert "http://testserver/news/annual-report/" in body
    assert "Unpublished" not in body
    assert "Wed, 01 Jul 2026" in body

    atom = client.get(f"{index.url}feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "<title>Annual report</title>" in atom.content.decode()
    assert 'type="application/rss+xml"' in client.get(index.url).content.decode()


def test_the_seeded_site_has_its_pages(client):
    from demo.site import DemoWorld, seed

    seed(world=DemoWorld(), sizes={"people": 1, "incidents": 0, "responses": 0, "seed": 1})
    for path, text in (
        ("/the-covenant/", "Our commitments"),
        ("/people-promise/", "We are safe and healthy"),
        ("/support-after-violence-or-abuse/", "If you are in danger now"),
        ("/accessibility-statement/", "WCAG"),
        ("/privacy/", "special category"),
        ("/cookies/", "do not use tracking"),
        ("/news/", "First organisations sign the Covenant"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert text in response.content.decode(), path
    assert NewsItemPage.objects.live().count() == 3
    assert Page.objects.filter(slug="the-covenant").get().specific_class is CovenantPage


def test_editor_managed_header_links_resolve_pages_and_addresses():
    from wagtail.models import Site

    from cms.models import SiteNavigation

    target = pages.standard_page(title="Get support")
    navigation = SiteNavigation.for_site(Site.objects.get(is_default_site=True))
    navigation.links = [
        ("link", {"label": "Get support", "page": target, "url": ""}),
        ("link", {"label": "Annual report", "page": None, "url": "/covenant/report/"}),
    ]
    navigation.save()
    assert SiteNavigation.for_site(Site.objects.get(is_default_site=True)).link_list() == [
        {"label": "Get support", "url": target.url},
        {"label": "Annual report", "url": "/covenant/report/"},
    ]
