"""What the views behind the consultation page's routes share."""

from __future__ import annotations

from django.template.response import TemplateResponse


def render_route(request, page, template: str, context: dict, status: int = 200) -> TemplateResponse:
    """Render `consultation/<template>` with the page in the context, as Wagtail does for the page itself."""
    base = {"page": page, "self": page}
    base.update(context)
    return TemplateResponse(request, f"consultation/{template}", base, status=status)
