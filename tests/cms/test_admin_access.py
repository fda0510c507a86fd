"""Only editors (and superusers) reach the Wagtail admin; every other role is turned away."""

import pytest

pytestmark = pytest.mark.django_db


def test_editor_reaches_the_cms_and_can_edit_pages(client, make_user, login):
    from wagtail.models import Page

    editor = make_user("editor")
    login(editor)
    assert client.get("/admin/").status_code == 200
    home = Page.objects.get(depth=2)
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{home.pk}/add_subpage/").status_code == 200


@pytest.mark.parametrize(
    "role",
    [
        "hr_admin",
        "incident_reporter",
        "incident_handler",
        "identity_custodian",
        "analyst",
        "consultation_moderator",
        "auditor",
    ],
)
def test_other_roles_cannot_reach_the_cms(client, make_user, login, role):
    login(make_user(role))
    response = client.get("/admin/")
    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert response.url.startswith("/account/sign-in/")


def test_anonymous_is_sent_to_the_one_sign_in_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/account/sign-in/")


def test_the_cms_has_no_sign_in_or_password_reset_of_its_own(client, make_user, password):
    # Wagtail's own sign-in form would skip two-factor and the throttles: it only sends people to ours.
    response = client.post("/admin/login/", {"username": make_user("editor").email, "password": password})
    assert response.status_code == 302
    assert response.url.startswith("/account/sign-in/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/password_reset/").status_code in {302, 404}


def test_navigation_shows_cms_only_to_editors(client, make_user, login):
    login(make_user("editor"))
    assert 'href="/admin/"' in client.get("/").content.decode()
    client.logout()
    login(make_user("hr_admin"))
    assert 'href="/admin/"' not in client.get("/").content.decode()
