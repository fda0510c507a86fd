"""Views for reporting, following up and handling incidents. Thin: a form, one service or selector, a template.

One module per area: `reporting` and `report_journey` (making a report), `reporters` (following up by code, a reporter's own reports),
`cases` (case list, dashboard, case page, workflow steps), `case_records` (the small forms on a case), `support`,
`sanctions`, `custodian` (identity requests), `figures` (statistics, board report, Staff Survey figures),
`evidence` (files, witness statements, handler-only notes) and `reassignment` (moving cases to another handler).
Every read of a case by a handler or a reporter is audited in the view that shows it, because a read has no
service of its own. `urls.py` imports the modules; the names below are for callers outside the app.
"""

from .case_records import (
    action_add,
    action_done,
    case_exclusion_add,
    case_identity_request,
    case_legal_hold,
    police_edit,
    request_decision,
    riddor_edit,
)
from .cases import CaseListView, case_detail, case_message, case_transition, dashboard
from .custodian import disclosure_decide, disclosure_list
from .figures import board_report, statistics, survey_figures
from .reporters import follow_up, follow_up_case, follow_up_leave, my_report, my_reports
from .reporting import report_form, report_more, report_start
from .sanctions import sanction_add, sanction_move
from .support import check_in_done, support_add, support_update

__all__ = [
    "CaseListView",
    "action_add",
    "action_done",
    "board_report",
    "case_detail",
    "case_exclusion_add",
    "case_identity_request",
    "case_legal_hold",
    "case_message",
    "case_transition",
    "check_in_done",
    "dashboard",
    "disclosure_decide",
    "disclosure_list",
    "follow_up",
    "follow_up_case",
    "follow_up_leave",
    "my_report",
    "my_reports",
    "police_edit",
    "report_form",
    "report_more",
    "report_start",
    "request_decision",
    "riddor_edit",
    "sanction_add",
    "sanction_move",
    "statistics",
    "support_add",
    "support_update",
    "survey_figures",
]
