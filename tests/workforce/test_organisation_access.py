"""Every organisation and account screen as every role: allowed, refused and anonymous.

Platform administrators open every screen for every organisation; organisation administrators the people
screens of their own organisations (another organisation's are 404, the platform screens 403); every other role
gets 403; anonymous visitors are sent to sign in. The invitation page is open to anyone with a valid link."""

import pytest
from django.urls import reverse

from cms.accounts.models import AuditEvent
from cms.accounts.roles import ROLES
from cms.audit import REFUSED, audit_refusals_flush
from workforce.services import organisation_set_active

pytestmark = pytest.mark.django_db

OTHER_ROLES = [role.key for role in ROLES if role.key not in {"platform_admin", "org_admin"}]


@pytest.fixture
def world(make_user, organisation, other_organisation):
    member = make_user("incident_reporter", organisation=organisation, email="member@trust.example")
    admin = make_user("org_admin", organisation=organisation, email="admin@trust.example")
    return {"org": organisation, "other": other_organisation, "member": member, "admin": admin}


PLATFORM_PAGES = {
    "organisation_create": lambda w: reverse("workforce:organisation_create"),
    "organisation_import": lambda w: reverse("workforce:organisation_import"),
    "organisation_edit": lambda w: reverse("workforce:organisation_edit", args=[w["org"].pk]),
    "organisation_status": lambda w: reverse("workforce:organisation_status", args=[w["org"].pk]),
}
ADMIN_PAGES = {
    "organisation_list": lambda w: reverse("workforce:organisation_list"),
    "organisation_list_csv": lambda w: reverse("workforce:organisation_list") + "?_export=csv",
    "organisation_list_xlsx": lambda w: reverse("workforce:organisation_list") + "?_export=xlsx",
    "organisation_detail": lambda w: reverse("workforce:organisation_detail", args=[w["org"].pk]),
    "organisation_detail_csv": lambda w: (
        reverse("workforce:organisation_detail", args=[w["org"].pk]) + "?_export=csv"
    ),
    "invitation_create": lambda w: reverse("workforce:invitation_create", args=[w["org"].pk]),
    "member_detail": lambda w: reverse("workforce:member_detail", args=[w["org"].pk, w["member"].pk]),
    "member_leave": lambda w: reverse("workforce:member_leave", args=[w["org"].pk, w["member"].pk]),
}
OTHER_ORGANISATION_PAGES = {
    "organisation_detail": lambda w: reverse("workforce:organisation_detail", args=[w["other"].pk]),
    "invitation_create": lambda w: reverse("workforce:invitation_create", args=[w["other"].pk]),
}
ALL_PAGES = {**PLATFORM_PAGES, **ADMIN_PAGES}


@pytest.mark.parametrize("page", sorted(ALL_PAGES))
def test_anonymous_is_sent_to_sign_in(client, world, page):
    response = client.get(ALL_PAGES[page](world))
    assert response.status_code == 302 and "/account/sign-in/" in response.url


@pytest.mark.parametrize("page", sorted(ALL_PAGES))
def test_platform_admin_opens_every_page(client, login, make_user, world, page):
    login(make_user("platform_admin"))
    assert client.get(ALL_PAGES[page](world)).status_code == 200


@pytest.mark.parametrize("page", sorted(ADMIN_PAGES))
def test_org_admin_opens_their_organisations_people_pages(client, login, world, page):
    login(world["admin"])
    assert client.get(ADMIN_PAGES[page](world)).status_code == 200


@pytest.mark.parametrize("page", sorted(PLATFORM_PAGES))
def test_org_admin_is_refused_the_platform_pages(client, login, world, page):
    login(world["admin"])
    assert client.get(PLATFORM_PAGES[page](world)).status_code == 403


@pytest.mark.parametrize("page", sorted(OTHER_ORGANISATION_PAGES))
def test_org_admin_gets_404_for_another_organisation_and_it_is_audited(client, login, world, page):
    login(world["admin"])
    assert client.get(OTHER_ORGANISATION_PAGES[page](world)).status_code == 404
    audit_refusals_flush()
    refusal = AuditEvent.objects.get(action=REFUSED, actor=world["admin"])
    assert refusal.detail["reason"] == "not_visible"


def test_org_admin_of_a_deactivated_organisation_sees_it_no_more(client, login, make_user, world):
    organisation_set_active(
        actor=make_user("platform_admin"), organisation=world["org"], active=False, reason="x"
    )
    login(world["admin"])
    assert client.get(ADMIN_PAGES["organisation_detail"](world)).status_code == 404


def test_org_admin_list_shows_only_their_organisations(client, login, world):
    login(world["admin"])
    body = client.get(reverse("workforce:organisation_list")).content.decode()
    assert world["org"].name in body and world["other"].name not in body


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_other_role_is_refused_every_page(client, login, make_user, world, role):
    login(make_user(role, organisation=world["org"]))
    refused = {page: client.get(url(world)).status_code for page, url in ALL_PAGES.items()}
    assert set(refused.values()) == {403}, refused


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_other_role_cannot_post_to_the_people_screens(client, login, make_user, world, role):
    login(make_user(role, organisation=world["org"]))
    invite = client.post(
        reverse("workforce:invitation_create", args=[world["org"].pk]),
        {"email": "x@trust.example", "roles": ["hr_admin"]},
    )
    leave = client.post(reverse("workforce:member_leave", args=[world["org"].pk, world["member"].pk]), {})
    assert (invite.status_code, leave.status_code) == (403, 403)
    assert world["member"].memberships.exists()


def test_the_invitation_page_is_open_to_anyone_with_a_valid_link_only(client):
    assert client.get(reverse("workforce:invitation_accept", args=["12-abc"])).status_code == 404
