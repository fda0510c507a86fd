"""What the views behind the consultation page's routes share."""

from __future__ import annotations

from django.shortcuts import render
from django.template.response import TemplateResponse

from cms.models import page_breadcrumbs

from ..vocabulary import Lifecycle


def render_route(request, page, template: str, context: dict, status: int = 200) -> TemplateResponse:
    """Render `consultation/<template>` with the page in the context, as Wagtail does for the page itself."""
    base = {"page": page, "self": page, "breadcrumbs": route_breadcrumbs(page)}
    base.update(context)
    return TemplateResponse(request, f"consultation/{template}", base, status=status)


def route_breadcrumbs(page) -> list[tuple[str, str]]:
    """The page's ancestors and the consultation page itself: a route sits one level below its page."""
    return [*page_breadcrumbs(page), (page.title, page.url)]


def page_context(page) -> dict:
    """What every page of the journey gets of its consultation's snapshot."""
    return {"page": page, "self": page, "breadcrumbs": [*page.breadcrumbs, (page.title, page.url)]}


def render_page(request, page, template: str, context: dict, status: int = 200):
    """Render `consultation/<template>` for the response journey, whose `page` is the consultation's cached
    snapshot (selectors/live.py): its breadcrumbs come with it, so rendering makes no query."""
    response = render(request, f"consultation/{template}", {**page_context(page), **context}, status=status)
    # Every page of the journey carries answers (sealed, or on the page): no cache may keep one.
    response["Cache-Control"] = "no-store"
    return response


def not_open(request, page):
    """The page for a consultation that is not open: 403 before it opens, 410 after it closes."""
    status = 403 if page.status == Lifecycle.FORTHCOMING else 410
    return render_page(request, page, "respond_not_open.html", {}, status=status)
