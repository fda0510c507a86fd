"""The journey's unanswered pages and its confirmation are kept for everyone and filled per person
(cms/pageshell.py): each person gets their own token, nonce, payload and reference, a kept page is the page that
would have been rendered, and a signed-in person's pages are never shared."""

import datetime
import re
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cms import multistep, pageshell
from cms.navigation import menus_invalidate
from covenant.consultation import forms as consultation_forms
from covenant.consultation.encryption import KEYS
from covenant.consultation.models import ConsultationResponse, Question
from covenant.consultation.selectors import live
from covenant.consultation.views.journey import ResponseJourney

from .journey import (
    ABOUT,
    FULL_ANSWERS,
    answer_everything,
    heading,
    payload_of,
    post,
    reference_of,
    respond_url,
    send,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE = re.compile(r'nonce="([^"]+)"')


def _normalised(response) -> str:
    """The page without what differs per person by design."""
    text = response.content.decode()
    text = TOKEN.sub('name="csrfmiddlewaretoken" value="T"', text)
    text = NONCE.sub('nonce="N"', text)
    return re.sub(r'name="journey" value="[^"]+"', 'name="journey" value="P"', text)


@pytest.fixture
def quick(settings):
    settings.CONSULTATION_MIN_SECONDS = 0


def test_the_first_page_is_rendered_once_and_filled_for_each_visitor(consultation):
    first = Client().get(respond_url(consultation))
    kept = len(pageshell.PAGES)
    second_client = Client()
    second = second_client.get(respond_url(consultation))
    assert first.templates and not second.templates  # the second was filled in, not rendered
    assert len(pageshell.PAGES) == kept
    assert _normalised(first) == _normalised(second)
    # Each visitor has their own token, nonce and journey.
    assert TOKEN.search(first.content.decode()).group(1) != TOKEN.search(second.content.decode()).group(1)
    assert payload_of(first) != payload_of(second)
    nonce = NONCE.search(second.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in second["Content-Security-Policy"]
    assert second["Cache-Control"] == "no-store"
    # The filled page works: its token matches the visitor's cookie and its payload is theirs.
    csrf_client = Client(enforce_csrf_checks=True)
    page = csrf_client.get(respond_url(consultation))
    token = TOKEN.search(page.content.decode()).group(1)
    answered = csrf_client.post(
        respond_url(consultation), {"journey": payload_of(page), "csrfmiddlewaretoken": token, **ABOUT}
    )
    assert answered.status_code == 200 and heading(answered) != heading(page)


def test_a_kept_page_is_the_page_that_would_have_been_rendered(consultation):
    client = Client()
    kept_pages = []
    page = client.get(respond_url(consultation))
    page = post(client, consultation, page, ABOUT)  # fills the kept question page
    page = client.get(respond_url(consultation))
    kept_pages.append(post(client, consultation, page, ABOUT))
    pageshell.PAGES.clear()
    page = client.get(respond_url(consultation))
    fresh = post(client, consultation, page, ABOUT)
    assert fresh.templates and not kept_pages[0].templates
    assert _normalised(fresh) == _normalised(kept_pages[0])


def test_pages_with_answers_or_errors_are_rendered_for_the_person(consultation):
    client = Client()
    page = client.get(respond_url(consultation))
    error = post(client, consultation, page, {})
    assert error.status_code == 400 and error.templates
    answered = post(client, consultation, page, ABOUT)
    back = post(client, consultation, answered, action="back")  # "About you", with the person's answers
    assert (
        back.templates and 'value="nhs_staff"' in back.content.decode() and "checked" in back.content.decode()
    )


def test_a_signed_in_person_gets_their_own_pages(client, consultation, make_user, organisation):
    user = make_user("consultation_moderator", organisation=organisation, email="moderator@example.org")
    Client().get(respond_url(consultation))  # kept for anonymous visitors
    client.force_login(user)
    first = client.get(respond_url(consultation))
    second = client.get(respond_url(consultation))
    assert first.templates and second.templates
    assert "Sign out" in second.content.decode()


def test_a_visitor_with_a_message_waiting_gets_their_own_page(consultation):
    Client().get(respond_url(consultation))
    client = Client()
    client.cookies["messages"] = "anything"
    assert client.get(respond_url(consultation)).templates


def test_a_change_to_the_menus_is_seen_on_kept_pages_at_once(consultation):
    Client().get(respond_url(consultation))
    assert not Client().get(respond_url(consultation)).templates
    menus_invalidate()
    assert Client().get(respond_url(consultation)).templates


def test_publishing_again_renders_the_pages_again(consultation):
    Client().get(respond_url(consultation))
    consultation.title = "The NHS Covenant: second draft"
    consultation.save_revision().publish()
    page = Client().get(respond_url(consultation))
    assert page.templates and "second draft" in page.content.decode()


def test_each_sender_sees_their_own_reference_on_the_kept_confirmation(consultation, quick):
    sent = []
    for _ in range(3):
        client = Client()
        sent.append(send(client, consultation, answer_everything(client, consultation)))
    references = [reference_of(response) for response in sent]
    assert len(set(references)) == 3
    assert not sent[2].templates  # filled in
    stored = set(ConsultationResponse.objects.values_list("reference", flat=True))
    assert set(references) == stored


def _resealed_without_marks(response) -> str:
    """The payload of `response` as an earlier version (before the marks) would have sealed it: no step marked."""
    journey = f"consultation-response:{response.wsgi_request.resolver_match.kwargs['page_id']}"
    progress = multistep.unseal(
        payload_of(response), journey=journey, keyring=KEYS, max_age=3600, max_bytes=10**6
    )
    progress.checked = {}
    return multistep.seal(progress, keyring=KEYS, max_bytes=10**6)


def test_answers_the_forms_accepted_are_stored_alike_with_or_without_the_marks(consultation, quick):
    marked_client, unmarked_client = Client(), Client()
    marked = reference_of(send(marked_client, consultation, answer_everything(marked_client, consultation)))
    check = answer_everything(unmarked_client, consultation)
    unmarked_response = unmarked_client.post(
        respond_url(consultation), {"journey": _resealed_without_marks(check), "action": "send"}
    )
    unmarked = reference_of(unmarked_response)

    def stored(reference):
        response = ConsultationResponse.objects.get(reference=reference)
        about = (
            response.respondent_type,
            response.region,
            response.publish_consent,
            response.respondent_name,
        )
        answers = sorted(response.answers.values_list("question_id", "selected", "text"))
        return about, answers

    assert stored(marked) == stored(unmarked)
    assert FULL_ANSWERS[1][1] in str(stored(marked)[1])


def test_answers_marked_under_an_earlier_publication_go_through_the_forms_again(consultation, quick):
    client = Client()
    check = answer_everything(client, consultation)
    # The editor makes question 8 (left unanswered) required and publishes again while the person is on "Check
    # your answers": the marks are for the earlier publication, so the form catches it.
    definitions = list(consultation.question_definitions.all())
    definitions[7].required = True
    consultation.question_definitions = definitions
    consultation.save_revision().publish()
    response = send(client, consultation, check)
    assert response.status_code == 400
    assert "Answer question 8" in response.content.decode()
    assert not ConsultationResponse.objects.exists()


def test_marks_hold_on_a_server_process_with_its_own_cache(consultation, quick, monkeypatch):
    """The marks name the publication's revision and questions, not the cache's generation: a send reaching a process
    that shares no cache with the one that served the pages (a generation of its own, nothing kept) still takes
    the answers its forms accepted without putting them through the forms again."""
    client = Client()
    check = answer_everything(client, consultation)
    before = live.consultation_live(pk=consultation.pk)
    cache.clear()  # what another process without a shared cache holds: nothing
    live._LOCAL.clear()
    pageshell.PAGES.clear()
    assert live.consultation_live(pk=consultation.pk).generation != before.generation

    def forms_again(self):
        raise AssertionError("the answers went through the forms again")

    monkeypatch.setattr(ResponseJourney, "answers_to_send", forms_again)
    response = send(client, consultation, check)
    assert response.status_code == 200
    assert ConsultationResponse.objects.filter(reference=reference_of(response)).exists()


def test_a_question_changed_without_a_new_revision_puts_marked_answers_through_the_form(
    consultation, quick, monkeypatch
):
    client = Client()
    check = answer_everything(client, consultation)
    # An edit to the question rows themselves, outside a publication: the revision is the same, the rules are not.
    question = list(consultation.active_questions())[7]
    question.required = True
    question.save()

    def marks_trusted(self):
        raise AssertionError("the marked answers were taken without their forms")

    monkeypatch.setattr(ResponseJourney, "answers_as_checked", marks_trusted)
    response = send(client, consultation, check)
    assert response.status_code == 400
    assert "Answer question 8" in response.content.decode()
    assert any(template.name == "consultation/respond_questions.html" for template in response.templates)
    assert not ConsultationResponse.objects.exists()


def _another(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + " changed"
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if value is None:
        return timezone.now()
    return value + datetime.timedelta(seconds=1)  # a date and time


def test_the_rules_digest_follows_every_field_of_the_questions_and_the_forms_in_code(
    consultation, monkeypatch
):
    questions = list(consultation.active_questions())
    revision = consultation.live_revision_id
    digest = live.rules_of(revision, questions)
    assert live.rules_of(revision, list(consultation.active_questions())) == digest  # the same rows, the same
    assert live.rules_of(revision + 1, questions) != digest
    assert live.rules_of(revision, questions[:-1]) != digest
    for field in Question._meta.concrete_fields:
        changed = list(consultation.active_questions())
        setattr(changed[0], field.attname, _another(getattr(changed[0], field.attname)))
        assert live.rules_of(revision, changed) != digest, field.name
    monkeypatch.setattr(live, "FORM_RULES", live.FORM_RULES + " with another rule")
    assert live.rules_of(revision, questions) != digest
    # The rules in code follow the "About you" fields: a shorter name allowed is another rule.
    monkeypatch.setattr(consultation_forms.AboutYouForm.base_fields["respondent_name"], "max_length", 60)
    assert consultation_forms._form_rules() != consultation_forms.FORM_RULES


def test_a_deployment_with_other_form_rules_builds_its_own_snapshot(consultation, monkeypatch):
    """A snapshot in the shared cache carries the digest of the rules it was built under: processes whose forms
    apply other rules (a deployment that changed them) never read it, so marks made under the old rules are not
    honoured by the new code."""
    before = live.consultation_live(pk=consultation.pk)
    live._LOCAL.clear()  # another process: only the shared cache in common
    monkeypatch.setattr(live, "FORM_RULES", live.FORM_RULES + " with a tightened rule")
    after = live.consultation_live(pk=consultation.pk)
    assert after.generation == before.generation
    assert after.rules != before.rules


def test_check_your_answers_keeps_its_frame_and_shows_each_person_only_their_answers(consultation):
    first_words = {**FULL_ANSWERS, 5: "Only the first person wrote this sentence."}
    second_words = {**FULL_ANSWERS, 5: "The second person wrote something else.", 7: ""}
    first = answer_everything(Client(), consultation, answers=first_words)
    second = answer_everything(Client(), consultation, answers=second_words)
    about_email = answer_everything(Client(), consultation, about={**ABOUT, "email": "person@example.org"})
    assert first.templates and not any(t.name == "consultation/respond_check.html" for t in second.templates)
    first_text, second_text = first.content.decode(), second.content.decode()
    assert "Only the first person wrote this sentence." in first_text
    assert "Only the first person wrote this sentence." not in second_text
    assert "The second person wrote something else." in second_text
    assert FULL_ANSWERS[7] in first_text and FULL_ANSWERS[7] not in second_text
    # The send form offers the copy to the address the person gave, and to nobody else's.
    assert 'value="person@example.org"' in about_email.content.decode()
    assert "person@example.org" not in second_text
    pageshell.PAGES.clear()
    fresh = answer_everything(Client(), consultation, answers=second_words)
    assert _normalised(fresh) == _normalised(second)


def test_answers_kept_by_save_and_come_back_later_lose_their_mark(consultation, quick):
    """ "Save and come back later" keeps a page's answers without its required questions: they are not marked as
    checked, so sending puts them through the form and sends the person back to the page (review finding 1)."""
    client = Client(raise_request_exception=False)
    check = answer_everything(client, consultation)
    about_page = post(client, consultation, check, change="about")
    blank = {**ABOUT, "respondent_type": "", "publish_consent": ""}
    saved = post(client, consultation, about_page, blank, action="save")
    journey = f"consultation-response:{consultation.pk}"
    progress = multistep.unseal(
        payload_of(saved), journey=journey, keyring=KEYS, max_age=3600, max_bytes=10**6
    )
    assert "about" in progress.answers and "about" not in progress.checked
    sent = post(client, consultation, saved, action="send")
    assert sent.status_code == 400
    assert "Select who you are responding as" in sent.content.decode()
    assert not ConsultationResponse.objects.exists()
