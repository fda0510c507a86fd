"""What each role may do in the consultation (see cms/accounts/roles.py and docs/permissions.md).

Editors author consultation pages through the Wagtail page permissions they already hold (cms/roles.py)."""

ROLE_PERMISSIONS = {
    "consultation_moderator": ["consultation.moderate_response"],
    "analyst": ["consultation.analyse_response"],
    "safeguarding_lead": ["consultation.handle_safeguarding"],
}
