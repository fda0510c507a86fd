"""Site search: live public pages only, NHS.UK results page, pagination, safe with odd input."""

import pytest
from wagtail.models import PageViewRestriction

from tests.cms import pages

pytestmark = pytest.mark.django_db


def test_search_finds_published_pages_by_title_and_body(client):
    pages.standard_page(title="Occupational health", intro="Support for your health")
    index = pages.news_index()
    pages.news_item(index, title="Passport checks", summary="Checks travel with staff between employers")
    pages.news_item(index, title="Draft about health", publish=False)

    response = client.get("/search/", {"q": "health"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Search results for health" in html
    assert "Occupational health" in html and "Support for your health" in html
    assert "Draft about health" not in html

    html = client.get("/search/", {"q": "employers"}).content.decode()
    assert "Passport checks" in html and "1 result" in html


def test_private_pages_are_not_in_results(client):
    page = pages.standard_page(title="Private handbook")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    html = client.get("/search/", {"q": "handbook"}).content.decode()
    assert "Private handbook" not in html
    assert "No results found" in html


def test_empty_and_odd_queries_are_handled(client):
    html = client.get("/search/").content.decode()
    assert "Search this site" in html and "results" not in html
    for query in ("   ", "<script>alert(1)</script>", '" OR 1=1 --', "x" * 5000, "AND OR NOT ("):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_results_are_paginated(client):
    index = pages.news_index()
    for number in range(12):
        pages.news_item(index, title=f"Covenant update {number}", summary="About the covenant")
    html = client.get("/search/", {"q": "covenant"}).content.decode()
    assert "12 results, page 1 of 2" in html
    assert "nhsuk-pagination" in html and "q=covenant" in html
    second = client.get("/search/", {"q": "covenant", "page": 2}).content.decode()
    assert "page 2 of 2" in second
    assert client.get("/search/", {"q": "covenant", "page": "zz"}).status_code == 200
