"""Violence and abuse against staff: reports, the case workflow and the child records a case carries.

Audience is explicit. A field or message is either for the reporter (`REPORTER_VISIBLE_FIELDS`,
`Message.Audience.REPORTER`, `IncidentReport.outcome_for_reporter`, `REPORTER_VISIBLE_DECISION_FIELDS`) or
internal to the handlers; reporter-facing views read only the reporter-visible ones. The anonymous follow-up code is never stored: only a slow hash
(Django's password hashers) and a keyed HMAC index so a lookup finds one row without scanning.

Every field that holds free text or identifies someone or something outside this system (a site or ward, a crime
or HSE reference, who support was escalated to, an action's description) is an `EncryptedTextField`; the other
columns are choices, dates, numbers, flags and keys. `CaseTransition.actor_label` is left in clear: it names the
member of staff who acted ("reporter" or "system" otherwise), as the audit trail does. The e-mail addresses a
reporter names are used once, to work out the exclusions, and never stored.

One module per subject: `choices` (the vocabulary), `reports` (the report and its messages), `workflow`
(history, exclusions, identity requests, actions), `support`, `outcomes` (RIDDOR, police, decisions on the
reporter's requests), `sanctions`, `statistics` (Staff Survey figures), `evidence` (files, their encrypted bytes, witness statements).
"""

from .choices import (
    ACKNOWLEDGE_WITHIN_WORKING_DAYS,
    COLLEAGUE_SOURCES,
    OPEN_STATUSES,
    REPORTER_STATUS_LABELS,
    REPORTER_VISIBLE_DECISION_FIELDS,
    REPORTER_VISIBLE_FIELDS,
    RETENTION_KINDS,
    RETENTION_YEARS,
    RIDDOR_REPORT_WITHIN_DAYS,
    RIDDOR_WARNING_DAYS,
    SANCTION_REVIEW_REMINDER_DAYS,
    SUPPORT_CHECK_IN_DAYS,
    SURVEY_SOURCE_GROUP,
    Category,
    Injury,
    MedicalFactor,
    PoliceContact,
    PoliceWish,
    ProtectedCharacteristic,
    ReporterRelationship,
    ReportingMode,
    Setting,
    Source,
    StaffGroup,
    Status,
    SubType,
    Treatment,
    YesNoUnknown,
    acknowledge_deadline,
)
from .evidence import (
    Evidence,
    EvidenceContent,
    WitnessStatement,
)
from .outcomes import (
    PoliceOutcome,
    ReporterRequestDecision,
    RiddorAssessment,
)
from .reports import (
    IncidentReport,
    Message,
)
from .sanctions import (
    Sanction,
)
from .statistics import (
    SurveyPrevalence,
)
from .support import (
    SupportCheckIn,
    SupportOffer,
)
from .workflow import (
    CaseAction,
    CaseExclusion,
    CaseTransition,
    IdentityDisclosureRequest,
)

__all__ = [
    "ACKNOWLEDGE_WITHIN_WORKING_DAYS",
    "acknowledge_deadline",
    "SANCTION_REVIEW_REMINDER_DAYS",
    "COLLEAGUE_SOURCES",
    "CaseAction",
    "CaseExclusion",
    "CaseTransition",
    "Category",
    "Evidence",
    "EvidenceContent",
    "IdentityDisclosureRequest",
    "IncidentReport",
    "Injury",
    "MedicalFactor",
    "Message",
    "OPEN_STATUSES",
    "PoliceContact",
    "PoliceOutcome",
    "PoliceWish",
    "ProtectedCharacteristic",
    "REPORTER_STATUS_LABELS",
    "REPORTER_VISIBLE_DECISION_FIELDS",
    "REPORTER_VISIBLE_FIELDS",
    "RETENTION_KINDS",
    "RETENTION_YEARS",
    "RIDDOR_REPORT_WITHIN_DAYS",
    "RIDDOR_WARNING_DAYS",
    "ReporterRelationship",
    "ReporterRequestDecision",
    "ReportingMode",
    "RiddorAssessment",
    "SUPPORT_CHECK_IN_DAYS",
    "SURVEY_SOURCE_GROUP",
    "Sanction",
    "Setting",
    "Source",
    "StaffGroup",
    "Status",
    "SubType",
    "SupportCheckIn",
    "SupportOffer",
    "SurveyPrevalence",
    "Treatment",
    "WitnessStatement",
    "YesNoUnknown",
]
