"""Writes for the workforce app, one module per subdomain. Every service is atomic and writes its own audit
record. The reads they share with the screens (current assignments, passport checks, the HR scope) are
selectors."""

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
from .organisations import membership_grant, membership_revoke
from .passport import acceptance_rule_create, acceptance_rule_delete, passport_credential_set_status
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
    "joint_arrangement_create",
    "joint_arrangement_update",
    "joint_arrangement_validate",
    "membership_grant",
    "membership_revoke",
    "passport_credential_set_status",
    "person_create_or_match",
    "person_reporting_update",
    "person_set_work_email",
    "post_create",
    "post_validate",
    "sector_move_confirm",
    "sector_move_record",
    "work_email_normalise",
]
