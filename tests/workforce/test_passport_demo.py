"""The demo's staff passport walked through the screens: Jo Pennant shares her passport with Riverside Hospitals,
whose HR administrator verifies the credential a colleague recorded and redeems Jo's code."""

import re

import pytest
from django.urls import reverse

from demo import site as demo_site
from demo import workforce as demo_workforce
from workforce.models import CredentialReliance, PassportCredential

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SIZES = {"people": 40, "incidents": 0, "responses": 0, "seed": 7}


@pytest.fixture
def world():
    world = demo_site.DemoWorld()
    demo_site.seed(world=world, sizes=SIZES)
    demo_workforce.seed(world=world, sizes=SIZES)
    return world


def test_demo_passport_journey(world, client, login):
    jo_login = world.users["care.worker@harbourside-care.example"]
    login(jo_login)
    page = client.get(reverse("workforce:my_passport")).content.decode()
    assert "Enhanced with barred list, on the update service" in page and "Waiting for the holder" in page
    trust = world.organisations["Riverside Hospitals"]
    response = client.post(reverse("workforce:my_passport"), {"organisation": trust.pk})
    code = re.search(r"app-share-code\"><strong>([A-Z0-9-]{14})</strong>", response.content.decode()).group(1)
    client.logout()

    login(world.users["hr.admin@riverside-hospitals.example"])
    pending = PassportCredential.objects.get(subject="Care Certificate")
    assert "Care Certificate" in client.get(reverse("workforce:credentials_to_verify")).content.decode()
    assert client.post(reverse("workforce:credentials_to_verify"), {"verify": pending.pk}).status_code == 302
    pending.refresh_from_db()
    assert pending.verified_by == world.users["hr.admin@riverside-hospitals.example"]
    response = client.post(reverse("workforce:share_redeem"), {"code": code, "job_role": ""}, follow=True)
    html = response.content.decode()
    assert "Jo Pennant" in html and "Reused from the passport" in html
    assert (
        CredentialReliance.objects.filter(organisation=trust, credential__person__first_name="Jo").count()
        >= 3
    )
