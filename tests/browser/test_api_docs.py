"""The public API's interactive documentation works in a browser under the site's Content Security Policy, from
local files only (docs/api.md). Swagger UI is a third-party developer tool, not one of the service's NHS.UK pages,
so axe-core is not run on it here; the API itself is what the public uses."""

import pytest

from demo.factories.consultation import consultation_page, hub_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_documentation_renders_and_tries_a_request_without_breaking_the_policy(page, live_server):
    consultation = consultation_page(title="Closed", slug="closed-docs", status="closed", hub=hub_page())
    problems, requests = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))

    response = page.goto("/api/v1/docs")
    assert response.status == 200
    operations = page.locator(".opblock")
    operations.first.wait_for()
    assert operations.count() == 9
    page.locator(".opblock-summary-path", has_text="/api/v1/consultations/{consultation_id}").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("input[placeholder='consultation_id']").fill(str(consultation.pk))
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table tbody .response-col_status").first.wait_for()
    assert (
        page.locator(".live-responses-table tbody .response-col_status").first.inner_text().strip() == "200"
    )
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert all(url.startswith(live_server.url) for url in requests), requests
