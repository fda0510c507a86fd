""" "E-mail me a copy of my answers": the copy goes through the receipt's one sealed-address path, holds the answers
as typed and the reference, and the address is in no table afterwards, the task table included."""

import json

import pytest
from django.core import mail
from django.core.management import call_command

from covenant.consultation.models import ConsultationResponse

from .journey import ABOUT, FULL_ANSWERS, answer_everything
from .journey import send as journey_send
from .test_receipt_address import tables_holding

pytestmark = pytest.mark.django_db

ADDRESS = "Copy.Person+answers@example.org"


def send(client, page, check=None, **fields):
    return journey_send(client, page, check or answer_everything(client, page), **fields)


@pytest.fixture
def database_tasks(settings, monkeypatch):
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def test_the_copy_holds_the_answers_as_typed_and_the_address_is_kept_nowhere(
    client, consultation, database_tasks, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    check = answer_everything(client, consultation)
    assert "E-mail me a copy of my answers" in check.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(client, consultation, check, copy="on", copy_email=ADDRESS)
    assert sent.status_code == 200
    task = DBTaskResult.objects.get(task_path__endswith="send_response_receipt")
    assert ADDRESS.lower() not in json.dumps(task.args_kwargs).lower()
    assert tables_holding(ADDRESS) == []

    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    [message] = mail.outbox
    assert message.to == [ADDRESS]
    response = ConsultationResponse.objects.get()
    body = message.body
    assert response.reference in body
    for question in consultation.active_questions():
        assert question.text in body
    assert "Strongly agree" in body and FULL_ANSWERS[1][1] in body  # as typed, the phone number included
    assert "Safe workplaces, Fair treatment" in body
    assert FULL_ANSWERS[7] in body
    assert "8. " in body and "Not answered" in body  # the unanswered optional question
    assert "&#x27;" not in body and "&amp;" not in body  # plain text, not HTML-escaped
    assert tables_holding(ADDRESS) == []


def test_the_copy_goes_to_the_address_given_then_and_replaces_the_plain_receipt(
    client, consultation, django_capture_on_commit_callbacks
):
    check = answer_everything(client, consultation, about={**ABOUT, "email": "receipt@example.org"})
    assert 'value="receipt@example.org"' in check.content.decode()  # offered for the copy
    with django_capture_on_commit_callbacks(execute=True):
        send(client, consultation, check, copy="on", copy_email=ADDRESS)
    [message] = mail.outbox  # one address, one e-mail
    assert message.to == [ADDRESS]
    assert FULL_ANSWERS[5] in message.body


def test_without_a_copy_the_receipt_has_no_answers(client, consultation, django_capture_on_commit_callbacks):
    check = answer_everything(client, consultation, about={**ABOUT, "email": "receipt@example.org"})
    with django_capture_on_commit_callbacks(execute=True):
        send(client, consultation, check, copy_email="receipt@example.org")
    [message] = mail.outbox
    assert message.to == ["receipt@example.org"]
    assert ConsultationResponse.objects.get().reference in message.body
    assert FULL_ANSWERS[5] not in message.body and "Your answers" not in message.body


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"copy": "on", "copy_email": ""}, "Enter the e-mail address to send the copy of your answers to"),
        ({"copy": "on", "copy_email": "nobody at all"}, "Enter an e-mail address in the correct format"),
    ],
)
def test_a_missing_or_malformed_address_is_shown_beside_the_field(client, consultation, fields, error):
    check = answer_everything(client, consultation)
    refused = send(client, consultation, check, **fields)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert error in body
    assert 'href="#id_copy_email"' in body  # the error summary links to the field
    assert "Error:" in body.split("</title>")[0]
    assert not ConsultationResponse.objects.exists()
    assert not mail.outbox
    # Everything typed is kept: sending again with an address works.
    assert send(client, consultation, refused, copy="on", copy_email=ADDRESS).status_code == 200
    assert ConsultationResponse.objects.count() == 1
