"""Re-encrypt every encrypted incident field, and every evidence file, with the newest key in
INCIDENTS_ENCRYPTION_KEYS.

A value none of the keys decrypts is left as it is and listed (table, id, column); the others are rotated, and the
command then exits with an error so that no one retires an old key while a value may still need it.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cms.audit import audit
from covenant.incidents import encryption
from covenant.incidents.models import EvidenceContent

CHUNK = 1000
# Files are up to INCIDENT_EVIDENCE_MAX_FILE_BYTES each: a few at a time.
FILE_CHUNK = 10


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
        unreadable: list[str] = []
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
                        values = {}
                        for name, value in zip(fields, row[1:], strict=True):
                            if not value:
                                continue
                            try:
                                values[name] = encryption.rotate(value)
                            except RuntimeError:
                                unreadable.append(f"{table} id {row[0]} {name}")
                        if values:
                            model.objects.filter(pk=row[0]).update(**values)
                last = rows[-1][0]
                count += len(rows)
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        files = self.rotate_files(unreadable)
        self.stdout.write(f"{EvidenceContent._meta.label}: {files} files re-encrypted")
        for where in unreadable:
            self.stderr.write(f"Not re-encrypted, no key decrypts it: {where}")
        audit(
            action="incident.keys_rotated",
            actor_label="system",
            summary=f"{total} incident rows and {files} evidence files re-encrypted"
            + (f", {len(unreadable)} values no key decrypts left as they were" if unreadable else ""),
        )
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} values could not be decrypted with any key and were left as they were "
                "(listed above): keep the old keys until they are resolved."
            )

    def rotate_files(self, unreadable: list[str]) -> int:
        """Re-encrypt each evidence file, a few at a time in primary-key order; one no key opens is listed."""
        count, last = 0, 0
        while True:
            chunk = list(EvidenceContent.objects.filter(pk__gt=last).order_by("pk")[:FILE_CHUNK])
            if not chunk:
                return count
            with transaction.atomic():
                for content in chunk:
                    try:
                        rotated = encryption.rotate_bytes(content.ciphertext)
                    except RuntimeError:
                        unreadable.append(f"{EvidenceContent._meta.db_table} id {content.pk} ciphertext")
                        continue
                    EvidenceContent.objects.filter(pk=content.pk).update(ciphertext=rotated)
                    count += 1
            last = chunk[-1].pk
