"""What each role may do with incidents (see cms/accounts/roles.py and docs/permissions.md).

Reporting needs no permission: anyone may report anonymously, any signed-in member of staff under their name
or in confidence. Case access is further scoped to the handler's organisations by the selectors.
"""

ROLE_PERMISSIONS = {
    "incident_handler": [
        "incidents.view_cases",
        "incidents.sign_off_case",
        "incidents.view_incident_statistics",
    ],
    "identity_custodian": ["incidents.decide_identity_disclosure"],
    "analyst": ["incidents.view_incident_statistics"],
}
