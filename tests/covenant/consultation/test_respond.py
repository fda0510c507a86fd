"""The public journey (views/journey.py on cms/multistep.py): about you, questions, check your answers, send and
the confirmation in the same response; and every bad input."""

import datetime
import re
import time
import zlib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms import multistep
from covenant.consultation.encryption import KEYS
from covenant.consultation.models import Answer, ConsultationResponse, PublishConsent

from .journey import (
    ABOUT,
    FULL_ANSWERS,
    answer_everything,
    heading,
    payload_of,
    post,
    reference_of,
    respond_url,
    section_data,
    send,
)

pytestmark = pytest.mark.django_db


def test_whole_journey_creates_one_response_with_an_answer_row_per_question(client, consultation):
    check = answer_everything(client, consultation)
    body = check.content.decode()
    assert "Safe workplaces, Fair treatment" in body
    assert f'action="{respond_url(consultation)}"' in body
    sent = send(client, consultation, check)
    assert sent.status_code == 200
    saved = ConsultationResponse.objects.get()
    assert heading(sent) == "Response sent"
    assert reference_of(sent) == saved.reference
    assert saved.respondent_type == "nhs_staff"
    assert saved.publish_consent == PublishConsent.ANONYMOUS
    assert saved.personal_data_flagged  # the phone number, found by the background check
    assert saved.fingerprint
    answers = {a.question.number: a for a in Answer.objects.filter(response=saved).select_related("question")}
    assert set(answers) == {1, 2, 3, 4, 5, 6, 7}  # unanswered question 8 has no row
    assert answers[2].choices == ["Safe workplaces", "Fair treatment"]
    assert answers[1].text.startswith("Because staff deserve it")
    # Nothing of the journey was kept on the server between the pages.
    assert "sessionid" not in client.cookies
    assert "journey" not in sent.content.decode()  # the confirmation carries no payload


def test_the_consultation_page_starts_the_journey_at_its_plain_url(client, consultation):
    page = client.get(consultation.url).content.decode()
    assert f'href="{respond_url(consultation)}"' in page
    old = client.get(consultation.subpage_url("respond_start"))
    assert old.status_code == 302 and old["Location"] == respond_url(consultation)


def test_receipt_is_emailed_in_the_background_and_the_address_is_not_stored(client, consultation):
    check = answer_everything(client, consultation, about={**ABOUT, "email": "someone@example.org"})
    send(client, consultation, check)
    saved = ConsultationResponse.objects.get()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["someone@example.org"]
    assert saved.reference in mail.outbox[0].body
    assert "someone@example.org" not in str(ConsultationResponse.objects.values().get())


def test_double_submission_creates_one_response_and_shows_the_same_confirmation(client, consultation):
    check = answer_everything(client, consultation, about={**ABOUT, "email": "someone@example.org"})
    first = send(client, consultation, check)
    second = send(client, consultation, check)
    old_address = client.post(
        reverse("consultation:send", args=[consultation.pk]), {"journey": payload_of(check), "action": "send"}
    )
    assert first.status_code == second.status_code == old_address.status_code == 200
    assert reference_of(first) == reference_of(second) == reference_of(old_address)
    assert ConsultationResponse.objects.count() == 1
    assert len(mail.outbox) == 1  # one receipt


def test_same_idempotency_key_through_the_service_returns_the_first_response(consultation):
    from covenant.consultation.services import response_submit

    about = {k: v for k, v in ABOUT.items() if k != "email"}
    key = "2f1e9b8c-1234-4cde-9abc-0123456789ab"
    answers = {str(consultation.active_questions().first().uuid): {"selected": ["Agree"]}}
    first, created = response_submit(
        consultation=consultation, about=about, answers=answers, idempotency_key=key
    )
    again, created_again = response_submit(
        consultation=consultation, about=about, answers=answers, idempotency_key=key
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert ConsultationResponse.objects.count() == 1


def test_about_you_errors_show_beside_fields_and_keep_what_was_typed(client, consultation):
    start = client.get(respond_url(consultation))
    response = post(
        client,
        consultation,
        start,
        {**ABOUT, "respondent_type": "organisation", "organisation_name": "", "email": "not-an-email"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the name of your organisation" in body
    assert "Enter an e-mail address in the correct format" in body
    assert 'value="not-an-email"' in body
    assert "There is a problem" in body


def test_named_publication_needs_a_name(client, consultation):
    start = client.get(respond_url(consultation))
    response = post(client, consultation, start, {**ABOUT, "publish_consent": "named"})
    assert response.status_code == 400
    assert "Enter your name, or choose to publish your response anonymously" in response.content.decode()


def about_done(client, page):
    return post(client, page, client.get(respond_url(page)), ABOUT)


def test_required_question_missing(client, consultation):
    step_one = about_done(client, consultation)
    response = post(client, consultation, step_one, section_data(consultation, 1, {2: ["Fair treatment"]}))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Answer question 1" in body
    assert "checked" in body


def test_over_long_text_is_rejected_and_kept(client, consultation):
    step_one = about_done(client, consultation)
    step_two = post(client, consultation, step_one, section_data(consultation, 1, FULL_ANSWERS))
    response = post(
        client, consultation, step_two, section_data(consultation, 2, {**FULL_ANSWERS, 5: "y" * 2001})
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "must be 2,000 characters or fewer" in body
    assert "y" * 2001 in body


def test_invalid_choice_is_rejected(client, consultation):
    step_one = about_done(client, consultation)
    data = section_data(consultation, 1, {**FULL_ANSWERS, 1: ("Maybe", "")})
    response = post(client, consultation, step_one, data)
    assert response.status_code == 400
    assert "Choose one of the options for question 1" in response.content.decode()


def test_forged_question_id_is_rejected(client, consultation):
    step_one = about_done(client, consultation)
    data = section_data(consultation, 1, FULL_ANSWERS)
    data["q-00000000-0000-0000-0000-000000000000"] = "injected"
    response = post(client, consultation, step_one, data)
    assert response.status_code == 400
    assert "not part of this consultation" in response.content.decode()


def test_question_from_another_consultation_is_rejected(client, consultation, closed_consultation):
    other_question = closed_consultation.active_questions().first()
    step_one = about_done(client, consultation)
    data = section_data(consultation, 1, FULL_ANSWERS)
    data[other_question.field_name] = "Agree"
    assert post(client, consultation, step_one, data).status_code == 400


def test_forged_question_is_rejected_by_the_services(consultation):
    from django.core.exceptions import ValidationError

    from covenant.consultation.selectors.live import consultation_live
    from covenant.consultation.services import response_submit
    from covenant.consultation.services.sending import response_send

    about = {k: v for k, v in ABOUT.items() if k != "email"}
    forged = {"00000000-0000-0000-0000-000000000000": {"text": "x"}}
    with pytest.raises(ValidationError, match="not part of this consultation"):
        response_submit(
            consultation=consultation,
            about=about,
            answers=forged,
            idempotency_key="6f1e9b8c-1234-4cde-9abc-0123456789ab",
        )
    with pytest.raises(ValidationError, match="not part of this consultation"):
        response_send(
            consultation=consultation_live(pk=consultation.pk),
            about=about,
            answers=forged,
            idempotency_key="6f1e9b8c-1234-4cde-9abc-0123456789ab",
        )
    assert ConsultationResponse.objects.count() == 0


def test_back_goes_to_the_previous_page_with_its_answers(client, consultation):
    step_one = about_done(client, consultation)
    step_two = post(client, consultation, step_one, section_data(consultation, 1, FULL_ANSWERS))
    back = post(client, consultation, step_two, action="back")
    assert back.status_code == 200
    assert FULL_ANSWERS[1][1] in back.content.decode()
    back_again = post(client, consultation, back, action="back")
    assert heading(back_again) == "About you"
    assert (
        'value="nhs_staff" checked' in back_again.content.decode() or "checked" in back_again.content.decode()
    )


def test_changing_an_answer_from_check_returns_to_check(client, consultation):
    check = answer_everything(client, consultation)
    step = re.findall(r'name="change" value="(s-[^"]+)"', check.content.decode())[0]
    opened = post(client, consultation, check, change=step)
    assert opened.status_code == 200 and FULL_ANSWERS[1][1] in opened.content.decode()
    data = section_data(consultation, 1, {**FULL_ANSWERS, 1: ("Disagree", "")})
    back_at_check = post(client, consultation, opened, data)
    assert "Check your answers" in heading(back_at_check)
    assert "Disagree" in back_at_check.content.decode()
    about = post(client, consultation, back_at_check, change="about")
    assert heading(about) == "About you"
    assert "Check your answers" in heading(post(client, consultation, about, {**ABOUT, "region": ""}))


def test_closed_consultation_refuses_responses(client, closed_consultation):
    response = client.get(respond_url(closed_consultation))
    assert response.status_code == 410
    assert "This consultation has closed" in response.content.decode()


def test_consultation_closing_mid_response_refuses_the_submission(client, consultation):
    check = answer_everything(client, consultation)
    consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()
    response = send(client, consultation, check)
    assert response.status_code == 410
    assert ConsultationResponse.objects.count() == 0


def test_a_response_sent_before_closing_still_shows_its_confirmation_after(client, consultation):
    check = answer_everything(client, consultation)
    first = send(client, consultation, check)
    consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()
    again = send(client, consultation, check)
    assert again.status_code == 200 and reference_of(again) == reference_of(first)


def test_forthcoming_consultation_refuses_responses(client, hub):
    from demo.factories.consultation import consultation_page

    page = consultation_page(slug="soon", status="forthcoming")
    response = client.get(respond_url(page))
    assert response.status_code == 403
    assert "not open yet" in response.content.decode()


def test_honeypot_filled_is_refused(client, consultation):
    start = client.get(respond_url(consultation))
    response = post(client, consultation, start, {**ABOUT, "website": "http://spam.example"})
    assert response.status_code == 400
    check = answer_everything(client, consultation)
    response = send(client, consultation, check, website="x")
    assert response.status_code == 400
    assert ConsultationResponse.objects.count() == 0


def test_too_fast_is_refused_with_a_message_and_answers_kept(client, consultation, settings):
    settings.CONSULTATION_MIN_SECONDS = 3600
    check = answer_everything(client, consultation)
    response = send(client, consultation, check)
    assert response.status_code == 400
    body = response.content.decode()
    assert "You completed the form very quickly" in body
    assert "Safe workplaces" in body
    assert ConsultationResponse.objects.count() == 0


def test_the_minimum_time_counts_from_the_first_page(client, consultation, settings, monkeypatch):
    settings.CONSULTATION_MIN_SECONDS = 60
    check = answer_everything(client, consultation)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 61)
    assert send(client, consultation, check).status_code == 200
    assert ConsultationResponse.objects.count() == 1


def test_rate_limit_per_client(client, consultation, settings):
    settings.CONSULTATION_SUBMIT_RATE = "1/h"
    first = send(client, consultation, answer_everything(client, consultation))
    assert first.status_code == 200
    check = answer_everything(client, consultation)
    second = send(client, consultation, check)
    assert second.status_code == 429
    assert ConsultationResponse.objects.count() == 1


@pytest.mark.parametrize("how", ["tampered", "missing", "foreign", "expired"])
def test_a_tampered_or_expired_payload_gets_a_clear_400(client, consultation, how):
    check = answer_everything(client, consultation)
    payload = payload_of(check)
    if how == "tampered":
        payload = payload[:40] + ("A" if payload[40] != "A" else "B") + payload[41:]
    elif how == "missing":
        payload = ""
    elif how == "foreign":
        progress = multistep.Progress.new("test-journey")
        payload = multistep.seal(progress, keyring=KEYS, max_bytes=10_000)
    else:
        progress = multistep.unseal(
            payload,
            journey=f"consultation-response:{consultation.pk}",
            keyring=KEYS,
            max_age=10_000,
            max_bytes=200_000,
        )
        sealed = zlib.compress(progress.to_json().encode())
        payload = KEYS.fernet().encrypt_at_time(sealed, int(time.time()) - 5 * 60 * 60).decode()
    response = client.post(respond_url(consultation), {"journey": payload, "action": "send"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem with your answers" in body and "Start again" in body
    assert ConsultationResponse.objects.count() == 0


def test_journey_urls_only_serve_live_consultations(client, consultation):
    assert client.post(reverse("consultation:send", args=[consultation.pk])).status_code == 400
    assert client.get(reverse("consultation:respond", args=[999999])).status_code == 404
    assert client.get(reverse("consultation:send", args=[consultation.pk])).status_code == 405


def test_the_receipt_links_to_the_consultation_at_the_served_address(client, consultation, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    check = answer_everything(client, consultation, about={**ABOUT, "email": "someone@example.org"})
    send(client, consultation, check)
    [message] = mail.outbox
    assert f"http://127.0.0.1:8123{consultation.url}" in message.body
