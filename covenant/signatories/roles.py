"""What each role may do with Covenant signatures (see cms/accounts/roles.py and docs/permissions.md).

HR administrators ask to sign for their own organisations and record progress on its pledges; editors keep the
pledge bank, approve or reject signatures and award recognition tiers. The list of signatories is public.
The permission names are declared here once; selectors, services and views check them by these names."""

REQUEST_SIGNATURE_PERMISSION = "signatories.request_signature"
RECORD_PROGRESS_PERMISSION = "signatories.record_pledge_progress"
APPROVE_SIGNATURE_PERMISSION = "signatories.approve_signature"
AWARD_RECOGNITION_PERMISSION = "signatories.award_recognition"

ROLE_PERMISSIONS = {
    "hr_admin": [REQUEST_SIGNATURE_PERMISSION, RECORD_PROGRESS_PERMISSION],
    "editor": [
        APPROVE_SIGNATURE_PERMISSION,
        AWARD_RECOGNITION_PERMISSION,
        "signatories.add_pledge",
        "signatories.change_pledge",
        "signatories.delete_pledge",
        "signatories.view_pledge",
    ],
}
