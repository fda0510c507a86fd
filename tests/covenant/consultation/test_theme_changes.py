"""Analysts rename a theme, change its description, and merge one theme into another."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cms.accounts.models import AuditEvent
from covenant.consultation import services
from covenant.consultation.models import ModerationState, Origin, Theme, ThemeTag
from demo.factories.consultation import ConsultationResponseFactory, answer, consultation_page

from .test_staff_access import ROLES

pytestmark = pytest.mark.django_db


def free_text(page, order=4):
    return page.active_questions().get(sort_order=order)


def moderated_answers(page, question, count):
    answers = []
    for number in range(count):
        response = ConsultationResponseFactory(consultation=page, moderation_state=ModerationState.APPROVED)
        answers.append(answer(response, question, text=f"Answer number {number} about alarms."))
    return answers


def edit_url(theme):
    return reverse("consultation:theme_edit", args=[theme.pk])


@pytest.fixture
def two_themes(consultation, analyst):
    question = free_text(consultation)
    alarms = services.theme_create(consultation=consultation, name="Alarms", user=analyst, question=question)
    security = services.theme_create(
        consultation=consultation, name="Security", user=analyst, question=question
    )
    return alarms, security


def test_analyst_renames_and_describes_a_theme(consultation, two_themes, analyst, login, client):
    alarms, _ = two_themes
    login(analyst)
    page = client.get(edit_url(alarms))
    assert page.status_code == 200 and "Alarms" in page.content.decode()
    response = client.post(
        edit_url(alarms), {"action": "change", "name": "Personal alarms", "description": "Panic buttons"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("consultation:themes", args=[consultation.pk])
    alarms.refresh_from_db()
    assert (alarms.name, alarms.description) == ("Personal alarms", "Panic buttons")
    event = AuditEvent.objects.get(action="consultation.theme_changed")
    assert event.actor == analyst
    assert event.detail["from"]["name"] == "Alarms" and event.detail["to"]["name"] == "Personal alarms"
    themes_page = client.get(reverse("consultation:themes", args=[consultation.pk])).content.decode()
    assert edit_url(alarms) in themes_page and "Personal alarms" in themes_page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name for the theme"),
        ({"name": "   "}, "name", "Enter a name for the theme"),
        ({"name": "security"}, "name", "already a theme with that name"),
        ({"name": "n" * 121}, "name", "120 characters or fewer"),
        ({"name": "Fine", "description": "d" * 401}, "description", "400 characters or fewer"),
    ],
)
def test_bad_changes_are_errors_beside_the_field(two_themes, analyst, login, client, data, field, message):
    alarms, _ = two_themes
    login(analyst)
    response = client.post(edit_url(alarms), {"action": "change", **data})
    assert response.status_code == 400
    assert message in " ".join(response.context["change_form"].errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    alarms.refresh_from_db()
    assert alarms.name == "Alarms" and alarms.description == ""
    assert not AuditEvent.objects.filter(action="consultation.theme_changed").exists()


def test_a_theme_keeps_its_own_name_in_another_case(two_themes, analyst):
    alarms, _ = two_themes
    services.theme_update(theme=alarms, user=analyst, name="ALARMS", description="")
    alarms.refresh_from_db()
    assert alarms.name == "ALARMS"


def test_renaming_a_theme_merged_away_meanwhile_is_an_error_not_a_crash(two_themes, analyst):
    from django.core.exceptions import ValidationError

    alarms, security = two_themes
    services.theme_merge(source=alarms, target=security, user=analyst)
    with pytest.raises(ValidationError) as caught:
        services.theme_update(theme=alarms, user=analyst, name="Alarms at night", description="")
    assert "no longer exists" in str(caught.value)


def test_merge_moves_tags_without_duplicates_and_keeps_who_did_what(
    consultation, two_themes, analyst, make_user, organisation, login, client
):
    source, target = two_themes
    colleague = make_user("analyst", organisation=organisation)
    only_source, only_target, both_unconfirmed_target, both_confirmed, system_only = moderated_answers(
        consultation, free_text(consultation), 5
    )
    services.answer_tag(answer=only_source, theme=source, user=colleague)
    services.answer_tag(answer=only_target, theme=target, user=analyst)
    # The same answer in both themes: the target's tag is a suggestion nobody has confirmed yet.
    ThemeTag.objects.create(answer=both_unconfirmed_target, theme=target, origin=Origin.SYSTEM)
    services.answer_tag(answer=both_unconfirmed_target, theme=source, user=colleague)
    services.answer_tag(answer=both_confirmed, theme=source, user=colleague)
    services.answer_tag(answer=both_confirmed, theme=target, user=analyst)
    ThemeTag.objects.create(answer=system_only, theme=source, origin=Origin.SYSTEM)

    login(analyst)
    response = client.post(edit_url(source), {"action": "merge", "target": target.pk})
    assert response.status_code == 302
    assert not Theme.objects.filter(pk=source.pk).exists()
    tags = {tag.answer_id: tag for tag in ThemeTag.objects.filter(theme=target)}
    assert ThemeTag.objects.count() == 5 == len(tags)  # one tag per answer, none left on the old theme
    assert tags[only_source.pk].created_by == colleague and tags[only_source.pk].confirmed_by == colleague
    assert tags[only_target.pk].created_by == analyst
    # The confirmed tag wins over the unconfirmed suggestion.
    assert tags[both_unconfirmed_target.pk].confirmed_by == colleague
    assert tags[both_unconfirmed_target.pk].origin == Origin.PERSON
    # Both confirmed: the target's own tag stays.
    assert tags[both_confirmed.pk].created_by == analyst
    # A suggestion still waits for a person.
    assert tags[system_only.pk].origin == Origin.SYSTEM and not tags[system_only.pk].is_confirmed
    event = AuditEvent.objects.get(action="consultation.theme_merged")
    assert event.actor == analyst and event.object_id == str(target.pk)
    assert event.detail["source"]["name"] == "Alarms"
    assert (event.detail["tags_moved"], event.detail["duplicates_dropped"]) == (3, 1)
    assert event.detail["unconfirmed_replaced"] == 1


def test_merged_theme_counts_in_the_public_summary(closed_consultation, analyst, client):
    page = closed_consultation
    question = free_text(page)
    first, second, third = moderated_answers(page, question, 3)
    old = services.theme_create(consultation=page, name="Old name", user=analyst, question=question)
    kept = services.theme_create(consultation=page, name="Kept", user=analyst, question=question)
    services.answer_tag(answer=first, theme=old, user=analyst)
    services.answer_tag(answer=second, theme=kept, user=analyst)
    services.answer_tag(answer=third, theme=kept, user=analyst)
    body = client.get(page.subpage_url("summary")).content.decode()
    assert "Old name" in body
    services.theme_update(theme=kept, user=analyst, name="Renamed", description="")
    services.theme_merge(source=old, target=Theme.objects.get(pk=kept.pk), user=analyst)
    summary = client.get(page.subpage_url("summary"))
    themes = summary.context["summaries"][4]["themes"]
    # Three responses: above the consultation threshold (counts of 1 and 2 are hidden).
    assert [(theme.name, theme.n) for theme in themes] == [("Renamed", 3)]
    assert "Old name" not in summary.content.decode()


def test_merge_into_itself_is_refused(two_themes, analyst, login, client):
    source, _ = two_themes
    login(analyst)
    response = client.post(edit_url(source), {"action": "merge", "target": source.pk})
    assert response.status_code == 400
    assert "Choose a theme from the list" in " ".join(response.context["merge_form"].errors["target"])
    assert Theme.objects.filter(pk=source.pk).exists()
    with pytest.raises(ValidationError):
        services.theme_merge(source=source, target=source, user=analyst)


def test_merge_across_consultations_is_refused(consultation, two_themes, analyst, login, client, hub):
    source, _ = two_themes
    other_page = consultation_page(title="Another", slug="another")
    elsewhere = services.theme_create(consultation=other_page, name="Elsewhere", user=analyst)
    (tagged,) = moderated_answers(consultation, free_text(consultation), 1)
    services.answer_tag(answer=tagged, theme=source, user=analyst)
    login(analyst)
    for target in (elsewhere.pk, "not a number", 987654, ""):
        response = client.post(edit_url(source), {"action": "merge", "target": target})
        assert response.status_code == 400, target
        assert response.context["merge_form"].errors["target"]
    with pytest.raises(ValidationError):
        services.theme_merge(source=source, target=elsewhere, user=analyst)
    assert Theme.objects.count() == 3
    assert ThemeTag.objects.get().theme == source
    assert not AuditEvent.objects.filter(action="consultation.theme_merged").exists()


def test_merge_into_a_theme_for_another_question_is_refused(consultation, analyst, login, client):
    across = services.theme_create(consultation=consultation, name="Across", user=analyst)
    narrow = services.theme_create(
        consultation=consultation, name="Question 7 only", user=analyst, question=free_text(consultation, 6)
    )
    (tagged,) = moderated_answers(consultation, free_text(consultation, 4), 1)
    services.answer_tag(answer=tagged, theme=across, user=analyst)
    login(analyst)
    response = client.post(edit_url(across), {"action": "merge", "target": narrow.pk})
    assert response.status_code == 400
    assert "other questions" in " ".join(response.context["merge_form"].errors["target"])
    assert ThemeTag.objects.get().theme == across
    # The other way round is fine: a theme across questions can take any tag.
    response = client.post(edit_url(narrow), {"action": "merge", "target": across.pk})
    assert response.status_code == 302


def test_an_unknown_action_is_a_400(two_themes, analyst, login, client):
    source, _ = two_themes
    login(analyst)
    assert client.post(edit_url(source), {"action": "explode"}).status_code == 400
    assert Theme.objects.count() == 2


@pytest.mark.parametrize("role", ROLES)
def test_only_analysts_may_change_themes(role, two_themes, make_user, login, client, organisation):
    source, target = two_themes
    login(make_user(role, organisation=organisation))
    allowed = role == "analyst"
    assert client.get(edit_url(source)).status_code == (200 if allowed else 403)
    response = client.post(edit_url(source), {"action": "change", "name": "Hijacked"})
    assert response.status_code == (302 if allowed else 403)
    response = client.post(edit_url(target), {"action": "merge", "target": source.pk})
    assert response.status_code == (302 if allowed else 403)
    assert Theme.objects.count() == (1 if allowed else 2)


def test_people_without_a_role_and_anonymous_visitors_are_kept_out(two_themes, make_user, login, client):
    source, target = two_themes
    response = client.post(edit_url(source), {"action": "merge", "target": target.pk})
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    login(make_user())
    assert client.get(edit_url(source)).status_code == 403
    assert client.post(edit_url(source), {"action": "merge", "target": target.pk}).status_code == 403
    assert Theme.objects.count() == 2


def test_the_services_check_the_role(two_themes, moderator):
    source, target = two_themes
    with pytest.raises(PermissionDenied):
        services.theme_update(theme=source, user=moderator, name="Nope")
    with pytest.raises(PermissionDenied):
        services.theme_merge(source=source, target=target, user=moderator)
    assert Theme.objects.count() == 2


def test_unknown_theme_is_404(analyst, login, client, db):
    login(analyst)
    assert client.get(reverse("consultation:theme_edit", args=[987654])).status_code == 404
