"""Reads for the workforce app, one module per subdomain. Access control lives here.

The getters of single records refuse, with 403 or 404, what the person may not see, and record the refusal with
`cms.audit.audit_refusal` (rate-limited, with a count); pass `request` for the method and address.
"""

from .access import (
    can_view_reports,
    hr_organisation_ids,
    hr_organisations,
    is_hr_admin,
    organisations_for_user,
    report_organisation_ids,
)
from .arrangements import (
    ArrangementDetail,
    agreement_document_get,
    joint_arrangement_can_change,
    joint_arrangement_detail,
    joint_arrangement_get_for_user,
    joint_arrangement_post_choices,
    joint_arrangements_visible_to,
)
from .history import history_rows
from .moves import (
    move_can_confirm,
    move_from_posts,
    move_get_for_user,
    move_passport_checks,
    moves_to_confirm,
    moves_visible_to,
)
from .passport import (
    PassportCheck,
    acceptance_rule_get_for_user,
    acceptance_rules_visible_to,
    credentials_changeable_by,
    passport_evaluate,
)
from .people import (
    PersonPage,
    TimelineEvent,
    people_for_table,
    people_visible_to,
    person_current_assignments,
    person_get_for_user,
    person_page,
    person_timeline,
)
from .posts import post_get_for_user, post_recent_assignments, posts_visible_to
from .reporting_lines import reporting_employments
from .reports import Quarter, headcount_as_at, sector_flow

__all__ = [
    "ArrangementDetail",
    "PassportCheck",
    "PersonPage",
    "Quarter",
    "TimelineEvent",
    "acceptance_rule_get_for_user",
    "acceptance_rules_visible_to",
    "agreement_document_get",
    "can_view_reports",
    "credentials_changeable_by",
    "headcount_as_at",
    "history_rows",
    "hr_organisation_ids",
    "hr_organisations",
    "is_hr_admin",
    "joint_arrangement_can_change",
    "joint_arrangement_detail",
    "joint_arrangement_get_for_user",
    "joint_arrangement_post_choices",
    "joint_arrangements_visible_to",
    "move_can_confirm",
    "move_from_posts",
    "move_get_for_user",
    "move_passport_checks",
    "moves_to_confirm",
    "moves_visible_to",
    "organisations_for_user",
    "passport_evaluate",
    "people_for_table",
    "people_visible_to",
    "person_current_assignments",
    "person_get_for_user",
    "person_page",
    "person_timeline",
    "post_get_for_user",
    "post_recent_assignments",
    "posts_visible_to",
    "reporting_employments",
    "report_organisation_ids",
    "sector_flow",
]
