"""Sending a response online: one statement and one commit, idempotent on the submission key inside the insert.

The journey (views/journey.py) has checked every answer against its form on every page, and the answers are
checked once more here by the same rules as any response (`clean_about`, `clean_answer`) before anything is
written. Then one transaction:

- PostgreSQL: one statement, `WITH r AS (INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING id,
  reference), a AS (INSERT INTO answers ... SELECT FROM r CROSS JOIN unnest(questions, options, texts)),
  t0 AS (INSERT the check's task row ...), t1 AS (... the receipt's) SELECT ... FROM r`: the response, its answers
  and its tasks' rows, or nothing when the key has been sent before. Its text does not depend on the number of
  answers, so it is prepared once per connection (`cms.rows.prepared_cursor`). When it is all there is to write
  (no saved draft to delete, every task on the database queue, no caller's transaction) it runs as its own
  transaction: no BEGIN or COMMIT around it;
- SQLite (which has no INSERT inside WITH): `INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING`, then
  the answers in one multi-row INSERT and the task rows, in one transaction;
- the background check (`checks.response_check`: personal data and safeguarding detection, the fingerprint that
  campaign detection groups by, a safeguarding referral when it finds a disclosure) and the receipt are enqueued
  with the response, so with the database task queue they are stored, or lost, together with it: a crash can
  never leave a response that is never checked. A task on another backend is enqueued in the same transaction.

No SELECT comes before the insert; only a repeat (the same key: a double click, a refresh, a retry after a
timeout) reads the response the first one stored, to show the same confirmation. Online responses are not audited
(they are the public's own action, not staff's; `response_submit` audits a transcription), as before.
"""

from __future__ import annotations

import contextlib
import functools
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django_tasks.utils import normalize_json
from django_tasks_db.models import DBTaskResult
from psycopg.types.json import Jsonb

from cms.rows import (
    insert_together,
    insert_values,
    on_database_queue,
    prepared_cursor,
    queued_task_row,
    unique_violation,
)

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


# The answer's columns written at send: the response, the question, the options chosen and the text (its redacted
# copy starts as the text itself). Any other column would need a value here.
ANSWER_COLUMNS = ("response", "question", "selected", "text", "redacted_text")


def _tasks(receipt_ref: str) -> list[tuple[Any, dict]]:
    """(task, its arguments but the response's id) of the tasks enqueued with a response: its check, and its
    receipt when there is an address to send it to."""
    tasks: list[tuple[Any, dict]] = [(response_check, {})]
    if receipt_ref:
        tasks.append((send_response_receipt, {"receipt_ref": receipt_ref}))
    return tasks


def _on_queue(tasks: list[tuple[Any, dict]]) -> list[tuple[Any, dict]]:
    """The tasks whose rows go in with the response: those on the database queue (development and tests run
    tasks at once, through `enqueue`)."""
    return [(task, kwargs) for task, kwargs in tasks if on_database_queue(task)]


@functools.cache
def _response_insert(vendor: str) -> str:
    """The response's `INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, reference`."""
    qn = connection.ops.quote_name
    fields = _response_fields()
    columns = ", ".join(qn(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = qn(ConsultationResponse._meta.db_table)
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) "  # noqa: S608  # nosec B608  # names from the model
        f"ON CONFLICT ({qn('idempotency_key')}) DO NOTHING RETURNING {qn('id')}, {qn('reference')}"
    )


def _answer_table_and_columns() -> tuple[str, str]:
    qn = connection.ops.quote_name
    columns = ", ".join(qn(Answer._meta.get_field(name).column) for name in ANSWER_COLUMNS)
    return qn(Answer._meta.db_table), columns


@functools.cache
def _answers_insert(vendor: str, answers: int) -> str:
    """Elsewhere than PostgreSQL: one INSERT of `answers` answer rows, after the response's."""
    table, columns = _answer_table_and_columns()
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * answers)
    return f"INSERT INTO {table} ({columns}) VALUES {rows}"  # noqa: S608  # nosec B608  # names from the model


@functools.cache
def _postgresql_statement(tasks: int) -> str:
    """PostgreSQL: the response, its answers and `tasks` task rows in one statement, made once per process. Its text
    is the same whatever the number of answers (they come as three arrays), so that it is prepared once per
    connection (`cms.rows.prepared_cursor`); each task row gets its arguments but the response's id as one JSON
    parameter."""
    qn = connection.ops.quote_name
    answer_table, answer_columns = _answer_table_and_columns()
    question_type = Answer._meta.get_field("question").db_type(connection)
    parts = [
        f"WITH r AS ({_response_insert('postgresql')})",
        f"a AS (INSERT INTO {answer_table} ({answer_columns}) "  # noqa: S608  # nosec B608  # names from the model
        f"SELECT r.id, v.q, v.s, v.t, v.t FROM r CROSS JOIN unnest(%s::{question_type}[], %s::text[], %s::text[]) "
        "AS v(q, s, t))",
    ]
    task_fields = list(DBTaskResult._meta.concrete_fields)
    task_table = qn(DBTaskResult._meta.db_table)
    task_columns = ", ".join(qn(field.column) for field in task_fields)
    for index in range(tasks):
        values = ", ".join(
            "jsonb_build_object('args', '[]'::jsonb, 'kwargs', %s::jsonb || jsonb_build_object('response_id', r.id))"
            if field.name == "args_kwargs"
            else f"%s::{field.db_type(connection)}"
            for field in task_fields
        )
        parts.append(f"t{index} AS (INSERT INTO {task_table} ({task_columns}) SELECT {values} FROM r)")  # noqa: S608  # nosec B608  # names from the model
    return ", ".join(parts) + " SELECT id, reference FROM r"  # noqa: S608  # nosec B608  # names from the models


def _store(
    response: ConsultationResponse, answers: list[tuple[int, str, str]], tasks: list[tuple[Any, dict]]
) -> tuple[int, str] | None:
    """Insert the response, its `answers` ((question id, options chosen, text)) and the rows of `tasks` (on the
    database queue, from `_on_queue`); (id, reference), or None when the key was stored before (then nothing is
    written)."""
    params = insert_values(response, _response_fields())
    if connection.vendor == "postgresql":
        params += [[row[0] for row in answers], [row[1] for row in answers], [row[2] for row in answers]]
        task_fields = list(DBTaskResult._meta.concrete_fields)
        for task, kwargs in tasks:
            row = queued_task_row(task, response_id=0, **kwargs)
            values = insert_values(row, task_fields)
            for field, value in zip(task_fields, values, strict=True):
                if field.name == "args_kwargs":  # as the queue stores them; the id is added in SQL
                    params.append(Jsonb(normalize_json(kwargs)))
                else:
                    params.append(value)
        with prepared_cursor() as cursor:
            cursor.execute(_postgresql_statement(len(tasks)), params)
            row = cursor.fetchone()
        return (row[0], row[1]) if row else None
    with connection.cursor() as cursor:
        cursor.execute(_response_insert(connection.vendor), params)
        row = cursor.fetchone()
        if row is None:
            return None
        if answers:
            cursor.execute(
                _answers_insert(connection.vendor, len(answers)),
                [value for answer in answers for value in (row[0], *answer, answer[2])],
            )
    if tasks:
        insert_together(*(queued_task_row(task, response_id=row[0], **kwargs) for task, kwargs in tasks))
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
        (questions[uid].pk, encode_selected(selected), text)
        for uid, (selected, text) in cleaned.items()
        if selected or text
    ]
    tasks = _tasks(receipt_ref)
    queued = _on_queue(tasks)
    # PostgreSQL, every row in the one statement and nothing else to do: that statement is its own transaction
    # (no BEGIN and COMMIT around it). Otherwise one transaction (a savepoint inside the caller's).
    alone = (
        connection.vendor == "postgresql"
        and len(queued) == len(tasks)
        and not draft_token
        and not connection.in_atomic_block
    )
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
            with contextlib.nullcontext() if alone else transaction.atomic():
                stored = _store(response, rows, queued)
                if stored is None:
                    return _existing(consultation, key)
                pk, reference = stored
                if draft_token:
                    draft_forget(consultation_id=consultation.pk, token=draft_token)
                for task, kwargs in tasks:
                    if (task, kwargs) not in queued:  # not on the database queue: enqueued as usual
                        task.enqueue(response_id=pk, **kwargs)
                return Sent(pk=pk, reference=reference, created=True)
        except IntegrityError as error:
            if unique_violation(error, ConsultationResponse, "reference") or unique_violation(
                error, ConsultationResponse, "public_id"
            ):
                continue  # the reference or public id drawn is taken: draw again
            raise
    raise IntegrityError("No free reference after several attempts")
