"""Trigram indexes for the people list's name search (PostgreSQL only).

The search is a case-insensitive substring match, which Django's `icontains` writes on PostgreSQL as
`UPPER("first_name"::text) LIKE UPPER('%term%')`. A B-tree index cannot serve a leading wildcard; a GIN index
with pg_trgm's `gin_trgm_ops` on the same `UPPER(...)` expression can, so the planner reads only the people whose
names share the term's trigrams instead of scanning everyone in scope.

The indexes are not declared on the model: SQLite has neither GIN nor pg_trgm, and its search keeps working
as before (a scan). If the pg_trgm extension cannot be created (the migrating role lacks CREATE on the
database), the migration warns and skips the indexes: the search still works, only slower. Run
`CREATE EXTENSION pg_trgm` as the database owner or a superuser, then `migrate workforce 0004` and `migrate`
again to add them.
"""

import warnings

from django.db import DatabaseError, migrations, transaction

# index name -> column; the expression must stay `UPPER(column)` to match what `icontains` generates.
INDEXES = {
    "person_first_name_trgm": "first_name",
    "person_last_name_trgm": "last_name",
}


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        # A savepoint, so a refused CREATE EXTENSION does not abort the migration's transaction.
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        warnings.warn(
            f"pg_trgm could not be created ({error}); the people name search works without its trigram "
            "indexes, but scans. Create the extension as the database owner, then migrate workforce back to "
            "0004 and forward again.",
            RuntimeWarning,
            stacklevel=1,
        )
        return
    table = schema_editor.quote_name(apps.get_model("workforce", "Person")._meta.db_table)
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON {table} "
            f"USING gin (UPPER({schema_editor.quote_name(column)}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other database objects may use it, and dropping it needs the same privilege.
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):

    dependencies = [
        ('workforce', '0004_reporting_lines'),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
