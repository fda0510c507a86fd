"""Writes for the consultation, one module per subdomain. Each service is keyword-only, atomic, checks the
permission it needs and writes its own audit record.

- `questions`: publishing a page's questions into stable `Question` records;
- `submission`: a response submitted online, or transcribed from e-mail or post;
- `moderation`: a moderator's decision (approval passes the publication gate);
- `redaction`: redactions and dismissed suggestions, and undoing them;
- `themes`: themes and single tags;
- `analysis`: the per-question workflow: suggested themes and tags (background runs), accepting, rejecting,
  splitting, and confirming or rejecting suggested tags in bulk;
- `campaigns`: analysts ask for campaign detection (`covenant/consultation/campaign_detection.py`, run by
  `tasks.detect_campaigns`) and review its groups.

Safeguarding referrals have their own module, `covenant/consultation/safeguarding.py`. Code inside the app imports
the module it needs; the names are re-exported here for callers outside it (the demo data, tests, benchmarks).
"""

from ..campaign_detection import campaign_min_size, campaigns_detect
from .analysis import (
    analysis_run_request,
    tags_review,
    theme_split,
    theme_suggestion_accept,
    theme_suggestion_reject,
)
from .campaigns import campaign_detection_request, campaign_review
from .moderation import response_moderate
from .questions import questions_sync
from .redaction import (
    answer_redact,
    apply_redactions,
    redaction_remove,
    response_redact,
    response_redact_suggestions,
    spans_for_phrase,
    suggestion_dismiss,
)
from .submission import (
    OFFLINE_CHANNELS,
    REFERENCE_ALPHABET,
    clean_about,
    clean_answer,
    received_on_errors,
    response_enter_offline,
    response_submit,
)
from .themes import answer_tag, tag_confirm, tag_remove, theme_create, theme_merge, theme_update

__all__ = [
    "OFFLINE_CHANNELS",
    "REFERENCE_ALPHABET",
    "answer_redact",
    "answer_tag",
    "apply_redactions",
    "campaign_detection_request",
    "campaign_min_size",
    "campaign_review",
    "campaigns_detect",
    "clean_about",
    "clean_answer",
    "questions_sync",
    "received_on_errors",
    "redaction_remove",
    "response_enter_offline",
    "response_moderate",
    "response_redact",
    "response_redact_suggestions",
    "response_submit",
    "spans_for_phrase",
    "suggestion_dismiss",
    "tag_confirm",
    "tag_remove",
    "theme_create",
    "theme_split",
    "theme_suggestion_reject",
    "tags_review",
    "analysis_run_request",
    "theme_merge",
    "theme_suggestion_accept",
    "theme_update",
]
