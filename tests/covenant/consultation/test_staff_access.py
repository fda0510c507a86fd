"""Every role on every staff screen and export: allowed, denied (403) and anonymous (sent to sign in)."""

import pytest
from django.urls import reverse

from cms.accounts import roles
from covenant.consultation.models import ModerationState, Theme
from demo.factories.consultation import ConsultationResponseFactory, answer

pytestmark = pytest.mark.django_db

# Every role the project defines, so a new role is checked here without anyone adding it.
ROLES = tuple(role.key for role in roles.ROLES)


@pytest.fixture
def world(consultation):
    response = ConsultationResponseFactory(
        consultation=consultation, moderation_state=ModerationState.APPROVED
    )
    question = consultation.active_questions().get(sort_order=4)
    tagged = answer(response, question, text="A simple form.")
    theme = Theme.objects.create(consultation=consultation, name="Simpler forms")
    return {"consultation": consultation, "response": response, "answer": tagged, "theme": theme}


def staff_urls(world):
    c, r, a = world["consultation"], world["response"], world["answer"]
    queue = reverse("consultation:moderation_queue")
    answers = reverse("consultation:answers", args=[c.pk])
    return {
        "moderation queue": (queue + "?moderation_state=pending", {"consultation_moderator"}),
        "moderation export csv": (
            queue + "?moderation_state=pending&_export=csv",
            {"consultation_moderator"},
        ),
        "moderation export xlsx": (queue + "?_export=xlsx", {"consultation_moderator"}),
        "moderate one": (reverse("consultation:moderate", args=[r.pk]), {"consultation_moderator"}),
        "analysis index": (reverse("consultation:analysis"), {"analyst", "consultation_moderator"}),
        "answers table": (answers, {"analyst"}),
        "answers export csv": (answers + "?_export=csv", {"analyst"}),
        "answers export xlsx": (answers + "?_export=xlsx", {"analyst"}),
        "themes": (reverse("consultation:themes", args=[c.pk]), {"analyst"}),
        "answer": (reverse("consultation:answer", args=[a.pk]), {"analyst"}),
        "theme change and merge": (reverse("consultation:theme_edit", args=[world["theme"].pk]), {"analyst"}),
        "enter an offline response": (
            reverse("consultation:response_add", args=[c.pk]),
            {"consultation_moderator"},
        ),
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_each_staff_screen(role, world, make_user, login, client, organisation):
    user = make_user(role, organisation=organisation)
    login(user)
    for name, (url, allowed) in staff_urls(world).items():
        response = client.get(url)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, f"{role} on {name}: {response.status_code}"


def test_anonymous_is_sent_to_sign_in(world, client):
    for name, (url, _) in staff_urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert "/account/sign-in/" in response["Location"], name


def test_staff_posts_are_refused_without_the_role(world, make_user, login, client, organisation):
    login(make_user("analyst", organisation=organisation))
    response = client.post(
        reverse("consultation:moderate", args=[world["response"].pk]),
        {"action": "decide", "decision": "approved"},
    )
    assert response.status_code == 403
    login(make_user("consultation_moderator", organisation=organisation))
    response = client.post(
        reverse("consultation:themes", args=[world["consultation"].pk]),
        {"action": "create", "name": "Sneaky"},
    )
    assert response.status_code == 403


def test_nav_shows_moderation_only_to_moderators(world, make_user, login, client, organisation):
    login(make_user("consultation_moderator", organisation=organisation))
    body = client.get(reverse("consultation:analysis")).content.decode()
    assert reverse("consultation:moderation_queue") in body
    login(make_user("analyst", organisation=organisation))
    body = client.get(reverse("consultation:analysis")).content.decode()
    assert 'href="/consultation/moderation/"' not in body


def test_hub_redirects_to_the_live_hub_page(client, hub):
    response = client.get(reverse("consultation:hub"))
    assert response.status_code == 302
    assert response["Location"] == hub.url


def test_hub_is_404_without_a_hub_page(client, db):
    assert client.get(reverse("consultation:hub")).status_code == 404
