"""New rows written together, in one round trip to the database, and the task queue's row for a task.

`insert_together(*rows)` writes new model instances as `save()` would write them (each field's `pre_save` and its
preparation for the database: `auto_now_add` times, encrypted fields, JSON), inside the caller's transaction: on
PostgreSQL in one statement (`WITH r0 AS (INSERT ...), r1 AS (INSERT ...) INSERT ...`), elsewhere one INSERT a
row. It sends no model signals, so it is only for rows that no receiver needs to see, and it reads nothing back:
a primary key the database makes is not known afterwards (a key made in Python, such as a UUID, is set already).
The statement of each combination of models is made once per process, and runs prepared where connections prepare
(`prepared_cursor`). Models with what a plain INSERT cannot write as `save()` would (a parent's table, a database
default, a generated column) are refused.

`queued_task_row(task, *args, **kwargs)` is the row the database task queue's `enqueue` writes for a task (the
backend's own id function, the arguments as the queue stores them, `run_after` as the queue's `pre_save` sets
it), after the checks `enqueue` makes of the task (once per process); None when the task's backend is not the
database queue (development and tests run tasks at once: call `task.enqueue` then). What `enqueue` does besides:
it sends `task_enqueued`, which nothing of ours listens to.

`prepared_cursor()` runs a statement prepared on the connection (PostgreSQL), and `unique_violation` tells whether
an IntegrityError is a given unique key's.

Used where a request's cost matters most (issue 15): the anonymous incident report's send, whose workflow step,
held audit line and e-mail task go in one statement after the report, and the consultation response's send.
"""

from __future__ import annotations

import functools

import psycopg
from django.db import connection, models, transaction
from django_tasks import task_backends
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max


def _fields(model: type[models.Model]) -> list[models.Field]:
    """The columns an INSERT writes: every concrete field but a primary key the database makes."""
    return [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.db_returning)  # AutoField & co: the database's own sequence
    ]


def _supported(model: type[models.Model]) -> None:
    """Refuse what `save()` handles and a plain INSERT would not: a parent model's table (multi-table
    inheritance), database defaults and generated columns."""
    if model._meta.parents:
        raise ValueError(f"{model.__name__} inherits a table: save it instead")
    for field in model._meta.concrete_fields:
        if getattr(field, "generated", False) or field.db_default is not models.NOT_PROVIDED:
            raise ValueError(f"{model.__name__}.{field.name} is made by the database: save the row instead")


@functools.cache
def _statements(vendor: str, models_in_order: tuple[type[models.Model], ...]) -> tuple[str, ...]:
    qn = connection.ops.quote_name
    inserts = []
    for model in models_in_order:
        _supported(model)
        fields = _fields(model)
        columns = ", ".join(qn(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        inserts.append(f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})")  # noqa: S608  # nosec B608  # names from the models
    if vendor != "postgresql" or len(inserts) == 1:
        return tuple(inserts)
    *first, last = inserts
    together = ", ".join(f"r{index} AS ({insert})" for index, insert in enumerate(first))
    return (f"WITH {together} {last}",)


def insert_values(row: models.Model, fields: list[models.Field]) -> list:
    """The values an INSERT of the new `row` writes to `fields`, as `save()` prepares them."""
    return [field.get_db_prep_save(field.pre_save(row, add=True), connection) for field in fields]


def insert_together(*rows: models.Model) -> None:
    """Insert these new rows as `save()` would, in one statement on PostgreSQL (see the module's docstring). All
    or none are written: elsewhere the INSERTs run in one transaction (the caller's, if there is one)."""
    if not rows:
        raise ValueError("No rows to insert")
    statements = _statements(connection.vendor, tuple(type(row) for row in rows))
    for row in rows:
        if row._meta.pk.db_returning and row.pk is not None:
            raise ValueError(f"{type(row).__name__}: the database makes its key; leave it unset")
        # As save(): a foreign key's id is taken from its object, saved since the row was made.
        row._prepare_related_fields_for_save(operation_name="insert_together")
    values = [insert_values(row, _fields(type(row))) for row in rows]
    with transaction.atomic(savepoint=False), prepared_cursor() as cursor:
        if len(statements) == 1 and len(rows) > 1:
            cursor.execute(statements[0], [value for row_values in values for value in row_values])
        else:
            for statement, row_values in zip(statements, values, strict=True):
                cursor.execute(statement, row_values)
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias


_VALIDATED: set[tuple] = set()


def _validate(backend: DatabaseBackend, task) -> None:
    """What `enqueue` checks of a task (its priority, its queue, its arguments' signature), once per process for
    each task and options."""
    key = (backend.alias, task.module_path, task.priority, task.queue_name, task.run_after is None)
    if key not in _VALIDATED:
        backend.validate_task(task)
        _VALIDATED.add(key)


def on_database_queue(task) -> bool:
    """Whether `task` runs on the database task queue (its rows can be written with others: `queued_task_row`)."""
    return isinstance(task_backends[task.backend], DatabaseBackend)


def queued_task_row(task, *args, **kwargs) -> DBTaskResult | None:
    """The unsaved row the database queue's `enqueue` would write for `task(*args, **kwargs)`, or None when the
    task does not run on the database queue (see the module's docstring)."""
    if not on_database_queue(task):
        return None
    backend = task_backends[task.backend]
    _validate(backend, task)
    return DBTaskResult(
        id=backend._get_id(),  # the backend's own id (its `id_function` when one is configured)
        args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after or get_date_max(),
        backend_name=backend.alias,
    )


def prepared_cursor():
    """A cursor for a statement run again and again with the same text: on PostgreSQL its parameters are bound by
    the server and, when the connection prepares statements (psycopg's `prepare_threshold`, which
    `DATABASE_PREPARED_STATEMENTS` sets: from a statement's second run on the connection), it is prepared once and
    then only executed: no parsing or planning by PostgreSQL, nor splitting of the query text by psycopg, per
    request. Django's own cursors bind on the client and never prepare. Elsewhere
    Django's cursor. Either way Django's execute wrappers, query logging and error translation apply. Use it as
    `with prepared_cursor() as cursor:`."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = ServerBoundCursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


class ServerBoundCursor(psycopg.Cursor):
    """psycopg's cursor, which remembers the statement it ran when it ran it prepared as well (psycopg then leaves
    `_query` unset, and Django's query log, read by `assertNumQueries` and the debug tools, would show None)."""

    def _send_query_prepared(self, name, pgq, *, binary=None):
        self._query = pgq
        return super()._send_query_prepared(name, pgq, binary=binary)


def unique_violation(error: Exception, model: type[models.Model], field: str) -> bool:
    """Whether the IntegrityError `error` is a clash on the unique key of `model`'s single `field` (and not another
    constraint: a foreign key, a NOT NULL, another unique key)."""
    column = model._meta.get_field(field).column
    cause = error.__cause__
    if connection.vendor == "postgresql":
        diag = getattr(cause, "diag", None)
        detail = getattr(diag, "message_detail", None) or ""
        return getattr(cause, "sqlstate", None) == "23505" and detail.startswith(f"Key ({column})=")
    return str(cause or error).strip() == f"UNIQUE constraint failed: {model._meta.db_table}.{column}"
