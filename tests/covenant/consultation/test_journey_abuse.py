"""Review 2, F6, F7, F9 and the raw-length note: the response journey cannot be used to send more than the limit
from one IPv6 /64, to relay e-mail to any address, to make drafts without end, to carry a payload from one
consultation to another, or to keep a huge invalid answer that compresses well."""

import pytest
from django.core import mail

from cms import multistep
from covenant.consultation.encryption import KEYS
from covenant.consultation.models import ConsultationResponse
from covenant.consultation.models.drafts import SavedDraft
from demo.factories.consultation import consultation_page

from .journey import (
    ABOUT,
    FULL_ANSWERS,
    answer_everything,
    heading,
    payload_of,
    post,
    respond_url,
    section_data,
)

pytestmark = pytest.mark.django_db


def test_one_ipv6_64_shares_one_submission_limit(consultation, client, settings):
    settings.CONSULTATION_SUBMIT_RATE = "2/h"
    for i in range(5):
        check = answer_everything(client, consultation)
        client.post(
            respond_url(consultation),
            {"journey": payload_of(check), "action": "send"},
            REMOTE_ADDR=f"2001:db8:1:2::{i + 1:x}",
        )
    assert ConsultationResponse.objects.count() == 2


def test_copies_of_answers_to_one_address_are_limited(consultation, client, settings):
    settings.CONSULTATION_EMAILS_PER_DESTINATION = 2
    phish = "URGENT: your NHS pension is suspended, log in at http://evil.example/ to restore it"
    answers = {**FULL_ANSWERS, 1: ("Agree", phish)}
    statuses = []
    for i in range(4):
        check = answer_everything(client, consultation, answers=answers)
        sent = client.post(
            respond_url(consultation),
            {
                "journey": payload_of(check),
                "action": "send",
                "copy": "on",
                "copy_email": "victim@example.org",
            },
            REMOTE_ADDR=f"192.0.2.{i + 1}",
        )
        statuses.append(sent.status_code)
    assert statuses == [200, 200, 429, 429]
    refused = sent.content.decode()
    assert "Too many copies have been sent from here or to this address" in refused
    assert ConsultationResponse.objects.count() == 2  # refused before anything was stored


def test_copies_of_answers_from_one_client_are_limited(consultation, client, settings):
    settings.CONSULTATION_EMAILS_PER_CLIENT = 2
    statuses = []
    for i in range(3):
        check = answer_everything(client, consultation)
        statuses.append(
            client.post(
                respond_url(consultation),
                {
                    "journey": payload_of(check),
                    "action": "send",
                    "copy": "on",
                    "copy_email": f"p{i}@example.org",
                },
            ).status_code
        )
    assert statuses == [200, 200, 429]


def test_a_replayed_save_page_keeps_one_draft_and_is_limited(
    consultation, client, django_capture_on_commit_callbacks
):
    first = client.get(respond_url(consultation))
    about = post(client, consultation, first, ABOUT)
    save_page = post(client, consultation, about, action="save")
    assert save_page.status_code == 200
    statuses = []
    for _ in range(15):
        with django_capture_on_commit_callbacks(execute=True):
            saved = post(client, consultation, save_page, action="save-confirm", email="victim@example.org")
        statuses.append(saved.status_code)
    assert SavedDraft.objects.count() == 1
    assert statuses[:3] == [200, 200, 200] and set(statuses[3:]) == {429}
    assert len(mail.outbox) == 3
    assert "Too many saves" in saved.content.decode()


def test_saves_from_one_client_without_an_address_are_limited(consultation, client, settings):
    settings.CONSULTATION_EMAILS_PER_CLIENT = 3
    statuses = []
    for _ in range(5):
        first = client.get(respond_url(consultation))
        about = post(client, consultation, first, ABOUT)
        save_page = post(client, consultation, about, action="save")
        statuses.append(post(client, consultation, save_page, action="save-confirm", email="").status_code)
    assert statuses == [200, 200, 200, 429, 429]
    assert SavedDraft.objects.count() == 3


def test_a_payload_of_one_consultation_is_refused_by_another(consultation, client):
    # A payload started at one consultation long ago would carry its start time to another and skip the minimum
    # time there: it is refused at the first step, and when sending.
    other = consultation_page(title="Other", slug="other-one")
    started_elsewhere = client.get(respond_url(consultation))
    moved = client.post(respond_url(other), {"journey": payload_of(started_elsewhere), **ABOUT})
    assert moved.status_code == 400
    assert "There is a problem with your answers" in moved.content.decode()
    check = answer_everything(client, consultation)
    refused = client.post(respond_url(other), {"journey": payload_of(check), "action": "send"})
    assert refused.status_code == 400
    assert not ConsultationResponse.objects.exists()


def test_a_huge_invalid_answer_that_compresses_well_is_not_kept(consultation, client):
    first = client.get(respond_url(consultation))
    about = post(client, consultation, first, ABOUT)
    data = section_data(consultation, 1, FULL_ANSWERS)
    key = next(name for name in data if name.endswith("-why"))
    data[key] = "a" * 2_000_000
    refused = post(client, consultation, about, data)
    assert refused.status_code == 400
    assert "Your answers are too long for us to keep" in refused.content.decode()
    progress = multistep.unseal(
        payload_of(refused),
        journey=f"consultation-response:{consultation.pk}",
        keyring=KEYS,
        max_age=3600,
        max_bytes=160 * 1024,
    )
    assert all(
        len(value) < 1000
        for values in progress.answers.values()
        for items in values.values()
        for value in items
    )
    back = post(client, consultation, refused, action="back")
    assert back.status_code == 200 and "About you" in heading(back)
