"""Small builders for site pages in tests: each adds a page under its parent and publishes it."""

from __future__ import annotations

import datetime

from wagtail.rich_text import RichText

from cms.models import CovenantPage, HomePage, NewsIndexPage, NewsItemPage, StandardPage


def home_page() -> HomePage:
    return HomePage.objects.get()


def _publish(parent, page, *, publish=True):
    page.live = publish
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    return page


def standard_page(parent=None, *, title="About the Covenant", slug=None, intro="", body=None, publish=True):
    page = StandardPage(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        intro=intro,
        body=body if body is not None else [("rich_text", RichText(f"<p>{title} body text.</p>"))],
    )
    return _publish(parent or home_page(), page, publish=publish)


def news_index(parent=None, *, title="News and updates", slug="news") -> NewsIndexPage:
    return _publish(parent or home_page(), NewsIndexPage(title=title, slug=slug, intro="What is new"))


def news_item(
    index, *, title="Covenant news", slug=None, summary="A summary", date=None, publish=True, **fields
):
    page = NewsItemPage(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        summary=summary,
        date=date or datetime.date(2026, 10, 1),
        body=[("rich_text", RichText(f"<p>{title} in full.</p>"))],
        **fields,
    )
    return _publish(index, page, publish=publish)


def covenant_page(parent=None) -> CovenantPage:
    page = CovenantPage(
        title="The NHS Covenant",
        slug="the-covenant",
        intro="Our commitments",
        commitments=[
            (
                "commitment",
                {"title": "Safe workplaces", "description": RichText("<p>We prevent violence.</p>")},
            ),
            ("commitment", {"title": "Fair treatment", "description": RichText("<p>No disadvantage.</p>")}),
        ],
    )
    return _publish(parent or home_page(), page)
