"""Forms for reporting, following up and managing cases. NHS.UK markup comes from the form renderer.

`reporting` holds what a reporter fills (with `report_details`, the optional pages after sending), `cases`
what a handler fills on a case, `statistics` the figures pages' forms. The names below are for callers outside
the app; code inside the app imports from the module.
"""

from .cases import (
    CaseActionForm,
    CheckInForm,
    DisclosureDecisionForm,
    DisclosureRequestForm,
    ExclusionForm,
    HandlerMessageForm,
    LegalHoldForm,
    PoliceOutcomeForm,
    ReporterRequestDecisionForm,
    RiddorForm,
    SanctionMoveForm,
    SanctionProposeForm,
    SupportOfferForm,
    SupportUpdateForm,
    TransitionForm,
)
from .reporting import FollowUpCodeForm, ReporterMessageForm
from .statistics import StatisticsForm, SurveyPrevalenceForm

__all__ = [
    "CaseActionForm",
    "CheckInForm",
    "DisclosureDecisionForm",
    "DisclosureRequestForm",
    "ExclusionForm",
    "FollowUpCodeForm",
    "HandlerMessageForm",
    "LegalHoldForm",
    "PoliceOutcomeForm",
    "ReporterMessageForm",
    "ReporterRequestDecisionForm",
    "RiddorForm",
    "SanctionMoveForm",
    "SanctionProposeForm",
    "StatisticsForm",
    "SupportOfferForm",
    "SupportUpdateForm",
    "SurveyPrevalenceForm",
    "TransitionForm",
]
