"""What the views behind the consultation page's routes share."""

from __future__ import annotations

from django.template.response import TemplateResponse

from cms.models import page_breadcrumbs


def render_route(request, page, template: str, context: dict, status: int = 200) -> TemplateResponse:
    """Render `consultation/<template>` with the page in the context, as Wagtail does for the page itself."""
    base = {"page": page, "self": page, "breadcrumbs": route_breadcrumbs(page)}
    base.update(context)
    return TemplateResponse(request, f"consultation/{template}", base, status=status)


def route_breadcrumbs(page) -> list[tuple[str, str]]:
    """The page's ancestors and the consultation page itself: a route sits one level below its page."""
    return [*page_breadcrumbs(page), (page.title, page.url)]
