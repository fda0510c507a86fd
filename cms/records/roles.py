"""What the data protection officer may do (see cms/accounts/roles.py, docs/permissions.md)."""

ROLE_PERMISSIONS = {
    "dpo": ["records.manage_records", "records.subject_access"],
}
