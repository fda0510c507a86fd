"""The public API as a whole (docs/api.md): the OpenAPI description matches what is served, the documentation
works offline under our Content Security Policy, CORS is open for reading only, the rate limit answers 429 in
JSON, errors are JSON 4xx, and no response reads a session or sets a cookie."""

import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from covenant.consultation.models import ModerationState, Origin, Theme, ThemeTag
from demo.factories.consultation import ConsultationResponseFactory, answer, consultation_page, hub_page
from demo.factories.signatories import (
    CovenantSignatureFactory,
    PledgeProgressFactory,
    RecognitionAwardFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_world(db):
    """Something real behind every endpoint, so every documented field can be looked for in a response."""
    page = consultation_page(title="Closed", slug="closed-api", status="closed", hub=hub_page())
    question = [q for q in page.active_questions() if q.has_free_text][0]
    theme = Theme.objects.create(consultation=page, question=question, name="Safety")
    for i in range(4):
        response = ConsultationResponseFactory(consultation=page, moderation_state=ModerationState.APPROVED)
        given = answer(
            response, question, selected=[question.options[0]] if question.options else [], text=f"A{i}"
        )
        ThemeTag.objects.create(answer=given, theme=theme, origin=Origin.PERSON, confirmed_at=timezone.now())
    progress = PledgeProgressFactory()
    signature = progress.pledge.signature
    signature.co_signatory_name, signature.co_signatory_role = "Sam Second", "Chair"
    signature.save()
    RecognitionAwardFactory(
        organisation=signature.organisation, tier="bronze", awarded_on=timezone.localdate()
    )
    return {"page": page, "question": question, "theme": theme, "signature": signature}


def _urls(world) -> dict[str, str]:
    page = world["page"]
    return {
        "/api/v1/consultations/": "/api/v1/consultations/",
        "/api/v1/consultations/{consultation_id}": f"/api/v1/consultations/{page.pk}",
        "/api/v1/consultations/{consultation_id}/questions": f"/api/v1/consultations/{page.pk}/questions",
        "/api/v1/consultations/{consultation_id}/responses": f"/api/v1/consultations/{page.pk}/responses",
        "/api/v1/consultations/{consultation_id}/themes": f"/api/v1/consultations/{page.pk}/themes",
        "/api/v1/covenant/signatories": "/api/v1/covenant/signatories",
        "/api/v1/covenant/signatories/{signatory_id}": f"/api/v1/covenant/signatories/{world['signature'].pk}",
        "/api/v1/covenant/annual-reports": "/api/v1/covenant/annual-reports",
        "/api/v1/covenant/annual-reports/{year}": "/api/v1/covenant/annual-reports/2025-26",
    }


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _missing(value, schema: dict, document: dict, where: str) -> list[str]:
    """Every property the schema documents that the value lacks, and every key the value serves that the schema
    does not document (a field served by mistake), looking into objects and list items."""
    schema = _resolve(schema, document)
    options = schema.get("anyOf")
    if options:
        if value is None:
            return []
        schema = _resolve(next(o for o in options if o.get("type") != "null"), document)
    missing = []
    if schema.get("type") == "object" or "properties" in schema:
        if isinstance(value, dict):
            missing += [f"{where}.{name} (not documented)" for name in set(value) - set(schema["properties"])]
        for name, child in schema.get("properties", {}).items():
            if name not in value:
                missing.append(f"{where}.{name}")
            else:
                missing += _missing(value[name], child, document, f"{where}.{name}")
    elif schema.get("type") == "array" and value:
        missing += _missing(value[0], schema["items"], document, f"{where}[0]")
    return missing


def test_every_endpoint_is_documented_and_every_documented_field_is_served(published_world, client):
    document = client.get("/api/v1/openapi.json").json()
    urls = _urls(published_world)
    assert set(document["paths"]) == set(urls)
    for path, url in urls.items():
        operation = document["paths"][path]["get"]
        result = client.get(url)
        assert result.status_code == 200, (url, result.content)
        body = result.json()
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert _missing(body, schema, document, path) == []
        listed = _resolve(schema, document).get("properties", {}).get("items")
        if listed:
            assert body["items"], f"{url} served nothing to check the fields against"
        for status in ("400", "404", "429"):
            assert status in operation["responses"], (path, status)


def test_the_documentation_page_loads_only_local_files_under_our_policy(client):
    result = client.get("/api/v1/docs")
    assert result.status_code == 200
    html = result.content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references and all(ref.startswith("/static/ninja/") for ref in references), references
    assert "cdn" not in html.lower() and "https://" not in html and "http://" not in html
    policy = result["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    for ref in references:
        assert client.get(ref).status_code == 200, ref
    assert "<script>" not in html  # only files and a JSON data block: nothing inline to execute
    assert "/api/v1/openapi.json" in html
    root = client.get("/api/v1/")
    assert root.status_code == 302 and root.url == "/api/v1/docs"


def test_cors_is_open_for_reading_only(published_world, client):
    result = client.get("/api/v1/consultations/", HTTP_ORIGIN="https://data.example.org")
    assert result["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in result
    preflight = client.options(
        "/api/v1/consultations/",
        HTTP_ORIGIN="https://data.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Credentials" not in preflight
    for method in ("post", "put", "patch", "delete"):
        refused = getattr(client, method)("/api/v1/consultations/")
        assert refused.status_code == 405, method
        assert refused.json() == {"message": "This API is read-only: use GET"}
        assert refused["Allow"] == "GET, HEAD, OPTIONS"
    head = client.head("/api/v1/consultations/")
    assert head.status_code == 200 and head.content == b"" and head["Access-Control-Allow-Origin"] == "*"
    # The site's own pages are not opened to other origins.
    assert "Access-Control-Allow-Origin" not in client.get("/healthz")


def test_reads_may_be_cached_and_errors_may_not(published_world, client):
    assert client.get("/api/v1/consultations/")["Cache-Control"] == "public, max-age=60"
    assert client.get("/api/v1/consultations/0")["Cache-Control"] == "no-store"


def test_over_the_rate_limit_is_a_json_429(published_world, client, settings):
    settings.API_RATE = "3/m"
    cache.clear()
    statuses = [client.get("/api/v1/consultations/").status_code for _ in range(3)]
    limited = client.get("/api/v1/consultations/")
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert limited.json() == {"message": "Too many requests from your address: wait a little and try again"}
    assert limited["Retry-After"] == "60" and limited["Access-Control-Allow-Origin"] == "*"
    # Another address has its own allowance.
    assert client.get("/api/v1/consultations/", REMOTE_ADDR="192.0.2.9").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/consultations/999999",
        "/api/v1/consultations/not-a-number",
        "/api/v1/consultations/?limit=-1",
        "/api/v1/covenant/signatories/999999",
        "/api/v1/covenant/annual-reports/1999-00",
        "/api/v1/covenant/annual-reports/next-year",
        "/api/v1/covenant/signatories?cursor=%00%ff",
        "/api/v1/no-such-endpoint",
        "/api/v2/consultations/",
    ],
)
def test_bad_requests_are_json_4xx_with_a_message(db, client, url):
    result = client.get(url)
    assert 400 <= result.status_code < 500, result.status_code
    assert result["Content-Type"].startswith("application/json")
    assert result.json()["message"]


def test_no_session_is_read_and_no_cookie_is_set(published_world, client, make_user):
    user = make_user("hr_admin")
    client.force_login(user)
    session_key = client.cookies["sessionid"].value
    for url in [*_urls(published_world).values(), "/api/v1/docs", "/api/v1/openapi.json"]:
        result = client.get(url)
        assert result.status_code == 200
        assert not result.cookies, url
        assert "Cookie" not in result.get("Vary", ""), url
    assert client.cookies["sessionid"].value == session_key


def test_unapproved_signatures_are_not_served(client):
    requested = CovenantSignatureFactory(status="requested")
    rejected = CovenantSignatureFactory(status="rejected")
    approved = CovenantSignatureFactory()
    ids = [item["id"] for item in client.get("/api/v1/covenant/signatories").json()["items"]]
    assert ids == [approved.pk]
    for hidden in (requested, rejected):
        assert client.get(f"/api/v1/covenant/signatories/{hidden.pk}").status_code == 404


def test_signatory_queries_do_not_grow_with_the_page(client, django_assert_max_num_queries):
    for _ in range(12):
        PledgeProgressFactory()
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/covenant/signatories?limit=12").json()["items"]) == 12
