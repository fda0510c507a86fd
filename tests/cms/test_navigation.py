"""The header and footer menus: pages with "Show in menus", the editors' links, cached per site and rebuilt when a
page or a setting changes; the home page's three jobs; breadcrumbs on section pages."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from cms.models import SiteFooter, SiteNavigation
from cms.navigation import menus_cache_key

from .pages import covenant_page, home_page, standard_page

pytestmark = pytest.mark.django_db


def _header(client, path="/"):
    html = client.get(path).content.decode()
    return html[html.index('aria-label="Menu"') : html.index("</nav>", html.index('aria-label="Menu"'))]


def _in_menus(page):
    page.show_in_menus = True
    page.save_revision().publish()
    return page


def test_a_page_shown_in_menus_appears_in_the_header_after_the_service_links(client):
    _in_menus(standard_page(title="Our NHS People Promise", slug="people-promise"))
    standard_page(title="Cookies", slug="cookies")  # not ticked
    header = _header(client)
    assert 'href="/people-promise/">Our NHS People Promise</a>' in header
    assert "Cookies" not in header
    assert header.index('href="/consultation/"') < header.index('href="/people-promise/"')


def test_editors_links_follow_the_menu_pages(client):
    site = Site.objects.get(is_default_site=True)
    _in_menus(standard_page(title="About", slug="about"))
    navigation = SiteNavigation.for_site(site)
    navigation.links = [("link", {"label": "NHS Jobs", "page": None, "url": "https://www.jobs.nhs.uk/"})]
    navigation.save()
    header = _header(client)
    assert header.index('href="/about/"') < header.index('href="https://www.jobs.nhs.uk/">NHS Jobs</a>')


def test_a_draft_private_or_deeper_page_is_not_in_the_header(client):
    parent = _in_menus(standard_page(title="Section", slug="section"))
    _in_menus(standard_page(parent, title="Deeper page", slug="deeper"))
    draft = standard_page(title="Draft page", slug="draft", publish=False)
    draft.show_in_menus = True
    draft.save_revision()
    private = _in_menus(standard_page(title="Private page", slug="private"))
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    header = _header(client)
    assert "Section" in header
    assert "Deeper page" not in header and "Draft page" not in header and "Private page" not in header


def test_the_menus_are_cached_and_rebuilt_on_publish_unpublish_move_and_delete(client):
    page = standard_page(title="Promise", slug="promise")
    client.get("/")
    site = Site.objects.get(is_default_site=True)
    assert cache.get(menus_cache_key(site)) is not None
    assert "Promise" not in _header(client)
    _in_menus(page)  # published with the box ticked
    assert 'href="/promise/"' in _header(client)
    page.unpublish()
    assert 'href="/promise/"' not in _header(client)
    page.save_revision().publish()
    assert 'href="/promise/"' in _header(client)
    section = standard_page(title="Section", slug="section")
    page.move(section, pos="last-child")
    assert "Promise" not in _header(client)
    page.refresh_from_db()
    page.move(home_page(), pos="last-child")
    assert 'href="/promise/"' in _header(client)
    page.delete()
    assert "Promise" not in _header(client)


def test_a_page_made_private_leaves_the_cached_menus_at_once(client):
    page = _in_menus(standard_page(title="Staff only soon", slug="staff-only-soon"))
    assert "Staff only soon" in _header(client)  # now cached
    restriction = PageViewRestriction.objects.create(page=page, restriction_type="login")
    assert "Staff only soon" not in _header(client)
    restriction.delete()
    assert "Staff only soon" in _header(client)


def test_the_menus_are_rebuilt_when_the_settings_are_saved(client):
    site = Site.objects.get(is_default_site=True)
    client.get("/")
    footer = SiteFooter.for_site(site)
    footer.links = [("link", {"label": "Contact us", "page": None, "url": "/contact/"})]
    footer.save()
    navigation = SiteNavigation.for_site(site)
    navigation.links = [("link", {"label": "Careers", "page": None, "url": "/careers/"})]
    navigation.save()
    html = client.get("/").content.decode()
    assert 'href="/contact/">Contact us</a>' in html
    assert 'href="/careers/">Careers</a>' in _header(client)


def test_menus_cost_no_queries_once_cached(client, django_assert_max_num_queries):
    for number in range(5):
        _in_menus(standard_page(title=f"Menu page {number}", slug=f"menu-{number}"))
    page = standard_page(title="Content", slug="content")
    client.get(page.url)  # fills the cache
    # Serving a standard page takes 9 queries (Wagtail finds the site and the page, checks view restrictions, the
    # breadcrumbs read the ancestors, the section lists the children); the menus (five pages, two settings) add none.
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(9):
        response = client.get(page.url)
    assert response.content.decode().count('href="/menu-') == 5
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "cms_sitefooter" not in sql and "cms_sitenavigation" not in sql and '"show_in_menus" = ' not in sql


def test_home_page_leads_to_the_three_jobs(client):
    covenant = covenant_page()
    support = standard_page(title="Getting support after violence or abuse", slug="support")
    home = home_page()
    home.support_page = support
    home.save_revision().publish()
    html = client.get("/").content.decode()
    for heading in ("The Covenant and who signs it", "Violence or abuse at work", "Have your say"):
        assert heading in html
    for href in (
        covenant.url,
        "/covenant/signatories/",
        "/covenant/report/",
        "/incidents/report/",
        "/support/",
        "/consultation/",
    ):
        assert f'href="{href}"' in html, href
    support.unpublish()
    assert 'href="/support/"' not in client.get("/").content.decode()


def test_section_pages_list_their_children_and_show_breadcrumbs(client):
    section = standard_page(title="About the Covenant", slug="about")
    standard_page(section, title="History", slug="history", intro="How it came about")
    standard_page(section, title="Unpublished", slug="unpublished", publish=False)
    html = client.get("/about/").content.decode()
    assert 'href="/about/history/">History</a>' in html and "How it came about" in html
    assert "Unpublished" not in html
    child = client.get("/about/history/").content.decode()
    assert 'class="nhsuk-breadcrumb"' in child and 'href="/about/"' in child
