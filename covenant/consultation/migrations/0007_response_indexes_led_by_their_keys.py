"""Two indexes that every response wrote for nothing: the answer's index on its response alone (the unique
`answer_one_per_question` (response, question) leads with the response, so it serves every lookup by response)
and the response's index on its consultation alone (`response_queue_idx`, `response_type_idx` and
`response_fingerprint_idx` lead with the consultation). Each answer wrote one more B-tree entry, each response
one more.

Only the indexes are dropped: Django's own AlterField would also drop and re-add the foreign keys, and
PostgreSQL would check every row again while holding a lock on the table. Reversed, each index comes back under
a name of its own.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = (("consultation_answer", "response_id"), ("consultation_consultationresponse", "consultation_id"))
RESTORED = {"response_id": "answer_response_idx", "consultation_id": "response_consultation_idx"}


def _single_column_indexes(schema_editor, table: str, column: str) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, details in constraints.items()
        if details["columns"] == [column]
        and details["index"]
        and not (details["unique"] or details["primary_key"] or details["foreign_key"] or details["check"])
    ]


def drop(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in DROPPED:
        for name in _single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX {quote(name)}")


def restore(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in DROPPED:
        if not _single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f"CREATE INDEX {quote(RESTORED[column])} ON {quote(table)} ({quote(column)})")


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0006_theme_analysis"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name="answer",
                    name="response",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="consultation.consultationresponse",
                    ),
                ),
                migrations.AlterField(
                    model_name="consultationresponse",
                    name="consultation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="responses",
                        to="consultation.consultationpage",
                    ),
                ),
            ],
        ),
    ]
