"""Every live public page can be found from the home page in three clicks, as an anonymous visitor.

The crawler starts at `/`, follows same-site links breadth first (redirects are followed at no extra click) and
records how many clicks each path took. The demo world is seeded once for the main test (`seed_demo`, small);
the second test proves the check catches a published page nothing links to.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from wagtail.models import Page

from tests.cms.pages import home_page, standard_page

pytestmark = pytest.mark.django_db

MAX_CLICKS = 3
# Not pages a visitor browses: the CMS and Django admin (sign-in walls), feeds, downloads and file exports.
SKIP_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/media/", "/static/")
NO_BREADCRUMBS = ("/account/",)
REPORT_QUESTIONS = re.compile(r"/incidents/report/[a-z]+/(more/)?")
SKIP_SUFFIXES = ("/feed/", "/feed/atom/", "/pdf/", ".csv", ".xlsx", ".json", ".pdf")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.breadcrumbs = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if tag == "nav" and "nhsuk-breadcrumb" in (attributes.get("class") or "").split():
            self.breadcrumbs = True


def _same_site_path(base: str, href: str) -> str | None:
    url = urlsplit(urljoin(f"http://testserver{base}", href))
    if url.scheme not in {"http", "https"} or url.hostname != "testserver":
        return None
    if url.path.startswith(SKIP_PREFIXES) or url.path.endswith(SKIP_SUFFIXES):
        return None
    # Query strings are kept for paging (?page=2) and dropped otherwise: filters and searches are not pages.
    query = url.query if url.query.startswith("page=") and "&" not in url.query else ""
    return f"{url.path}?{query}" if query else url.path


def crawl(client, *, start: str = "/", max_clicks: int = MAX_CLICKS) -> dict[str, dict]:
    """{path: {"clicks": n, "status": code, "breadcrumbs": bool}} for every same-site path reached."""
    reached: dict[str, dict] = {}
    queue = deque([(start, 0)])
    while queue:
        path, clicks = queue.popleft()
        if path in reached:
            continue
        response = client.get(path, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else path
        final_path = _same_site_path(path, final) or path
        html = "text/html" in response.get("Content-Type", "")
        info = {"clicks": clicks, "status": response.status_code, "html": html, "breadcrumbs": False}
        info["final"] = final_path
        reached[path] = info
        if final_path != path:
            reached.setdefault(final_path, info)
        if response.status_code != 200 or not html:
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        info["breadcrumbs"] = parser.breadcrumbs
        if clicks == max_clicks:
            continue
        for href in parser.hrefs:
            target = _same_site_path(final_path, href)
            if target is not None and target not in reached:
                queue.append((target, clicks + 1))
    return reached


def unreachable_pages(reached: dict[str, dict]) -> list[str]:
    """The URLs of live public pages (the tree root aside) the crawl did not reach."""
    urls = [page.url for page in Page.objects.live().public().filter(depth__gt=1)]
    return sorted(url for url in urls if url not in reached)


def test_every_live_public_page_of_the_demo_is_within_three_clicks_of_home(client, settings):
    settings.DEBUG = True  # seed_demo refuses to run without it
    call_command("seed_demo", "--people", "20", "--incidents", "5", "--responses", "10", "--quiet-logins")
    settings.DEBUG = False

    reached = crawl(client)

    assert unreachable_pages(reached) == []
    # The pages the public face is for, and the Covenant's own screens, are one or two clicks away.
    for path, most in {
        "/the-covenant/": 1,
        "/covenant/signatories/": 1,
        "/covenant/report/": 1,
        "/incidents/report/": 1,
        "/support-after-violence-or-abuse/": 1,
        "/people-promise/": 1,
        "/consultations/": 1,
        "/covenant/how-to-sign/": 2,
    }.items():
        assert path in reached, f"{path} was not reached"
        assert reached[path]["clicks"] <= most, f"{path} took {reached[path]['clicks']} clicks"
    # Nothing a visitor can follow from the public pages is broken.
    broken = {path: info["status"] for path, info in reached.items() if info["status"] >= 500}
    assert broken == {}
    # Every public page below the home page shows where it is: NHS.UK breadcrumbs. Sign-in pages, the steps of
    # answering a consultation and the questions of an incident report are transactions, which NHS.UK gives a
    # back link instead (the report's start page keeps its breadcrumbs).
    without = sorted(
        path
        for path, info in reached.items()
        if info["status"] == 200
        and info["html"]
        and info["final"] == path
        and path != "/"
        and not path.startswith(NO_BREADCRUMBS)
        and "/respond/" not in path
        and not REPORT_QUESTIONS.fullmatch(path)
        and not info["breadcrumbs"]
    )
    assert without == [], f"pages without breadcrumbs: {without}"


def test_a_published_page_nothing_links_to_is_reported_unreachable(client):
    linked = standard_page(title="Linked page", slug="linked-page")
    linked.show_in_menus = True
    linked.save_revision().publish()
    orphan = standard_page(title="Orphan page", slug="orphan-page")
    assert not orphan.show_in_menus

    reached = crawl(client)

    assert reached["/linked-page/"]["clicks"] == 1
    assert unreachable_pages(reached) == ["/orphan-page/"]


def test_a_page_deeper_than_three_clicks_is_reported_unreachable(client):
    parent = home_page()
    chain = []
    for depth in range(4):
        parent = standard_page(parent, title=f"Level {depth + 1}", slug=f"level-{depth + 1}")
        chain.append(parent)
    chain[0].show_in_menus = True
    chain[0].save_revision().publish()

    reached = crawl(client)

    # Each standard page lists its children, so the chain is one click a level: the fourth level is too deep.
    assert [reached[page.url]["clicks"] for page in chain[:3]] == [1, 2, 3]
    assert unreachable_pages(reached) == [chain[3].url]
