"""What each role may do with the workforce records (see cms/accounts/roles.py and docs/permissions.md).

The permission says what kind of screen a role may use; the selectors then scope it to the organisations where
the user holds the role (`workforce.selectors.access`).
"""

VIEW_WORKFORCE = "workforce.view_workforce"
VIEW_WORKFORCE_REPORTS = "workforce.view_workforce_reports"
VIEW_ORGANISATION = "workforce.view_organisation"

# Role keys (cms/accounts/roles.py) that memberships scope to an organisation.
HR_ADMIN = "hr_admin"
ANALYST = "analyst"

ROLE_PERMISSIONS = {
    HR_ADMIN: [VIEW_WORKFORCE, VIEW_WORKFORCE_REPORTS, VIEW_ORGANISATION],
    ANALYST: [VIEW_WORKFORCE_REPORTS],
}
