"""A GIN full-text index on the published (redacted) text of answers, for the comments database.

PostgreSQL only: the expression is the one `publication.comments_matching` searches
(`to_tsvector('english', COALESCE(redacted_text, ''))`, as Django's SearchVector writes it), so the planner can
use it. Other databases (SQLite in development) search without an index and skip this migration.
"""

from django.db import migrations

INDEX = "answer_published_text_search"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON consultation_answer "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(redacted_text, '')))"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("consultation", "0003_publication_gate")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False)]
