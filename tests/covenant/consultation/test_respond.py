"""The public journey: about you, questions, check your answers, confirmation; and every bad input."""

import pytest
from django.core import mail

from covenant.consultation.models import Answer, ConsultationResponse, PublishConsent

pytestmark = pytest.mark.django_db

ABOUT = {
    "respondent_type": "nhs_staff",
    "organisation_name": "",
    "region": "north_east_yorkshire",
    "publish_consent": "anonymous",
    "respondent_name": "",
    "email": "",
}


def url(page, name, **kwargs):
    return page.subpage_url(name, **kwargs)


def section_data(page, step, answers):
    """POST data for one question page, from {question number: value} (list for multiple, (choice, why))."""
    from covenant.consultation.selectors.questions import question_sections, questions_for

    section = question_sections(questions_for(consultation=page))[step - 1]
    data = {}
    for question in section:
        value = answers.get(question.number)
        if value is None:
            continue
        if isinstance(value, tuple):
            data[question.field_name], data[f"{question.field_name}-why"] = value
        else:
            data[question.field_name] = value
    return data


FULL_ANSWERS = {
    1: ("Strongly agree", "Because staff deserve it. Call me on 07700 900123."),
    2: ["Safe workplaces", "Fair treatment"],
    3: ("Yes", ""),
    4: "Yes",
    5: "A simple online form that works on a phone.",
    6: ("Agree", ""),
    7: "Make training records transfer automatically.",
    8: "",
}


def answer_everything(client, page, about=None, answers=None):
    client.get(url(page, "respond_start"))
    response = client.post(url(page, "about_you"), about or ABOUT)
    assert response.status_code == 302, response.content.decode()[:2000]
    for step in (1, 2, 3):
        response = client.post(
            url(page, "questions", step=step), section_data(page, step, answers or FULL_ANSWERS)
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    return response


def send_url(page):
    from django.urls import reverse

    return reverse("consultation:send", args=[page.pk])


def submit(client, page):
    """What the browser does: the check page's form posts to the plain send URL."""
    token = client.session[f"consultation-response-{page.pk}"]["token"]
    return client.post(send_url(page), {"token": token}), token


def test_whole_journey_creates_one_response_with_an_answer_row_per_question(client, consultation):
    response = answer_everything(client, consultation)
    assert response["Location"] == url(consultation, "check")
    check = client.get(url(consultation, "check"))
    assert check.status_code == 200
    assert "Check your answers" in check.content.decode()
    assert "Safe workplaces, Fair treatment" in check.content.decode()
    assert f'action="{send_url(consultation)}"' in check.content.decode()
    response, _ = submit(client, consultation)
    assert response.status_code == 302
    assert response["Location"] == url(consultation, "confirmation")
    saved = ConsultationResponse.objects.get()
    confirmation = client.get(response["Location"])
    assert saved.reference in confirmation.content.decode()
    assert saved.respondent_type == "nhs_staff"
    assert saved.publish_consent == PublishConsent.ANONYMOUS
    assert saved.personal_data_flagged  # the phone number
    answers = {a.question.number: a for a in Answer.objects.filter(response=saved).select_related("question")}
    assert set(answers) == {1, 2, 3, 4, 5, 6, 7}  # unanswered question 8 has no row
    assert answers[2].choices == ["Safe workplaces", "Fair treatment"]
    assert answers[1].text.startswith("Because staff deserve it")
    # Progress is cleared: starting again begins a new response.
    assert f"consultation-response-{consultation.pk}" not in client.session


def test_receipt_is_emailed_in_the_background_and_the_address_is_not_stored(
    client, consultation, django_capture_on_commit_callbacks
):
    answer_everything(client, consultation, about={**ABOUT, "email": "someone@example.org"})
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, consultation)
    saved = ConsultationResponse.objects.get()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["someone@example.org"]
    assert saved.reference in mail.outbox[0].body
    assert "someone@example.org" not in str(ConsultationResponse.objects.values().get())


def test_double_submission_creates_one_response(client, consultation):
    answer_everything(client, consultation)
    first, token = submit(client, consultation)
    second = client.post(send_url(consultation), {"token": token})
    third = client.post(url(consultation, "check"), {"token": token})  # the page route accepts it too
    assert third["Location"] == url(consultation, "confirmation")
    assert first.status_code == second.status_code == 302
    assert second["Location"] == url(consultation, "confirmation")
    assert ConsultationResponse.objects.count() == 1


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
    client.get(url(consultation, "respond_start"))
    response = client.post(
        url(consultation, "about_you"),
        {**ABOUT, "respondent_type": "organisation", "organisation_name": "", "email": "not-an-email"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the name of your organisation" in body
    assert "Enter an e-mail address in the correct format" in body
    assert 'value="not-an-email"' in body
    assert "There is a problem" in body


def test_named_publication_needs_a_name(client, consultation):
    client.get(url(consultation, "respond_start"))
    response = client.post(url(consultation, "about_you"), {**ABOUT, "publish_consent": "named"})
    assert response.status_code == 400
    assert "Enter your name, or choose to publish your response anonymously" in response.content.decode()


def test_required_question_missing(client, consultation):
    client.get(url(consultation, "respond_start"))
    client.post(url(consultation, "about_you"), ABOUT)
    response = client.post(
        url(consultation, "questions", step=1), section_data(consultation, 1, {2: ["Fair treatment"]})
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Answer question 1" in body
    assert 'value="Fair treatment" checked' in body or "checked" in body


def test_over_long_text_is_rejected_and_kept(client, consultation):
    client.get(url(consultation, "respond_start"))
    client.post(url(consultation, "about_you"), ABOUT)
    client.post(url(consultation, "questions", step=1), section_data(consultation, 1, FULL_ANSWERS))
    client.post(
        url(consultation, "questions", step=2), section_data(consultation, 2, {**FULL_ANSWERS, 5: "x" * 2001})
    )
    response = client.post(
        url(consultation, "questions", step=2), section_data(consultation, 2, {**FULL_ANSWERS, 5: "y" * 2001})
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "must be 2,000 characters or fewer" in body
    assert "y" * 2001 in body


def test_invalid_choice_is_rejected(client, consultation):
    client.get(url(consultation, "respond_start"))
    client.post(url(consultation, "about_you"), ABOUT)
    data = section_data(consultation, 1, {**FULL_ANSWERS, 1: ("Maybe", "")})
    response = client.post(url(consultation, "questions", step=1), data)
    assert response.status_code == 400
    assert "Choose one of the options for question 1" in response.content.decode()


def test_forged_question_id_is_rejected(client, consultation):
    client.get(url(consultation, "respond_start"))
    client.post(url(consultation, "about_you"), ABOUT)
    data = section_data(consultation, 1, FULL_ANSWERS)
    data["q-00000000-0000-0000-0000-000000000000"] = "injected"
    response = client.post(url(consultation, "questions", step=1), data)
    assert response.status_code == 400
    assert "not part of this consultation" in response.content.decode()


def test_question_from_another_consultation_is_rejected(client, consultation, closed_consultation):
    other_question = closed_consultation.active_questions().first()
    client.get(url(consultation, "respond_start"))
    client.post(url(consultation, "about_you"), ABOUT)
    data = section_data(consultation, 1, FULL_ANSWERS)
    data[other_question.field_name] = "Agree"
    response = client.post(url(consultation, "questions", step=1), data)
    assert response.status_code == 400


def test_forged_question_in_session_is_rejected_by_the_service(consultation):
    from django.core.exceptions import ValidationError

    from covenant.consultation.services import response_submit

    about = {k: v for k, v in ABOUT.items() if k != "email"}
    with pytest.raises(ValidationError, match="not part of this consultation"):
        response_submit(
            consultation=consultation,
            about=about,
            answers={"00000000-0000-0000-0000-000000000000": {"text": "x"}},
            idempotency_key="6f1e9b8c-1234-4cde-9abc-0123456789ab",
        )
    assert ConsultationResponse.objects.count() == 0


def test_step_out_of_range_is_404(client, consultation):
    client.get(url(consultation, "respond_start"))
    client.post(url(consultation, "about_you"), ABOUT)
    assert client.get(url(consultation, "questions", step=99)).status_code == 404


def test_closed_consultation_refuses_responses(client, closed_consultation):
    response = client.get(url(closed_consultation, "respond_start"))
    assert response.status_code == 410
    assert "This consultation has closed" in response.content.decode()
    response = client.post(url(closed_consultation, "about_you"), ABOUT)
    assert response.status_code == 410


def test_consultation_closing_mid_response_refuses_the_submission(client, consultation):
    import datetime

    from django.utils import timezone

    answer_everything(client, consultation)
    consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()
    response, _ = submit(client, consultation)
    assert response.status_code == 410
    assert ConsultationResponse.objects.count() == 0


def test_forthcoming_consultation_refuses_responses(client, hub):
    from demo.factories.consultation import consultation_page

    page = consultation_page(slug="soon", status="forthcoming")
    response = client.get(url(page, "respond_start"))
    assert response.status_code == 403
    assert "not open yet" in response.content.decode()


def test_honeypot_filled_is_refused(client, consultation):
    client.get(url(consultation, "respond_start"))
    response = client.post(url(consultation, "about_you"), {**ABOUT, "website": "http://spam.example"})
    assert response.status_code == 400
    answer_everything(client, consultation)
    token = client.session[f"consultation-response-{consultation.pk}"]["token"]
    response = client.post(url(consultation, "check"), {"token": token, "website": "x"})
    assert response.status_code == 400
    assert ConsultationResponse.objects.count() == 0


def test_too_fast_is_refused_with_a_message_and_answers_kept(client, consultation, settings):
    settings.CONSULTATION_MIN_SECONDS = 3600
    answer_everything(client, consultation)
    response, _ = submit(client, consultation)
    assert response.status_code == 400
    body = response.content.decode()
    assert "You completed the form very quickly" in body
    assert "Safe workplaces" in body
    assert ConsultationResponse.objects.count() == 0


def test_rate_limit_per_client(client, consultation, settings):
    settings.CONSULTATION_SUBMIT_RATE = "1/h"
    answer_everything(client, consultation)
    first, _ = submit(client, consultation)
    assert first.status_code == 302
    answer_everything(client, consultation)
    second, _ = submit(client, consultation)
    assert second.status_code == 429
    assert ConsultationResponse.objects.count() == 1


def test_expired_or_forged_token_is_refused(client, consultation):
    answer_everything(client, consultation)
    response = client.post(url(consultation, "check"), {"token": "6f1e9b8c-1234-4cde-9abc-0123456789ab"})
    assert response.status_code == 400
    response = client.post(url(consultation, "check"), {"token": "not-a-uuid"})
    assert response.status_code == 400
    assert ConsultationResponse.objects.count() == 0


def test_changing_an_answer_from_check_returns_to_check(client, consultation):
    answer_everything(client, consultation)
    data = section_data(consultation, 1, {**FULL_ANSWERS, 1: ("Disagree", "")})
    response = client.post(url(consultation, "questions", step=1) + "?change=1", data)
    assert response["Location"] == url(consultation, "check")
    check = client.get(url(consultation, "check"))
    assert "Disagree" in check.content.decode()


def test_pages_before_starting_redirect_to_the_start(client, consultation):
    response = client.get(url(consultation, "questions", step=1))
    assert response.status_code == 302
    assert client.get(url(consultation, "check")).status_code == 302
    assert client.get(url(consultation, "confirmation"))["Location"] == consultation.url


def test_send_url_only_accepts_posts_to_live_consultations(client, consultation):
    assert client.get(send_url(consultation)).status_code == 405
    from django.urls import reverse

    assert client.post(reverse("consultation:send", args=[999999]), {"token": "x"}).status_code == 404


def test_send_without_a_session_is_a_clear_400(client, consultation):
    response = client.post(send_url(consultation), {"token": "6f1e9b8c-1234-4cde-9abc-0123456789ab"})
    assert response.status_code == 400
    assert "This form has expired" in response.content.decode()


def test_the_receipt_links_to_the_consultation_at_the_served_address(
    client, consultation, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://127.0.0.1:8123"
    answer_everything(client, consultation, about={**ABOUT, "email": "someone@example.org"})
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, consultation)
    [message] = mail.outbox
    assert f"http://127.0.0.1:8123{consultation.url}" in message.body
