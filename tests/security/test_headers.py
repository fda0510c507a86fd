"""Security headers on every kind of response the site sends.

Each page type below is requested the way a person would reach it (signed in with the role that may see it,
or anonymously), and every response must carry a Content Security Policy whose scripts need a nonce or come
from our own origin (no 'unsafe-inline', no 'unsafe-eval'), frame denial, a referrer policy, a permissions
policy and nosniff. The Wagtail admin is the one documented exception: its own templates still carry inline
scripts and styles, so it gets its own policy, asserted exactly below. HSTS is sent under the production
settings on HTTPS requests. See docs/reliability.md, "Security".
"""

from __future__ import annotations

import importlib
import re
import sys

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from demo.factories.consultation import ConsultationResponseFactory, answer, consultation_page
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import AssignmentFactory, EmploymentFactory
from tests.covenant.incidents.conftest import report_pages

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4})\b")


def _policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


# --- how to reach each page type ------------------------------------------------------------------------------
def _home(ctx):
    return ctx.client.get("/")


def _standard_page(ctx):
    from tests.cms.pages import standard_page

    return ctx.client.get(standard_page(title="About the Covenant").url)


def _consultation_hub(ctx):
    page = consultation_page(slug="have-your-say")
    return ctx.client.get(page.get_parent().url)


def _consultation_page(ctx):
    return ctx.client.get(consultation_page(slug="have-your-say").url)


def _consultation_respond_form(ctx):
    page = consultation_page(slug="have-your-say")
    start = ctx.client.get(page.subpage_url("respond_start"))
    return start if start.status_code != 302 else ctx.client.get(start["Location"])


def _concluded_consultation(ctx):
    page = consultation_page(slug="concluded", status="concluded")
    response = ConsultationResponseFactory(consultation=page)
    answer(response, page.active_questions().first(), selected=["Agree"], text="Yes please.")
    return page


def _outcome_pdf(ctx):
    return ctx.client.get(_concluded_consultation(ctx).subpage_url("outcome_pdf"))


def _open_data_json(ctx):
    return ctx.client.get(_concluded_consultation(ctx).subpage_url("open_data", fmt="json"))


def _incident_report_form(ctx):
    return ctx.client.get(reverse("incidents:report_form", args=["anonymous"]))


def _incident_report_done(ctx):
    return report_pages(ctx.client, ctx.organisation)


def _follow_up(ctx):
    return ctx.client.get(reverse("incidents:follow_up"))


def _sign_in(ctx):
    return ctx.client.get(reverse("accounts:login"))


def _hr_person_list(ctx):
    ctx.login(ctx.make_user("hr_admin", organisation=ctx.organisation))
    AssignmentFactory(employment=EmploymentFactory(employer=ctx.organisation))
    return ctx.client.get(reverse("workforce:person_list"))


def _hr_person_detail(ctx):
    ctx.login(ctx.make_user("hr_admin", organisation=ctx.organisation))
    assignment = AssignmentFactory(employment=EmploymentFactory(employer=ctx.organisation))
    return ctx.client.get(reverse("workforce:person_detail", args=[assignment.person.pk]))


def _hr_people_csv(ctx):
    ctx.login(ctx.make_user("hr_admin", organisation=ctx.organisation))
    AssignmentFactory(employment=EmploymentFactory(employer=ctx.organisation))
    return ctx.client.get(reverse("workforce:person_list") + "?_export=csv")


def _handler_case_list(ctx):
    ctx.login(ctx.make_user("incident_handler", organisation=ctx.organisation))
    IncidentReportFactory(organisation=ctx.organisation)
    return ctx.client.get(reverse("incidents:case_list"))


def _handler_case_detail(ctx):
    ctx.login(ctx.make_user("incident_handler", organisation=ctx.organisation))
    report = IncidentReportFactory(organisation=ctx.organisation)
    return ctx.client.get(reverse("incidents:case_detail", args=[report.pk]))


def _handler_cases_xlsx(ctx):
    ctx.login(ctx.make_user("incident_handler", organisation=ctx.organisation))
    IncidentReportFactory(organisation=ctx.organisation)
    return ctx.client.get(reverse("incidents:case_list") + "?_export=xlsx")


def _healthz(ctx):
    return ctx.client.get("/healthz")


def _not_found(ctx):
    return ctx.client.get("/zz-no-such-page/")


def _forbidden(ctx):
    ctx.login(ctx.make_user(email="no.role@example.org"))
    return ctx.client.get(reverse("workforce:person_list"))


def _csrf_failure(ctx):
    client = Client(enforce_csrf_checks=True)
    return client.post(reverse("accounts:login"), {"username": "a@example.org", "password": "x"})


def _rate_limited(ctx):
    ctx.settings.INCIDENT_FOLLOW_UP_ADDRESS_FAILURES = 10
    for _ in range(11):
        response = ctx.client.post(reverse("incidents:follow_up"), {"code": "1111 2222 3333 4444"})
    return response


def _database_down(ctx):
    from cms.models import HomePage

    def lost_connection(self, request, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    ctx.monkeypatch.setattr(HomePage, "serve", lost_connection)
    return Client(raise_request_exception=False).get("/")


def _healthz_database_down(ctx):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    ctx.monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    return ctx.client.get("/healthz")


def _database_down_signed_in(ctx):
    """The database goes while a signed-in person's session is read: the error surfaces in the outer
    middleware (authentication, session timeout), not in a view."""
    ctx.login(ctx.make_user("hr_admin", organisation=ctx.organisation))

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server")

    ctx.monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore._get_session_from_db", refuse)
    ctx.client.raise_request_exception = False
    return ctx.client.get(reverse("workforce:person_list"))


def _unknown_host(ctx):
    ctx.settings.ALLOWED_HOSTS = ["covenant.example.nhs.uk"]
    return ctx.client.get("/", headers={"Host": "attacker.example"})


def _static_file(ctx):
    return ctx.client.get("/static/css/app.css")


PAGES = {
    # name: (how to reach it, the status it answers with)
    "wagtail home page": (_home, 200),
    "standard page": (_standard_page, 200),
    "consultation hub": (_consultation_hub, 200),
    "consultation page": (_consultation_page, 200),
    "consultation response form": (_consultation_respond_form, 200),
    "consultation outcome pdf": (_outcome_pdf, 200),
    "open data json": (_open_data_json, 200),
    "incident report form": (_incident_report_form, 200),
    "incident report done (follow-up code)": (_incident_report_done, 200),
    "incident follow-up": (_follow_up, 200),
    "sign-in": (_sign_in, 200),
    "staff list (people, hr admin)": (_hr_person_list, 200),
    "staff detail (person, hr admin)": (_hr_person_detail, 200),
    "csv export (people, hr admin)": (_hr_people_csv, 200),
    "staff list (cases, handler)": (_handler_case_list, 200),
    "staff detail (case, handler)": (_handler_case_detail, 200),
    "xlsx export (cases, handler)": (_handler_cases_xlsx, 200),
    "healthz": (_healthz, 200),
    "healthz, database down": (_healthz_database_down, 503),
    "404": (_not_found, 404),
    "403": (_forbidden, 403),
    "403 csrf": (_csrf_failure, 403),
    "429": (_rate_limited, 429),
    "503 (database lost while rendering)": (_database_down, 503),
    "503 (database lost reading a signed-in session)": (_database_down_signed_in, 503),
    "400 (unknown host)": (_unknown_host, 400),
    "static file": (_static_file, 200),
}


class Context:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


@pytest.fixture
def ctx(client, login, make_user, organisation, settings, monkeypatch):
    return Context(
        client=client,
        login=login,
        make_user=make_user,
        organisation=organisation,
        settings=settings,
        monkeypatch=monkeypatch,
    )


def assert_common_headers(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


@pytest.mark.parametrize("page", PAGES)
def test_every_page_type_sends_the_security_headers(page, ctx):
    reach, status = PAGES[page]
    response = reach(ctx)
    assert response.status_code == status, page
    assert_common_headers(response)
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    scripts = policy["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert scripts[0] == "'self'" and all(
        source == "'self'" or source.startswith("'nonce-") for source in scripts
    )
    assert "'unsafe-inline'" not in policy["style-src"]


def test_html_pages_run_no_script_without_the_nonce(ctx):
    """The policy would block an inline script without the nonce; none is sent on a form page either."""
    response = _incident_report_form(ctx)
    html = response.content.decode()
    nonces = [source for source in _policy(response)["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) <= 1
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or (nonces and f'nonce="{nonces[0][7:-1]}"' in tag), tag
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers need 'unsafe-inline'"


def test_the_nonce_is_fresh_on_every_response(ctx):
    first, second = _policy(ctx.client.get("/"))["script-src"], _policy(ctx.client.get("/"))["script-src"]
    assert first != second


# --- the Wagtail admin ----------------------------------------------------------------------------------------
# Wagtail 8's admin templates still carry inline <script> blocks (inline panels, date and time choosers) and
# style attributes, and a nonce cannot reach scripts rendered by widgets, so the admin gets 'unsafe-inline' for
# scripts and styles, and blob: images (upload previews). Nothing else is relaxed: no 'unsafe-eval', no other
# origin, and the admin is framed only by itself (the editor's live preview).
ADMIN_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "blob:", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


@pytest.fixture
def editor_client(ctx):
    ctx.login(ctx.make_user("editor"))
    return ctx.client


@pytest.mark.parametrize("path", ["/admin/", "home-edit", "/admin/pages/"])
def test_wagtail_admin_gets_its_own_narrow_policy(path, editor_client):
    from wagtail.models import Page

    if path == "home-edit":
        path = f"/admin/pages/{Page.objects.get(depth=2).pk}/edit/"
    response = editor_client.get(path)
    assert response.status_code == 200
    assert_common_headers(response)
    policy = _policy(response)
    assert {name: sorted(sources) for name, sources in policy.items() if name != "frame-ancestors"} == {
        name: sorted(sources) for name, sources in ADMIN_POLICY.items()
    }
    assert policy["frame-ancestors"] == ["'none'"]


def test_wagtail_admin_sign_in_sends_to_ours_under_the_admin_policy(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/account/sign-in/?next=/admin/"
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert _policy(response)["frame-ancestors"] == ["'none'"]
    assert_common_headers(response)


def test_wagtail_preview_may_be_framed_by_the_admin_only(editor_client):
    from wagtail.models import Page

    home = Page.objects.get(depth=2).specific
    url = f"/admin/pages/{home.pk}/edit/preview/"
    data = {"title": home.title, "slug": home.slug}
    editor_client.post(url, data)
    response = editor_client.get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = _policy(response)
    assert policy["frame-ancestors"] == ["'self'"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_front_end_pages_keep_the_strict_policy_for_a_signed_in_editor(editor_client):
    policy = _policy(editor_client.get("/"))
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-inline'" not in policy["style-src"]


# --- HSTS under the production settings -----------------------------------------------------------------------
@pytest.fixture
def production_transport(settings, monkeypatch):
    """Apply the transport-security values of cms/settings/production.py (read from the module itself)."""
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
    monkeypatch.delenv("SECURE_HSTS_SECONDS", raising=False)
    monkeypatch.delenv("SECURE_SSL_REDIRECT", raising=False)
    monkeypatch.delitem(sys.modules, "cms.settings.production", raising=False)
    production = importlib.import_module("cms.settings.production")
    monkeypatch.delitem(sys.modules, "cms.settings.production")
    for name in (
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
    ):
        setattr(settings, name, getattr(production, name))
    return production


def assert_hsts(response):
    hsts = response["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
    assert "includeSubDomains" in hsts and "preload" in hsts


@pytest.mark.parametrize(
    "page",
    [
        "wagtail home page",
        "sign-in",
        "incident report form",
        "staff list (cases, handler)",
        "xlsx export (cases, handler)",
        "healthz",
        "404",
        "429",
    ],
)
def test_hsts_behind_the_tls_proxy_with_production_settings(page, ctx, production_transport):
    # TLS ends at the reverse proxy, which says so in X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
    ctx.client.defaults["HTTP_X_FORWARDED_PROTO"] = "https"
    reach, status = PAGES[page]
    response = reach(ctx)
    assert response.status_code == status
    assert_hsts(response)
    assert_common_headers(response)


@pytest.mark.parametrize("path", ["/", "/account/sign-in/", "/healthz", "/zz-no-such-page/"])
def test_hsts_on_a_secure_request_with_production_settings(path, client, production_transport):
    response = client.get(path, secure=True)
    assert response.status_code in (200, 404)
    assert_hsts(response)


def test_http_is_redirected_to_https_and_proxy_header_is_trusted(client, production_transport):
    response = client.get("/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
    # The load balancer checks health over plain HTTP.
    assert client.get("/healthz").status_code == 200


def test_no_hsts_on_plain_http_in_development(client, settings):
    settings.SECURE_HSTS_SECONDS = 0
    assert "Strict-Transport-Security" not in client.get("/")


@pytest.mark.parametrize("page", ["staff detail (case, handler)", "staff detail (person, hr admin)"])
def test_staff_pages_need_no_inline_styles(page, ctx):
    """style-src has no 'unsafe-inline': a style attribute would be ignored by the browser, so none is sent."""
    html = PAGES[page][0](ctx).content.decode()
    assert not re.search(r"<[^>]+\sstyle=", html)
