"""Full-text search of the published (redacted) text of answers, for the comments database: on PostgreSQL a
stored tsvector column `published_search`, generated from `redacted_text` (so every write keeps it up to date),
with a GIN index. `publication.comments_matching` searches and ranks it. The model does not declare it: other
databases (SQLite in development) search the text itself and skip this migration.

Adding a stored generated column rewrites the table once: minutes at millions of answers.
"""

from django.db import migrations

CREATE = [
    "ALTER TABLE consultation_answer ADD COLUMN IF NOT EXISTS published_search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(redacted_text, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS answer_published_text_search ON consultation_answer USING gin (published_search)",
]
DROP = [
    "DROP INDEX IF EXISTS answer_published_text_search",
    "ALTER TABLE consultation_answer DROP COLUMN IF EXISTS published_search",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("consultation", "0004_saved_drafts")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False)]
