import pytest
from django.test import Client
from wagtail.models import Page

from cms.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return HomePage.objects.get()


def test_home_page_renders_with_nhsuk_layout(client, home):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#maincontent"' in html, "skip link"
    assert "nhsuk-header" in html
    assert "nhsuk-footer" in html
    assert 'id="maincontent"' in html
    assert home.title in html
    assert "nhsuk-frontend" in html  # the vendored stylesheet and script


def test_standard_page_has_breadcrumbs_to_home(client, home):
    page = StandardPage(title="Accessibility statement", slug="accessibility", intro="How accessible")
    home.add_child(instance=page)
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "Accessibility statement" in html
    assert "nhsuk-breadcrumb" in html
    assert f'href="{home.url}"' in html


def test_page_tree_rules():
    assert HomePage.parent_page_types == ["wagtailcore.Page"]
    assert HomePage.can_exist_under(Page.get_first_root_node().specific)


def test_footer_links_come_from_site_settings(client, home):
    from wagtail.models import Site

    from cms.models import SiteFooter

    footer = SiteFooter.for_site(Site.objects.get(is_default_site=True))
    footer.links = [("link", {"label": "Contact the Covenant team", "page": None, "url": "/contact/"})]
    footer.copyright = "© Riverside and Wolds partners"
    footer.save()
    html = client.get("/").content.decode()
    assert "Contact the Covenant team" in html
    assert 'href="/contact/"' in html
    assert "© Riverside and Wolds partners" in html


def test_navigation_shows_only_what_the_role_may_use(client, make_user, login):
    html = client.get("/").content.decode()
    assert ">Audit<" not in html and "Audit</" not in html
    login(make_user("auditor"))
    html = client.get("/").content.decode()
    assert 'href="/audit/"' in html


def test_404_page_is_styled(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "nhsuk-header" in html


def test_403_page_is_styled(client, make_user, login):
    login(make_user("incident_reporter"))
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "nhsuk-header" in response.content.decode()


def test_csrf_failure_page_is_styled(make_user, password):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/account/sign-in/", {"username": "a@example.org", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "nhsuk-header" in html
    assert "expired" in html.lower() or "try again" in html.lower()


def test_500_page_renders_without_context_processors():
    from django.test import RequestFactory

    from cms.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html


def test_security_headers_on_public_pages(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_only_inline_script_carries_the_nonce(client):
    import re

    response = client.get("/")
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag
    assert "style=" not in html


def test_rate_limited_page_is_styled_429(rf):
    from django_ratelimit.exceptions import Ratelimited

    from cms.views import rate_limited

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = rate_limited(request, Ratelimited())
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


def test_client_ip_trusts_only_the_configured_proxies(rf, settings):
    from cms.audit import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"
