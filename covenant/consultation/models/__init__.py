"""The NHS Covenant consultation: Wagtail pages for authoring, relational records for responses.

Questions have two faces. Editors edit `QuestionDefinition` rows inline in the page editor (so drafts,
revisions and previews work as for any Wagtail content). When the page is published, `questions_sync`
copies them into `Question` rows keyed by a UUID that never changes. Answers point at `Question`, which is
never deleted: a question removed from the page is retired, so no answer is ever lost or misattributed.

One module per subdomain: `pages` (the hub and the consultation page with its routes), `questions`, `responses`
(responses and answers), `drafts` (responses saved part-way), `redactions`, `analysis` (themes, tags, campaign groups) and `safeguarding`; the
choices they share are in `covenant/consultation/vocabulary.py`. Code inside the app imports the module it
needs (never this package, and never `pages` from below the views: the page's routes import the public views).
Everything is re-exported here for Django and for callers outside the app.
"""

from ..vocabulary import (
    AGREE_SCALE_OPTIONS,
    CampaignKind,
    CampaignReview,
    Channel,
    Lifecycle,
    ModerationState,
    Origin,
    PublishConsent,
    QuestionKind,
    RedactedField,
    RedactionDecision,
    RedactionReason,
    ReferralOrigin,
    ReferralStatus,
    RespondentType,
)
from .analysis import AnalysisRun, CampaignGroup, Theme, ThemeSuggestion, ThemeTag, ThemeTagRejection
from .drafts import SavedDraft
from .pages import OUTCOME_DUE_AFTER, ConsultationHubPage, ConsultationPage
from .questions import Question, QuestionDefinition
from .redactions import Redaction
from .responses import Answer, ConsultationResponse, encode_selected
from .safeguarding import SAFEGUARDING_DEADLINE, SafeguardingNote, SafeguardingReferral

__all__ = [
    "AnalysisRun",
    "ThemeSuggestion",
    "ThemeTagRejection",
    "AGREE_SCALE_OPTIONS",
    "OUTCOME_DUE_AFTER",
    "SAFEGUARDING_DEADLINE",
    "Answer",
    "CampaignGroup",
    "CampaignKind",
    "CampaignReview",
    "Channel",
    "ConsultationHubPage",
    "ConsultationPage",
    "ConsultationResponse",
    "Lifecycle",
    "ModerationState",
    "Origin",
    "PublishConsent",
    "Question",
    "QuestionDefinition",
    "QuestionKind",
    "Redaction",
    "RedactedField",
    "RedactionDecision",
    "RedactionReason",
    "ReferralOrigin",
    "ReferralStatus",
    "RespondentType",
    "SafeguardingNote",
    "SafeguardingReferral",
    "SavedDraft",
    "Theme",
    "ThemeTag",
    "encode_selected",
]
