"""What each role may do in the consultation (see cms/accounts/roles.py and docs/permissions.md).

Editors author consultation pages through the Wagtail page permissions they already hold (cms/roles.py).
The permission names are declared here once; selectors, services and views check them by these names."""

MODERATE_PERMISSION = "consultation.moderate_response"
ANALYSE_PERMISSION = "consultation.analyse_response"
SAFEGUARDING_PERMISSION = "consultation.handle_safeguarding"

ROLE_PERMISSIONS = {
    "consultation_moderator": [MODERATE_PERMISSION],
    "analyst": [ANALYSE_PERMISSION],
    "safeguarding_lead": [SAFEGUARDING_PERMISSION],
}
