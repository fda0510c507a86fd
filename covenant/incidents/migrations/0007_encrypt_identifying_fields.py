"""Encrypt the identifying fields (site, crime and HSE references, who support was escalated to, action
descriptions), then encrypt every value of an encrypted column still stored in clear: the new columns, and any
value written before 0002 switched encryption on (those were only read back as plaintext until now).

The columns become `text` first, since ciphertext is longer than the old `varchar` limits. Going back decrypts
the new columns before they return to `varchar`. Rows are read and written a chunk at a time in key order.
"""

from django.db import migrations

import covenant.incidents.encryption
from covenant.incidents import encryption

CHUNK = 1000

# As the tables stand at this migration; frozen here rather than read from the models, which will move on.
NEWLY_ENCRYPTED = {
    "incidents_incidentreport": ("site", "crime_reference"),
    "incidents_policeoutcome": ("crime_reference",),
    "incidents_riddorassessment": ("hse_reference",),
    "incidents_supportoffer": ("escalated_to",),
    "incidents_caseaction": ("description",),
}
ENCRYPTED_BY_0002 = {
    "incidents_incidentreport": (
        "narrative",
        "status_reason_for_reporter",
        "outcome_for_reporter",
        "closure_rationale",
    ),
    "incidents_casetransition": ("note",),
    "incidents_message": ("body",),
    "incidents_supportoffer": ("staff_member", "notes"),
    "incidents_supportcheckin": ("note",),
    "incidents_riddorassessment": ("reason",),
    "incidents_sanction": ("subject_description", "clinical_review_note", "notes"),
    "incidents_identitydisclosurerequest": ("reason", "decision_note"),
}


def _rewrite(connection, table: str, column: str, *, stored_in_clear: bool, change) -> None:
    quote = connection.ops.quote_name
    # Only the values that need the change are read: in clear going forwards, encrypted going back.
    condition = "NOT LIKE %s" if stored_in_clear else "LIKE %s"
    select = (
        f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608  # nosec B608  # names from the dicts above
        f"WHERE id > %s AND {quote(column)} <> '' AND {quote(column)} {condition} ORDER BY id LIMIT %s"
    )
    update = f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s"  # noqa: S608  # nosec B608
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(select, [last, encryption.PREFIX + "%", CHUNK])
            rows = cursor.fetchall()
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(update, [(change(value), pk) for pk, value in rows])
        last = rows[-1][0]


def _constraints_checked_now(connection):
    """PostgreSQL refuses to ALTER a table with deferred constraint checks still queued in the transaction, which
    the UPDATEs below leave behind; going back, the ALTERs come after them. Checked at once, nothing is queued."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def encrypt_plaintext(apps, schema_editor):
    encryption.reset_keys()
    _constraints_checked_now(schema_editor.connection)
    for columns_by_table in (NEWLY_ENCRYPTED, ENCRYPTED_BY_0002):
        for table, columns in columns_by_table.items():
            for column in columns:
                _rewrite(
                    schema_editor.connection, table, column, stored_in_clear=True, change=encryption.encrypt
                )


def decrypt_new_columns(apps, schema_editor):
    encryption.reset_keys()
    _constraints_checked_now(schema_editor.connection)
    for table, columns in NEWLY_ENCRYPTED.items():
        for column in columns:
            _rewrite(schema_editor.connection, table, column, stored_in_clear=False, change=encryption.decrypt)


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0006_reporter_request_decisions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='caseaction',
            name='description',
            field=covenant.incidents.encryption.EncryptedTextField(max_length=300),
        ),
        migrations.AlterField(
            model_name='incidentreport',
            name='crime_reference',
            field=covenant.incidents.encryption.EncryptedTextField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='incidentreport',
            name='site',
            field=covenant.incidents.encryption.EncryptedTextField(blank=True, max_length=200, verbose_name='site, ward or team'),
        ),
        migrations.AlterField(
            model_name='policeoutcome',
            name='crime_reference',
            field=covenant.incidents.encryption.EncryptedTextField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='riddorassessment',
            name='hse_reference',
            field=covenant.incidents.encryption.EncryptedTextField(blank=True, max_length=40, verbose_name='HSE reference'),
        ),
        migrations.AlterField(
            model_name='supportoffer',
            name='escalated_to',
            field=covenant.incidents.encryption.EncryptedTextField(blank=True, max_length=200),
        ),
        migrations.RunPython(encrypt_plaintext, decrypt_new_columns, elidable=False),
    ]
