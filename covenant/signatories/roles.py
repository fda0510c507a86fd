"""What each role may do with Covenant signatures (see cms/accounts/roles.py and docs/permissions.md).

HR administrators ask to sign for their own organisations and record progress on its pledges; editors keep the
pledge bank, approve or reject signatures and award recognition tiers. The list of signatories is public."""

ROLE_PERMISSIONS = {
    "hr_admin": ["signatories.request_signature", "signatories.record_pledge_progress"],
    "editor": [
        "signatories.approve_signature",
        "signatories.award_recognition",
        "signatories.add_pledge",
        "signatories.change_pledge",
        "signatories.delete_pledge",
        "signatories.view_pledge",
    ],
}
