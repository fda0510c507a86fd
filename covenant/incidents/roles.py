"""What each role may do with incidents (see cms/accounts/roles.py and docs/permissions.md).

Reporting needs no permission: anyone may report anonymously, any signed-in member of staff under their name
or in confidence. Case access is further scoped to the handler's organisations by the selectors.

The permission and role names are declared here once, for the selectors, services and views to use.
"""

VIEW_CASES = "incidents.view_cases"
SIGN_OFF_CASE = "incidents.sign_off_case"
VIEW_INCIDENT_STATISTICS = "incidents.view_incident_statistics"
DECIDE_IDENTITY_DISCLOSURE = "incidents.decide_identity_disclosure"

HANDLER_ROLE = "incident_handler"
CUSTODIAN_ROLE = "identity_custodian"
ANALYST_ROLE = "analyst"

ROLE_PERMISSIONS = {
    HANDLER_ROLE: [VIEW_CASES, SIGN_OFF_CASE, VIEW_INCIDENT_STATISTICS],
    CUSTODIAN_ROLE: [DECIDE_IDENTITY_DISCLOSURE],
    ANALYST_ROLE: [VIEW_INCIDENT_STATISTICS],
}
