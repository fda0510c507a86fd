"""Issue 19: the analyst's per-question workflow on maintained libraries. Candidate themes and which themes each
answer raises are suggested in the background; analysts accept, reject, split and confirm; rejected suggestions
stay rejected; a template campaign is found; the outcome counts exactly the confirmed tags and links to those
published responses; nothing unconfirmed, unapproved or unconsented reaches the public."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from covenant.consultation import publication, services, textanalysis
from covenant.consultation.models import (
    AnalysisRun,
    CampaignKind,
    ModerationState,
    Origin,
    PublishConsent,
    Theme,
    ThemeSuggestion,
    ThemeTag,
    ThemeTagRejection,
)
from demo.factories.consultation import ConsultationResponseFactory, answer

pytestmark = pytest.mark.django_db

PARKING = [
    "Parking charges for night staff at the hospital are far too high.",
    "Staff should not pay parking charges when they work nights.",
    "The car park charges staff a fortune for parking on a night shift.",
    "Free parking for staff on nights would help, the charges are unfair.",
    "Parking is too expensive for staff and the charges keep going up.",
]
ALARMS = [
    "Every lone worker needs a personal alarm that reaches a real person.",
    "Give community staff alarms so lone workers can call for help.",
    "Lone workers should carry an alarm on every home visit.",
    "Personal alarms for staff who visit patients alone at home.",
    "An alarm for each lone worker, tested and working, would help.",
]
TEMPLATE = (
    "I support the Safe Staff campaign. Every health and social care worker deserves to be safe at work, to be "
    "treated fairly by their employer and to be supported when things go wrong."
)
ROLES = ["consultation_moderator", "safeguarding_lead", "hr_admin", "incident_handler"]


def free_text(page):
    return page.active_questions().get(sort_order=4)


def respond(page, question, texts, *, state=ModerationState.APPROVED, consent=PublishConsent.ANONYMOUS):
    answers = []
    for text in texts:
        response = ConsultationResponseFactory(
            consultation=page, moderation_state=state, publish_consent=consent
        )
        answers.append(answer(response, question, text=text))
    return answers


def analysis_url(question):
    return reverse("consultation:question_analysis", args=[question.pk])


# --- the libraries ------------------------------------------------------------------------------------------------


def test_a_template_campaign_is_found_and_its_size_is_right(consultation, analyst):
    question = free_text(consultation)
    copies = [
        TEMPLATE,
        TEMPLATE,
        "I am a nurse. " + TEMPLATE,
        TEMPLATE.replace("deserves", "deserve"),
        TEMPLATE + " Thank you.",
        TEMPLATE.replace("treated fairly", "treated with respect"),
    ]
    respond(consultation, question, copies + PARKING)
    groups = services.campaigns_detect(consultation=consultation, user=analyst)
    campaigns = [group for group in groups if group.kind == CampaignKind.CAMPAIGN]
    assert len(campaigns) == 1
    assert campaigns[0].size == 6 and campaigns[0].responses.count() == 6


def test_a_pair_below_the_campaign_size_is_a_duplicate_not_a_campaign(consultation, analyst):
    question = free_text(consultation)
    respond(consultation, question, [TEMPLATE, TEMPLATE + " Thanks."] + ALARMS)
    (group,) = services.campaigns_detect(consultation=consultation, user=analyst)
    assert (group.kind, group.size) == (CampaignKind.DUPLICATE, 2)


def test_a_paraphrase_of_an_idea_lands_on_the_same_theme():
    matcher = textanalysis.ThemeMatcher(
        sample=PARKING + ALARMS,
        themes=[
            textanalysis.ThemeProfile(key=1, name="Parking charges", examples=PARKING[:3]),
            textanalysis.ThemeProfile(key=2, name="Lone worker alarms", examples=ALARMS[:3]),
        ],
    )
    found = matcher.assign(
        [
            "Night shift staff shouldn't have to pay so much to park their car.",
            "Staff working alone on home visits need an alarm to get help.",
            "",
        ]
    )
    assert [key for key, _ in found[0]][:1] == [1]
    assert [key for key, _ in found[1]][:1] == [2]
    assert found[2] == []


def test_suggestions_are_deterministic():
    texts = PARKING + ALARMS
    assert textanalysis.suggest_topics(texts) == textanalysis.suggest_topics(texts)
    assert textanalysis.near_duplicate_groups(enumerate([TEMPLATE] * 3)) == [[0, 1, 2]]


# --- the workflow ---------------------------------------------------------------------------------------------------


def test_suggest_accept_reject_and_rejected_suggestions_stay_rejected(consultation, analyst, login, client):
    question = free_text(consultation)
    respond(consultation, question, PARKING + ALARMS)
    login(analyst)
    response = client.post(analysis_url(question), {"action": "suggest"})
    assert response.status_code == 302
    run = AnalysisRun.objects.get(question=question, kind="suggest")
    assert run.status == "done" and run.done == run.total == 10
    assert run.result in client.get(analysis_url(question)).content.decode()
    suggestions = list(ThemeSuggestion.objects.filter(question=question, state="proposed"))
    assert len(suggestions) == 2
    parking = next(s for s in suggestions if "parking" in s.terms)
    alarms = next(s for s in suggestions if s.pk != parking.pk)
    response = client.post(
        analysis_url(question), {"action": "accept", "suggestion": parking.pk, "name": "Parking"}
    )
    assert response.status_code == 302
    theme = Theme.objects.get(name="Parking")
    assert theme.question == question and theme.origin == Origin.SYSTEM
    assert ThemeTag.objects.filter(theme=theme, confirmed_at__isnull=True).exists()
    assert (
        client.post(
            analysis_url(question), {"action": "reject_suggestion", "suggestion": alarms.pk}
        ).status_code
        == 302
    )
    # Suggested again on the same answers: neither the rejected nor the accepted one comes back.
    client.post(analysis_url(question), {"action": "suggest"})
    assert not ThemeSuggestion.objects.filter(question=question, state="proposed").exists()
    assert ThemeSuggestion.objects.get(pk=alarms.pk).state == "rejected"


def test_accepting_a_decided_suggestion_is_an_error_not_a_crash(consultation, analyst, login, client):
    question = free_text(consultation)
    suggestion = ThemeSuggestion.objects.create(
        question=question, terms="a, b, c", key="a|b|c", state="rejected"
    )
    login(analyst)
    response = client.post(
        analysis_url(question), {"action": "accept", "suggestion": suggestion.pk, "name": "X"}
    )
    assert response.status_code == 400
    assert "already been decided" in response.content.decode()
    response = client.post(
        analysis_url(question), {"action": "accept", "suggestion": suggestion.pk, "name": ""}
    )
    assert response.status_code == 400 and "Enter a name for the theme" in response.content.decode()
    assert not Theme.objects.exists()


def _themes_with_examples(page, question, analyst):
    parking_answers = respond(page, question, PARKING)
    alarm_answers = respond(page, question, ALARMS)
    parking = services.theme_create(
        consultation=page, name="Parking charges", user=analyst, question=question
    )
    alarms = services.theme_create(
        consultation=page, name="Lone worker alarms", user=analyst, question=question
    )
    for item in parking_answers[:3]:
        services.answer_tag(answer=item, theme=parking, user=analyst)
    for item in alarm_answers[:3]:
        services.answer_tag(answer=item, theme=alarms, user=analyst)
    return parking, alarms, parking_answers, alarm_answers


def test_assignment_suggests_themes_and_bulk_review_confirms_and_rejects(
    consultation, analyst, login, client
):
    question = free_text(consultation)
    parking, alarms, parking_answers, alarm_answers = _themes_with_examples(consultation, question, analyst)
    paraphrase = respond(consultation, question, ["We are charged too much to park the car when on nights."])[
        0
    ]
    login(analyst)
    assert client.post(analysis_url(question), {"action": "assign"}).status_code == 302
    run = AnalysisRun.objects.get(question=question, kind="assign")
    assert run.status == "done" and run.total == 11
    suggested = ThemeTag.objects.filter(confirmed_at__isnull=True, origin=Origin.SYSTEM)
    assert suggested.filter(answer=paraphrase, theme=parking).exists()
    assert suggested.filter(answer=alarm_answers[4], theme=alarms).exists()
    body = client.get(analysis_url(question)).content.decode()
    assert "Confirm the ticked suggestions" in body and "We are charged too much" in body
    good = suggested.get(answer=paraphrase, theme=parking)
    response = client.post(
        analysis_url(question), {"action": "review", "decision": "confirm", "tags": [good.pk]}
    )
    assert response.status_code == 302
    good.refresh_from_db()
    assert good.confirmed_by == analyst and good.origin == Origin.SYSTEM
    wrong = suggested.filter(theme=alarms).first()
    client.post(analysis_url(question), {"action": "review", "decision": "reject", "tags": [wrong.pk]})
    assert ThemeTagRejection.objects.filter(answer_id=wrong.answer_id, theme=alarms).exists()
    # Run again: the rejected pair is never suggested again; the confirmed tag stays confirmed.
    client.post(analysis_url(question), {"action": "assign"})
    assert not ThemeTag.objects.filter(answer_id=wrong.answer_id, theme=alarms).exists()
    assert ThemeTag.objects.get(pk=good.pk).confirmed_at is not None
    agreement = client.get(analysis_url(question)).context["agreement"]
    assert agreement["confirmed_system"] == 1 and agreement["rejected"] == 1
    assert agreement["precision"] == 0.5 and agreement["confirmed"] == 7


def test_removing_a_suggested_tag_one_by_one_rejects_it(consultation, analyst, login, client):
    question = free_text(consultation)
    parking, _, parking_answers, _ = _themes_with_examples(consultation, question, analyst)
    tag = ThemeTag.objects.create(answer=parking_answers[4], theme=parking, origin=Origin.SYSTEM)
    login(analyst)
    url = reverse("consultation:answer", args=[tag.answer_id])
    assert client.post(url, {"action": "remove", "tag_id": tag.pk}).status_code == 302
    assert ThemeTagRejection.objects.filter(answer=parking_answers[4], theme=parking).exists()
    # The analyst's own tag overrides their earlier rejection.
    services.answer_tag(answer=parking_answers[4], theme=parking, user=analyst)
    assert not ThemeTagRejection.objects.exists()


def test_bulk_review_refuses_nothing_chosen_and_tags_of_other_questions(consultation, analyst, login, client):
    question = free_text(consultation)
    other = consultation.active_questions().exclude(pk=question.pk).filter(kind="free_text").first()
    login(analyst)
    response = client.post(analysis_url(question), {"action": "review", "decision": "confirm"})
    assert response.status_code == 400 and "Choose at least one" in response.content.decode()
    response = client.post(analysis_url(question), {"action": "review", "decision": "confirm", "tags": ["x"]})
    assert response.status_code == 400
    if other is not None:
        theme = services.theme_create(consultation=consultation, name="Other", user=analyst, question=other)
        tag = ThemeTag.objects.create(
            answer=respond(consultation, other, PARKING[:1])[0], theme=theme, origin="system"
        )
        response = client.post(
            analysis_url(question), {"action": "review", "decision": "confirm", "tags": [tag.pk]}
        )
        assert response.status_code == 400
        assert ThemeTag.objects.get(pk=tag.pk).confirmed_at is None


def test_split_moves_the_chosen_answers_to_a_new_theme(consultation, analyst, login, client):
    question = free_text(consultation)
    answers = respond(consultation, question, PARKING[:2] + ALARMS[:2])
    mixed = services.theme_create(consultation=consultation, name="Mixed", user=analyst, question=question)
    for item in answers:
        services.answer_tag(answer=item, theme=mixed, user=analyst)
    login(analyst)
    url = reverse("consultation:theme_edit", args=[mixed.pk])
    response = client.post(
        url, {"action": "split", "name": "Alarms", "answers": [answers[2].pk, answers[3].pk]}
    )
    assert response.status_code == 302
    alarms = Theme.objects.get(name="Alarms")
    assert alarms.question == question
    assert set(alarms.tags.values_list("answer_id", flat=True)) == {answers[2].pk, answers[3].pk}
    assert set(mixed.tags.values_list("answer_id", flat=True)) == {answers[0].pk, answers[1].pk}
    assert all(tag.confirmed_by == analyst for tag in alarms.tags.all())
    response = client.post(url, {"action": "split", "name": "All", "answers": [answers[0].pk, answers[1].pk]})
    assert response.status_code == 400 and "Leave at least one answer" in response.content.decode()
    response = client.post(url, {"action": "split", "name": "", "answers": []})
    assert response.status_code == 400 and "Enter a name for the new theme" in response.content.decode()


def test_a_second_run_while_one_is_running_is_refused(consultation, analyst):
    question = free_text(consultation)
    AnalysisRun.objects.create(question=question, kind="suggest", status="running", total=100, done=40)
    with pytest.raises(ValidationError):
        services.analysis_run_request(question=question, kind="suggest", user=analyst)
    with pytest.raises(ValidationError):  # no theme yet to assign
        services.analysis_run_request(question=question, kind="assign", user=analyst)
    # A run whose worker was lost hours ago no longer blocks a new one.
    AnalysisRun.objects.update(created_at=timezone.now() - timedelta(hours=2))
    run = services.analysis_run_request(question=question, kind="suggest", user=analyst)
    run.refresh_from_db()
    assert run.status == "done"


def test_the_screen_shows_a_runs_progress(consultation, analyst, login, client):
    question = free_text(consultation)
    AnalysisRun.objects.create(
        question=question, kind="suggest", status="running", total=100_000, done=40_000
    )
    login(analyst)
    body = client.get(analysis_url(question)).content.decode()
    assert "40%" in body and "40000 of 100000" in body


# --- roles --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_other_staff_roles_are_refused(role, consultation, make_user, login, client, organisation):
    question = free_text(consultation)
    login(make_user(role, organisation=organisation))
    assert client.get(analysis_url(question)).status_code == 403
    assert client.post(analysis_url(question), {"action": "suggest"}).status_code == 403
    assert not AnalysisRun.objects.exists()


def test_analysts_are_allowed_and_anonymous_visitors_redirected(consultation, analyst, login, client):
    question = free_text(consultation)
    for method in (client.get, client.post):
        response = method(analysis_url(question))
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    login(analyst)
    assert client.get(analysis_url(question)).status_code == 200
    assert client.get(reverse("consultation:question_analysis", args=[987654])).status_code == 404


def test_the_services_check_the_role(consultation, moderator):
    question = free_text(consultation)
    with pytest.raises(PermissionDenied):
        services.analysis_run_request(question=question, kind="suggest", user=moderator)
    with pytest.raises(PermissionDenied):
        services.tags_review(question=question, tag_ids=[1], decision="confirm", user=moderator)


# --- the outcome ----------------------------------------------------------------------------------------------------


@pytest.fixture
def outcome(concluded_consultation, analyst):
    """A concluded consultation: a theme confirmed on four published answers and three unpublished (consent none),
    one suggested but unconfirmed tag, and a confirmed campaign of five with a pending and an unconsented member."""
    page = concluded_consultation
    question = free_text(page)
    published = respond(page, question, PARKING[:4])
    hidden = respond(
        page,
        question,
        [f"UNCONSENTED parking charges are far too high for night staff {n}." for n in range(3)],
        consent="none",
    )
    suggested_only = respond(page, question, ["SUGGESTED ONLY: parking is very costly for staff on nights."])
    theme = services.theme_create(consultation=page, name="Parking charges", user=analyst, question=question)
    for item in published + hidden:
        services.answer_tag(answer=item, theme=theme, user=analyst)
    ThemeTag.objects.create(answer=suggested_only[0], theme=theme, origin=Origin.SYSTEM)
    pending = respond(page, question, ["PENDING " + TEMPLATE], state=ModerationState.PENDING)
    unconsented = respond(page, question, ["UNCONSENTED " + TEMPLATE], consent="none")
    respond(page, question, [TEMPLATE] * 3 + [TEMPLATE + " Thank you."])
    services.campaigns_detect(consultation=page)
    for group in page.campaigns.all():
        services.campaign_review(group=group, user=analyst, decision="confirmed")
    return page, theme, published, pending + unconsented


def test_outcome_counts_equal_the_confirmed_tags_and_link_to_those_responses(outcome, client):
    page, theme, published, _ = outcome
    response = client.get(page.subpage_url("outcome"))
    body = response.content.decode()
    summary = next(s for s in response.context["summaries"] if s["themes"])
    (shown,) = summary["themes"]
    confirmed = ThemeTag.objects.filter(theme=theme, confirmed_at__isnull=False).count()
    assert shown.n == confirmed == 7 and shown.published == 4
    assert shown.share not in ("", None)
    link = f"{page.subpage_url('published')}?theme={theme.pk}"
    assert f'href="{link}"' in body
    listed = client.get(link)
    assert {r.public_id for r in listed.context["page_obj"]} == {a.response.public_id for a in published}
    assert "counted separately" in body


def test_outcome_pdf_carries_the_same_theme_counts(outcome, client):
    page, theme, _, _ = outcome
    response = client.get(page.subpage_url("outcome_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    confirmed = ThemeTag.objects.filter(theme=theme, confirmed_at__isnull=False).count()
    # The theme's row: name, responses (the confirmed tags), share of those who answered, published responses.
    assert re.search(rf"Parking charges {confirmed} \d+% 4\b", text), text
    assert "Share of those who answered" in text and "What people said: Parking charges" in text


def test_unconfirmed_unapproved_and_unconsented_text_never_reaches_the_outcome(outcome, client):
    page, theme, _, excluded = outcome
    body = client.get(page.subpage_url("outcome")).content.decode()
    assert "SUGGESTED ONLY" not in body and "UNCONSENTED" not in body and "PENDING" not in body
    quotes = [a.published_text for a in publication.theme_quotations(theme=theme)]
    assert quotes and not any("UNCONSENTED" in q or "SUGGESTED" in q for q in quotes)
    campaign = page.campaigns.get(kind="campaign")
    assert campaign.size == 6
    assert "Safe Staff" in body  # the example, from an approved consented member
    published = client.get(f"{page.subpage_url('published')}?theme={theme.pk}").content.decode()
    assert "SUGGESTED ONLY" not in published


def test_the_review_list_does_not_query_per_answer(
    consultation, analyst, login, client, django_assert_max_num_queries
):
    question = free_text(consultation)
    theme = services.theme_create(consultation=consultation, name="Parking", user=analyst, question=question)
    for item in respond(consultation, question, [f"{text} ({n})" for n in range(6) for text in PARKING]):
        ThemeTag.objects.create(answer=item, theme=theme, origin=Origin.SYSTEM)
    login(analyst)
    with django_assert_max_num_queries(30):
        response = client.get(analysis_url(question))
    assert response.status_code == 200
    assert len(response.context["page_tag_ids"]) == 25


def test_redaction_marks_are_not_taken_for_what_an_answer_is_about():
    texts = [f"{text} Ring me on [redacted: phone number]." for text in PARKING + ALARMS]
    terms = {term for topic in textanalysis.suggest_topics(texts) for term in topic.terms}
    assert terms and not terms & {"redacted", "phone", "number", "phone number"}


@pytest.mark.parametrize("texts", [["Parking."], ["Parking is dear", "Alarms"], ["", "ok"]])
def test_a_question_with_very_few_answers_gets_suggestions_or_a_message_never_an_error(
    texts, consultation, analyst, login, client
):
    question = free_text(consultation)
    respond(consultation, question, texts)
    services.theme_create(consultation=consultation, name="Parking charges", user=analyst, question=question)
    login(analyst)
    for action in ("suggest", "assign"):
        assert client.post(analysis_url(question), {"action": action}).status_code == 302
        run = AnalysisRun.objects.filter(question=question, kind=action).latest("pk")
        assert run.status == "done", run.result
    assert client.get(analysis_url(question)).status_code == 200
