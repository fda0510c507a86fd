"""What each role may do with the workforce records (see cms/accounts/roles.py and docs/permissions.md).

The permission says what kind of screen a role may use; the selectors then scope it to the organisations where
the user holds the role (`workforce.selectors.access`, `workforce.selectors.organisations`).
"""

VIEW_WORKFORCE = "workforce.view_workforce"
VIEW_WORKFORCE_REPORTS = "workforce.view_workforce_reports"
VIEW_ORGANISATION = "workforce.view_organisation"
MANAGE_ORGANISATIONS = "workforce.manage_organisations"
MANAGE_ACCOUNTS = "workforce.manage_accounts"

# Role keys (cms/accounts/roles.py) that memberships scope to an organisation.
HR_ADMIN = "hr_admin"
ANALYST = "analyst"
ORG_ADMIN = "org_admin"
# Held through its group across the whole platform, not through a membership.
PLATFORM_ADMIN = "platform_admin"

ROLE_PERMISSIONS = {
    HR_ADMIN: [VIEW_WORKFORCE, VIEW_WORKFORCE_REPORTS, VIEW_ORGANISATION],
    ANALYST: [VIEW_WORKFORCE_REPORTS],
    ORG_ADMIN: [MANAGE_ACCOUNTS, VIEW_ORGANISATION],
    PLATFORM_ADMIN: [MANAGE_ORGANISATIONS, MANAGE_ACCOUNTS, VIEW_ORGANISATION],
}
