"""E-mails link to the address the site is served at (SITE_URL, which `make run` builds from HOST and PORT),
whatever the port, never to a fixed http://localhost/ or port 8000."""

import pytest
from django.core import mail

from cms.links import absolute_url

SERVED = "http://127.0.0.1:8123"


def test_absolute_url_joins_the_site_address_and_a_path(settings):
    settings.SITE_URL = SERVED
    assert absolute_url("/account/sign-in/") == f"{SERVED}/account/sign-in/"
    assert absolute_url("account/sign-in/") == f"{SERVED}/account/sign-in/"
    settings.SITE_URL = "https://covenant.example.nhs.uk/"
    assert absolute_url("/") == "https://covenant.example.nhs.uk/"


@pytest.mark.django_db
def test_the_password_reset_link_uses_the_served_port(client, make_user, settings):
    settings.SITE_URL = SERVED
    user = make_user("incident_reporter")
    client.post("/account/password-reset/", {"email": user.email})
    [message] = mail.outbox
    [link] = [line for line in message.body.splitlines() if "/account/password-reset/" in line]
    assert link.startswith(f"{SERVED}/account/password-reset/")
    assert "localhost" not in message.body and ":8000" not in message.body
    # The path of the link works on the site.
    form = client.get(link.removeprefix(SERVED), follow=True)
    assert "Choose a new password" in form.content.decode()


@pytest.mark.django_db
def test_the_demo_site_answers_at_the_site_address(settings):
    """Wagtail builds a page's full URL (in the CMS's workflow e-mails) from its Site: the seed points it at
    SITE_URL."""
    from wagtail.models import Site

    from cms.models import HomePage
    from demo import site as demo_site

    settings.SITE_URL = SERVED
    demo_site.seed(world=demo_site.DemoWorld(), sizes={})
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    assert HomePage.objects.get().full_url == f"{SERVED}/"
