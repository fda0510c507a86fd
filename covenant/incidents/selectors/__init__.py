"""Reads for incidents. Access control lives here so that a view cannot forget it.

- A reporter sees only the reports they made under their own name or in confidence (`reporters`); an anonymous
  report is reached with its follow-up code (`follow_up`).
- A handler sees the cases of the organisations where they hold the incident_handler role, minus any case
  they are excluded from (`cases`; who is excluded comes from `line_management`).
- Identity custodians see the requests to learn who made a confidential report (`identity`).
- Analysts see aggregates only, protected by cms/disclosure.py (`statistics`, `protected_figures`); only handlers
  who are not analysts see exact figures for their own organisations, on screen (`statistics_audience`).

Every getter that refuses a signed-in person a record records the refusal first (`refusals`).

The names below are the package's public surface for callers outside the app; code inside the app imports from
the module that holds the name.
"""

from .cases import (
    case_get_for_handler,
    case_record_get,
    case_records,
    cases_for_handler,
    handler_organisations,
    handlers_for_case,
    moved_into_status_by_id,
    reporter_identity_visible,
    sign_off_requester_id,
)
from .dashboard import (
    HandlerDashboard,
    handler_dashboard,
)
from .follow_up import (
    RECEIPT_HASHER,
    ReceiptCodeHasher,
    receipt_hash,
    receipt_index,
    receipt_matches,
    receipt_normalise,
    report_followed_up,
    report_for_receipt,
)
from .identity import (
    disclosure_request_get_for_custodian,
    disclosure_requests_for_custodian,
)
from .line_management import (
    LINE_MANAGEMENT_DEPTH,
    NamedPeople,
    named_people_with_line_management,
)
from .protected_figures import (
    HARASSMENT_CATEGORIES,
    JOINT_PATTERN_SECONDS,
    OTHER,
    PHYSICAL_CATEGORIES,
    REPORTS,
    STAFF_CHOICES,
    TOTAL_POLICE,
    TOTAL_SANCTIONS,
    protected_period_cells,
)
from .reporter_requests import (
    ReporterAnswer,
    ReporterRequest,
    reporter_request_answers,
    reporter_requests,
)
from .reporters import (
    messages_for_reporter,
    organisations_to_report_to,
    report_get_for_reporter,
    reporter_organisations,
    reports_for_reporter,
)
from .statistics import (
    Breakdown,
    IncidentStatistics,
    UnderReportingRow,
    half_year_bounds,
    incident_statistics,
    recent_half_years,
    sanctions_issued_count,
    statistics_audience,
    statistics_organisations,
    survey_figures_for,
)

__all__ = [
    "Breakdown",
    "HARASSMENT_CATEGORIES",
    "HandlerDashboard",
    "IncidentStatistics",
    "JOINT_PATTERN_SECONDS",
    "LINE_MANAGEMENT_DEPTH",
    "NamedPeople",
    "OTHER",
    "PHYSICAL_CATEGORIES",
    "RECEIPT_HASHER",
    "REPORTS",
    "ReceiptCodeHasher",
    "ReporterAnswer",
    "ReporterRequest",
    "STAFF_CHOICES",
    "TOTAL_POLICE",
    "TOTAL_SANCTIONS",
    "UnderReportingRow",
    "case_get_for_handler",
    "case_record_get",
    "case_records",
    "cases_for_handler",
    "disclosure_request_get_for_custodian",
    "disclosure_requests_for_custodian",
    "half_year_bounds",
    "handler_dashboard",
    "handler_organisations",
    "handlers_for_case",
    "incident_statistics",
    "messages_for_reporter",
    "moved_into_status_by_id",
    "named_people_with_line_management",
    "organisations_to_report_to",
    "protected_period_cells",
    "receipt_hash",
    "receipt_index",
    "receipt_matches",
    "receipt_normalise",
    "recent_half_years",
    "report_followed_up",
    "report_for_receipt",
    "report_get_for_reporter",
    "reporter_identity_visible",
    "reporter_organisations",
    "reporter_request_answers",
    "reporter_requests",
    "reports_for_reporter",
    "sanctions_issued_count",
    "sign_off_requester_id",
    "statistics_audience",
    "statistics_organisations",
    "survey_figures_for",
]
