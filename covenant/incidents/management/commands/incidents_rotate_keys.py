"""Re-encrypt every encrypted incident field with the newest key in INCIDENTS_ENCRYPTION_KEYS."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from cms.audit import audit
from covenant.incidents import encryption

CHUNK = 1000


def models_with_encrypted_fields() -> list:
    """Every incidents model with an encrypted column, found from the fields themselves so that a field made
    encrypted later is rotated too without anyone remembering to list it here."""
    return [
        model
        for model in apps.get_app_config("incidents").get_models()
        if encryption.encrypted_field_names(model)
    ]


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        encryption.reset_keys()
        total = 0
        for model in models_with_encrypted_fields():
            fields = encryption.encrypted_field_names(model)
            table = model._meta.db_table
            columns = ", ".join(f'"{name}"' for name in fields)
            # Raw SQL reads the stored ciphertext itself, a chunk at a time in primary-key order.
            sql = f'SELECT "id", {columns} FROM "{table}" WHERE "id" > %s ORDER BY "id" LIMIT %s'  # noqa: S608  # nosec B608  # names from our models
            count, last = 0, 0
            while True:
                with connection.cursor() as cursor:
                    cursor.execute(sql, [last, CHUNK])
                    rows = cursor.fetchall()
                if not rows:
                    break
                with transaction.atomic():
                    for row in rows:
                        values = {
                            name: encryption.rotate(value) if value else value
                            for name, value in zip(fields, row[1:], strict=True)
                        }
                        model.objects.filter(pk=row[0]).update(**values)
                last = rows[-1][0]
                count += len(rows)
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        audit(
            action="incident.keys_rotated",
            actor_label="system",
            summary=f"{total} incident rows re-encrypted",
        )
