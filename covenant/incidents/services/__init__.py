"""Writes for incidents. Every service is atomic, checks its invariants and writes its own audit record.

Audit records never carry narratives or identities: the reference, the action and who did it are enough.
What an anonymous reporter does is audited with `audit_anonymous`: no account, no address, the hour only.

One module per subdomain: `reporting`, `messages`, `workflow` (the case workflow's table and steps), `exclusions`,
`identity` (disclosure requests), `support`, `external_reporting` (RIDDOR and police), `reporter_requests`,
`sanctions`, `actions`, `retention` and `statistics` (Staff Survey figures). The destruction of expired cases is
`purge.py`, below the tasks. The names below are the package's public surface for callers outside the app; code
inside the app imports from the module that holds the name.
"""

from ..purge import incidents_purge_expired
from .actions import (
    action_complete,
    action_create,
)
from .exclusions import (
    Exclusions,
    exclusion_add,
)
from .external_reporting import (
    police_outcome_record,
    riddor_record,
)
from .identity import (
    disclosure_decide,
    disclosure_request_create,
)
from .messages import (
    message_post_by_handler,
    message_post_by_reporter,
)
from .reporter_requests import (
    reporter_request_decide,
)
from .reporting import (
    RECEIPT_DIGITS,
    REPORT_FIELDS,
    receipt_format,
    report_submit,
)
from .retention import (
    case_legal_hold_set,
)
from .sanctions import (
    SANCTION_MOVES,
    sanction_advance,
    sanction_propose,
)
from .statistics import (
    survey_prevalence_record,
)
from .support import (
    SUPPORT_MOVES,
    support_check_in_complete,
    support_offer_create,
    support_offer_update,
)
from .workflow import (
    ENDED_WITHOUT_SIGN_OFF,
    INVESTIGATION,
    NOT_A_MERGE_TARGET,
    TRANSITIONS,
    ActorRule,
    Refusal,
    Transition,
    TransitionChoice,
    case_transition,
    transition_choices,
    transition_refusal,
)

__all__ = [
    "ActorRule",
    "ENDED_WITHOUT_SIGN_OFF",
    "Exclusions",
    "INVESTIGATION",
    "NOT_A_MERGE_TARGET",
    "RECEIPT_DIGITS",
    "REPORT_FIELDS",
    "Refusal",
    "SANCTION_MOVES",
    "SUPPORT_MOVES",
    "TRANSITIONS",
    "Transition",
    "TransitionChoice",
    "action_complete",
    "action_create",
    "case_legal_hold_set",
    "case_transition",
    "disclosure_decide",
    "disclosure_request_create",
    "exclusion_add",
    "incidents_purge_expired",
    "message_post_by_handler",
    "message_post_by_reporter",
    "police_outcome_record",
    "receipt_format",
    "report_submit",
    "reporter_request_decide",
    "riddor_record",
    "sanction_advance",
    "sanction_propose",
    "support_check_in_complete",
    "support_offer_create",
    "support_offer_update",
    "survey_prevalence_record",
    "transition_choices",
    "transition_refusal",
]
