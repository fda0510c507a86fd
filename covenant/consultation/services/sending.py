"""Sending a response online: one statement and one commit, idempotent on the submission key inside the insert.

The journey (views/journey.py) has checked every answer against its form on every page, and the answers are
checked once more here by the same rules as any response (`clean_about`, `clean_answer`) before anything is
written. Then one transaction:

- PostgreSQL: one statement, `WITH r AS (INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING id,
  reference), a AS (INSERT INTO answers ... SELECT FROM r) SELECT ... FROM r`: the response and its answers, or
  nothing when the key has been sent before;
- SQLite (which has no INSERT inside WITH): `INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING`, then
  the answers in one multi-row INSERT, in the same transaction;
- the background check (`checks.response_check`: personal data and safeguarding detection, the fingerprint that
  campaign detection groups by, a safeguarding referral when it finds a disclosure) and the receipt are enqueued
  in the same transaction, so with the database task queue they are stored, or lost, together with the response:
  a crash can never leave a response that is never checked.

No SELECT comes before the insert; only a repeat (the same key: a double click, a refresh, a retry after a
timeout) reads the response the first one stored, to show the same confirmation. Online responses are not audited
(they are the public's own action, not staff's; `response_submit` audits a transcription), as before.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django_tasks_db.models import DBTaskResult

from cms.rows import insert_values, queued_task_row

from ..checks import response_check
from ..models.responses import Answer, ConsultationResponse, encode_selected
from ..selectors.live import ConsultationSnapshot
from ..tasks import send_response_receipt
from ..vocabulary import Channel
from .drafts import draft_forget
from .submission import _code, clean_about, clean_answer

ATTEMPTS = 3  # a new reference is drawn when one is taken (about one in 10^12 per response)


@dataclass(frozen=True)
class Sent:
    pk: int
    reference: str
    created: bool


def _response_fields():
    return [field for field in ConsultationResponse._meta.concrete_fields if not field.primary_key]


def _answer_fields():
    return [
        field for field in Answer._meta.concrete_fields if not field.primary_key and field.name != "response"
    ]


def _task_row(response_id: int | None) -> tuple[list, list] | None:
    """(fields, prepared values) of the background check's row in the task table, the row the database queue's
    `enqueue` writes (`cms.rows.queued_task_row`), written by our own INSERT so that it goes with the response;
    None when the check does not run on the database queue (development and tests run tasks at once, through
    `enqueue`). With no `response_id` (PostgreSQL), its arguments are made in SQL from the id the response's INSERT
    returns."""
    row = queued_task_row(response_check, response_id=response_id or 0)
    if row is None:
        return None
    fields = list(DBTaskResult._meta.concrete_fields)
    return fields, insert_values(row, fields)


@functools.cache
def _statements(vendor: str, answers: int, task: bool) -> tuple[str, str, str]:
    """(response SQL, answers SQL, task SQL) for this database, this many answers and with or without the check's
    task row, made once per process. On PostgreSQL the answers and the task row are folded into the response's
    statement and the other two are empty."""
    qn = connection.ops.quote_name
    fields = _response_fields()
    columns = ", ".join(qn(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = qn(ConsultationResponse._meta.db_table)
    insert = (
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) "  # noqa: S608  # nosec B608  # names from the model
        f"ON CONFLICT ({qn('idempotency_key')}) DO NOTHING RETURNING {qn('id')}, {qn('reference')}"
    )
    answer_fields = _answer_fields()
    answer_table = qn(Answer._meta.db_table)
    response_column = qn(Answer._meta.get_field("response").column)
    answer_columns = ", ".join(qn(field.column) for field in answer_fields)
    task_fields = list(DBTaskResult._meta.concrete_fields)
    task_table = qn(DBTaskResult._meta.db_table)
    task_columns = ", ".join(qn(field.column) for field in task_fields)
    if vendor == "postgresql":
        parts = [f"WITH r AS ({insert})"]
        if answers:
            typed = ", ".join(f"%s::{field.db_type(connection)}" for field in answer_fields)
            rows = ", ".join([f"({typed})"] * answers)
            names = ", ".join(f"c{index}" for index in range(len(answer_fields)))
            parts.append(
                f"a AS (INSERT INTO {answer_table} ({response_column}, {answer_columns}) "  # noqa: S608  # nosec B608  # names from the models
                f"SELECT r.id, {names} FROM r CROSS JOIN (VALUES {rows}) AS v({names}))"
            )
        if task:
            values = ", ".join(
                "jsonb_build_object('args', '[]'::jsonb, 'kwargs', jsonb_build_object('response_id', r.id))"
                if field.name == "args_kwargs"
                else f"%s::{field.db_type(connection)}"
                for field in task_fields
            )
            parts.append(f"t AS (INSERT INTO {task_table} ({task_columns}) SELECT {values} FROM r)")  # noqa: S608  # nosec B608  # names from the models
        return ", ".join(parts) + " SELECT id, reference FROM r", "", ""  # noqa: S608  # nosec B608  # names from the models
    row = "(%s, " + ", ".join(["%s"] * len(answer_fields)) + ")"
    answers_sql = (
        f"INSERT INTO {answer_table} ({response_column}, {answer_columns}) "  # noqa: S608  # nosec B608  # names from the models
        f"VALUES {', '.join([row] * answers)}"
        if answers
        else ""
    )
    task_sql = (
        f"INSERT INTO {task_table} ({task_columns}) VALUES ({', '.join(['%s'] * len(task_fields))})"  # noqa: S608  # nosec B608  # names from the model
        if task
        else ""
    )
    return insert, answers_sql, task_sql


def _store(
    response: ConsultationResponse, answers: list[Answer], task: tuple | None
) -> tuple[int, str] | None:
    """Insert the response, its answers and (with the database queue) its check's task row (`task`, from
    `_task_row`); (id, reference), or None when the key was stored before (then nothing is written)."""
    sql, answers_sql, task_sql = _statements(connection.vendor, len(answers), task is not None)
    params = insert_values(response, _response_fields())
    answer_fields = _answer_fields()
    answer_params = [insert_values(answer, answer_fields) for answer in answers]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            params += [value for values in answer_params for value in values]
            if task is not None:
                fields, values = task
                params += [
                    value for field, value in zip(fields, values, strict=True) if field.name != "args_kwargs"
                ]
            cursor.execute(sql, params)
            row = cursor.fetchone()
            return (row[0], row[1]) if row else None
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        if answers_sql:
            cursor.execute(answers_sql, [value for values in answer_params for value in (row[0], *values)])
        if task_sql:
            cursor.execute(task_sql, _task_row(row[0])[1])
    return row[0], row[1]


def _existing(consultation: ConsultationSnapshot, key: uuid.UUID) -> Sent:
    found = (
        ConsultationResponse.objects.filter(idempotency_key=key)
        .values_list("pk", "reference", "consultation_id")
        .first()
    )
    if found is None or found[2] != consultation.pk:
        raise ValidationError("This form has expired. Start your response again")
    return Sent(pk=found[0], reference=found[1], created=False)


def response_sent(*, consultation: ConsultationSnapshot, idempotency_key: uuid.UUID | str) -> Sent | None:
    """The response already stored under this submission key for this consultation, or None."""
    try:
        return _existing(consultation, uuid.UUID(str(idempotency_key)))
    except (ValueError, ValidationError):
        return None


def response_send(
    *,
    consultation: ConsultationSnapshot,
    about: dict[str, Any],
    answers: dict[str, dict[str, Any]],
    idempotency_key: uuid.UUID | str,
    receipt_ref: str = "",
    draft_token: str = "",
) -> Sent:
    """Store one online response, once per key: a repeat returns the first (`created` False) and enqueues nothing.

    `receipt_ref` is an address held by `receipts.hold` for the receipt; `draft_token` the saved draft this
    response came from, deleted in the same transaction. Raises ValidationError (code "closed" when the
    consultation is not open) before writing anything."""
    try:
        key = uuid.UUID(str(idempotency_key))
    except ValueError as exc:
        raise ValidationError("This form has expired. Start your response again") from exc
    if not consultation.is_open:
        raise ValidationError("This consultation is not open for responses", code="closed")
    cleaned_about = clean_about(about)
    questions = {str(question.uuid): question for question in consultation.questions}
    if set(answers) - set(questions):
        raise ValidationError("The response refers to a question that is not part of this consultation")
    cleaned = {uid: clean_answer(question, answers.get(uid)) for uid, question in questions.items()}
    rows = [
        Answer(
            question_id=questions[uid].pk, selected=encode_selected(selected), text=text, redacted_text=text
        )
        for uid, (selected, text) in cleaned.items()
        if selected or text
    ]
    for _ in range(ATTEMPTS):
        response = ConsultationResponse(
            consultation_id=consultation.pk,
            reference=f"CNS-{_code(4)}-{_code(4)}",
            public_id=f"R{_code(7)}",
            idempotency_key=key,
            channel=Channel.ONLINE,
            redacted_respondent_name=cleaned_about["respondent_name"],
            redacted_organisation_name=cleaned_about["organisation_name"],
            **cleaned_about,
        )
        try:
            with transaction.atomic():
                task = _task_row(None)
                stored = _store(response, rows, task)
                if stored is None:
                    return _existing(consultation, key)
                pk, reference = stored
                if draft_token:
                    draft_forget(consultation_id=consultation.pk, token=draft_token)
                if task is None:  # the database queue's row went in with the response
                    response_check.enqueue(response_id=pk)
                if receipt_ref:
                    send_response_receipt.enqueue(response_id=pk, receipt_ref=receipt_ref)
                return Sent(pk=pk, reference=reference, created=True)
        except IntegrityError:  # the reference or public id drawn is taken: draw again
            continue
    raise IntegrityError("No free reference after several attempts")
