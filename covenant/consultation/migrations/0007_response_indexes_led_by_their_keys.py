"""Two indexes that every response wrote for nothing: the answer's index on its response alone (the unique
`answer_one_per_question` (response, question) leads with the response, so it serves every lookup by response)
and the response's index on its consultation alone (`response_queue_idx`, `response_type_idx` and
`response_fingerprint_idx` lead with the consultation). Each answer wrote one more B-tree entry, each response
one more.

Only those two indexes are dropped, by the names Django gave them: Django's own AlterField would also drop and
re-add the foreign keys, and PostgreSQL would check every row again while holding a lock on the table. Reversed,
each index comes back under the same name.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = (("consultation_answer", "response_id"), ("consultation_consultationresponse", "consultation_id"))


def _django_index_name(schema_editor, table: str, column: str) -> str:
    """The name Django gave the foreign key's own index (`<table>_<column>_<hash>`): only that index is dropped,
    never another on the same column (a partial or covering one added since)."""
    return schema_editor._create_index_name(table, [column], suffix="")


def drop(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(_django_index_name(schema_editor, table, column))}")


def restore(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in DROPPED:
        name = quote(_django_index_name(schema_editor, table, column))
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {quote(table)} ({quote(column)})")


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
