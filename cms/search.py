"""Site search across published public pages (Wagtail search: the database backend, PostgreSQL full-text there)."""

from __future__ import annotations

import re

from django.template.response import TemplateResponse
from wagtail.models import Page

from cms.pagination import paginate

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search_terms(query: str) -> str:
    """The words of a query: punctuation would be query syntax to SQLite FTS5 and PostgreSQL tsquery."""
    return " ".join(re.findall(r"\w+", query[:MAX_QUERY_LENGTH]))[:MAX_QUERY_LENGTH]


def search_pages(*, query: str):
    """Live, public pages matching every word of `query`, best match first; nothing for an empty query."""
    terms = search_terms(query)
    if not terms:
        return Page.objects.none()
    return Page.objects.live().public().filter(depth__gt=1).specific().search(terms, operator="and")


def search_view(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = search_pages(query=query)
    page_obj = paginate(results, request, per_page=RESULTS_PER_PAGE) if query else None
    return TemplateResponse(
        request,
        "cms/search_results.html",
        {
            "search_query": query,
            "page_obj": page_obj,
            "result_count": page_obj.paginator.count if page_obj else 0,
            "breadcrumbs": [("Home", "/")],
        },
    )
