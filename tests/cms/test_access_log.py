"""The production access log never holds the token of a resume, password-reset or invitation link, and the
pages those links open tell the browser not to send the link as the Referer of the next request."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from gunicorn.config import Config

from cms.access_log import AccessLogWithoutSecrets
from cms.secret_links import without_secrets
from covenant.consultation.services.drafts import draft_save
from demo.factories.consultation import consultation_page, hub_page
from workforce import services as workforce_services
from workforce.selectors.organisations import invitation_token


def test_secrets_in_paths_are_replaced():
    token = "Zq3" * 14
    assert without_secrets(f"GET /consultations/lone/respond/resume/{token}/ HTTP/1.1") == (
        "GET /consultations/lone/respond/resume/…/ HTTP/1.1"
    )
    # The journey's own address for a draft's link (views/public.py).
    assert without_secrets(f"GET /consultation/respond/12/resume/{token}/ HTTP/1.1") == (
        "GET /consultation/respond/12/resume/…/ HTTP/1.1"
    )
    assert without_secrets("/account/password-reset/MTI/cabc12-0123456789abcdef/") == (
        "/account/password-reset/MTI/…/"
    )
    assert without_secrets(f"GET /workforce/invitation/42-{token}/ HTTP/1.1") == (
        "GET /workforce/invitation/…/ HTTP/1.1"
    )
    # Django swaps the token for this fixed word after the first request; other paths stay as they are.
    assert (
        without_secrets("/account/password-reset/MTI/set-password/")
        == "/account/password-reset/MTI/set-password/"
    )
    assert (
        without_secrets("/consultations/lone/respond/questions/2/")
        == "/consultations/lone/respond/questions/2/"
    )


def test_gunicorn_writes_the_line_without_the_token():
    config = Config()
    config.set("accesslog", "-")
    logger = AccessLogWithoutSecrets(config)
    token = "secret-token-" + "x" * 30
    path = f"/consultations/lone/respond/resume/{token}/"
    request = SimpleNamespace(
        method="GET", path=path, query="", uri=path, version=(1, 1), headers=[], remote_addr="203.0.113.9"
    )
    response = SimpleNamespace(status="302 Found", sent=0, headers=[], response_length=0)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
    }
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1000))
    assert token not in atoms["r"] and token not in atoms["U"]
    assert "/respond/resume/…/" in atoms["r"]


def test_the_referer_and_every_header_are_written_without_the_token():
    """Security review 2 (F8): the page after a resume link is asked for with the link as its Referer, and
    gunicorn's default format writes the Referer ("%(f)s")."""
    config = Config()
    config.set("accesslog", "-")
    logger = AccessLogWithoutSecrets(config)
    token = "secret-token-" + "x" * 30
    path = "/consultation/respond/12/"
    referer = f"https://covenant.example.nhs.uk/consultation/respond/12/resume/{token}/"
    request = SimpleNamespace(
        method="POST",
        path=path,
        query="",
        uri=path,
        version=(1, 1),
        headers=[("REFERER", referer), ("X-ORIGINAL-URI", f"/workforce/invitation/42-{token}/")],
        remote_addr="203.0.113.9",
    )
    response = SimpleNamespace(
        status="302 Found", sent=0, headers=[("Location", f"/respond/resume/{token}/")], response_length=0
    )
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": referer,
    }
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1000))
    line = config.access_log_format % atoms
    assert '"https://covenant.example.nhs.uk/consultation/respond/12/resume/…/"' in line
    assert token not in line
    assert not [key for key, value in atoms.items() if isinstance(value, str) and token in value]


@pytest.mark.django_db
def test_pages_opened_by_a_secret_link_send_only_their_origin_as_referrer(client, make_user, organisation):
    """Resume, invitation and password-reset links: whatever the page answers, the browser is told to send no
    Referer from it, so the token never reaches the next request's log (or another site)."""
    hub_page()
    page = consultation_page(slug="nhs-covenant")
    token = draft_save(consultation=page, progress={"token": "journey-token", "answers": {}})
    resume = reverse("consultation:resume", args=[page.pk, token])
    admin = make_user("org_admin", organisation=organisation, email="admin@trust.example")
    invitation = workforce_services.invitation_create(
        actor=admin, organisation=organisation, email="new.starter@trust.example", roles=["hr_admin"]
    )
    invited = reverse("workforce:invitation_accept", args=[invitation_token(invitation)])
    user = make_user(email="reset@trust.example")
    reset = reverse(
        "accounts:password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
    )
    for link in (resume, invited, reset, resume[:-5] + "wrong/"):
        opened = client.get(link)
        assert opened.status_code < 500, link
        assert opened["Referrer-Policy"] == "origin", link
    # Everywhere else the site-wide policy stands.
    assert client.get("/")["Referrer-Policy"] == "strict-origin-when-cross-origin"
