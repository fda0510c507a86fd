"""Finding 7: the receipt address is kept nowhere in the database, the task table included, before or after the
receipt is sent. Runs the journey through the views on the database task backend and the real worker, and scans
every text column of every table for the address with raw SQL."""

import json
import logging

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from covenant.consultation import receipts
from covenant.consultation.models import ConsultationResponse

from .journey import ABOUT, answer_everything, send

pytestmark = pytest.mark.django_db

ADDRESS = "Receipt.Person+covenant@example.org"
NOT_TEXT = {
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "BooleanField",
    "NullBooleanField", "DateField", "DateTimeField", "TimeField", "DurationField", "FloatField",
    "DecimalField", "UUIDField",
}  # fmt: skip


@pytest.fixture(autouse=True)
def database_tasks(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def tables_holding(needle: str) -> list[str]:
    """Every table.column whose text (any case) contains `needle`, by raw SQL over all text-like columns."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                try:
                    field_type = connection.introspection.get_field_type(column.type_code, column)
                except KeyError:  # an untyped column (SQLite full-text tables): scan it
                    field_type = "TextField"
                if field_type in NOT_TEXT:
                    continue
                qn = connection.ops.quote_name
                cursor.execute(
                    f"SELECT COUNT(*) FROM {qn(table)} WHERE LOWER(CAST({qn(column.name)} AS TEXT)) LIKE %s",  # noqa: S608
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    # Session data is signed and base64-encoded (compressed when long), so a plain scan cannot see into it.
    for session in Session.objects.all():
        if needle.lower() in json.dumps(session.get_decoded()).lower():
            found.append(f"django_session.session_data ({session.pk[:6]}...)")
    return found


def test_the_scan_finds_an_address_where_there_is_one(consultation):
    ConsultationResponse.objects.create(
        consultation=consultation,
        reference="CNS-TEST-SCAN",
        public_id="RSCANTEST",
        idempotency_key="2f1e9b8c-1234-4cde-9abc-0123456789ab",
        respondent_type="public",
        publish_consent="none",
        moderation_note=f"write to {ADDRESS}",
    )
    assert tables_holding(ADDRESS) == ["consultation_consultationresponse.moderation_note"]


def test_the_receipt_address_is_in_no_table_before_or_after_the_receipt_is_sent(
    client, consultation, django_capture_on_commit_callbacks
):
    check = answer_everything(client, consultation, about={**ABOUT, "email": ADDRESS})
    # shown to check, and offered as the address for a copy of the answers
    assert check.content.decode().count(ADDRESS) == 2
    assert tables_holding(ADDRESS) == []  # the session table included
    assert not any(ADDRESS.lower() in morsel.value.lower() for morsel in client.cookies.values())
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(client, consultation, check)
    assert sent.status_code == 200
    task = DBTaskResult.objects.get(task_path__endswith="send_response_receipt")
    assert task.status == "READY"
    assert ADDRESS.lower() not in str(task.args_kwargs).lower()
    assert tables_holding(ADDRESS) == []  # queued: the task table holds a reference, not the address

    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert [message.to for message in mail.outbox] == [[ADDRESS]]
    assert ConsultationResponse.objects.get().reference in mail.outbox[0].body
    assert tables_holding(ADDRESS) == []
    # The encrypted copy in the cache went with the send.
    assert receipts.held_address(task.args_kwargs["kwargs"]["receipt_ref"]) == ""


def test_a_failed_send_leaves_no_address_in_the_task_table(
    client, consultation, django_capture_on_commit_callbacks, monkeypatch
):
    import smtplib

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({ADDRESS: (550, b"No such user " + ADDRESS.encode())})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    check = answer_everything(client, consultation, about={**ABOUT, "email": ADDRESS})
    with django_capture_on_commit_callbacks(execute=True):
        send(client, consultation, check)
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    task = DBTaskResult.objects.get(task_path__endswith="send_response_receipt")
    assert task.status == "FAILED"
    assert "ReceiptNotSent" in task.exception_class_path
    assert tables_holding(ADDRESS) == []


def test_the_address_travels_sealed_in_the_page_and_in_no_cookie(client, consultation):
    check = answer_everything(client, consultation, about={**ABOUT, "email": ADDRESS})
    hidden = [line for line in check.content.decode().splitlines() if 'name="journey"' in line]
    assert hidden and not any(ADDRESS.lower() in line.lower() for line in hidden)
    assert not any(ADDRESS.lower() in morsel.value.lower() for morsel in client.cookies.values())
    assert receipts.CACHE_PREFIX  # the address reaches the cache only when the response is sent
