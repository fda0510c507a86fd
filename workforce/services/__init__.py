"""Writes for the workforce app, one module per subdomain. Every service is atomic and writes its own audit
record. The reads they share with the screens (current assignments, passport checks, the HR scope) are
selectors."""

from .accounts import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    member_leave,
    role_grant,
    role_revoke,
)
from .arrangements import (
    agreement_document_add,
    agreement_file_check,
    joint_arrangement_create,
    joint_arrangement_update,
    joint_arrangement_validate,
)
from .arrivals import sector_move_arrival_record
from .joiners import person_add
from .moves import sector_move_confirm, sector_move_record
from .organisations import (
    membership_grant,
    membership_revoke,
    organisation_create,
    organisation_set_active,
    organisation_update,
)
from .passport import (
    acceptance_rule_create,
    acceptance_rule_delete,
    passport_credential_record,
    passport_credential_respond,
    passport_credential_set_status,
    passport_credential_verify,
)
from .passport_shares import passport_share_create, passport_share_redeem, passport_share_withdraw
from .people import (
    employment_add,
    employment_start,
    employment_update,
    person_create_or_match,
    person_update,
)
from .posts import assignment_create, assignment_validate, post_create, post_update, post_validate
from .reporting_lines import (
    employment_set_line_manager,
    person_reporting_update,
    person_set_work_email,
    work_email_normalise,
)
from .teams import (
    integrated_team_create,
    integrated_team_lead_set,
    integrated_team_member_add,
    integrated_team_member_end,
)

__all__ = [
    "integrated_team_member_end",
    "integrated_team_member_add",
    "integrated_team_lead_set",
    "integrated_team_create",
    "sector_move_arrival_record",
    "post_update",
    "person_update",
    "person_add",
    "employment_update",
    "employment_add",
    "acceptance_rule_create",
    "acceptance_rule_delete",
    "agreement_document_add",
    "agreement_file_check",
    "assignment_create",
    "assignment_validate",
    "employment_set_line_manager",
    "employment_start",
    "invitation_accept",
    "invitation_cancel",
    "invitation_create",
    "joint_arrangement_create",
    "joint_arrangement_update",
    "joint_arrangement_validate",
    "member_leave",
    "membership_grant",
    "membership_revoke",
    "organisation_create",
    "organisation_set_active",
    "organisation_update",
    "passport_credential_record",
    "passport_credential_respond",
    "passport_credential_set_status",
    "passport_credential_verify",
    "passport_share_create",
    "passport_share_redeem",
    "passport_share_withdraw",
    "person_create_or_match",
    "person_reporting_update",
    "person_set_work_email",
    "post_create",
    "post_validate",
    "role_grant",
    "role_revoke",
    "sector_move_confirm",
    "sector_move_record",
    "work_email_normalise",
]
