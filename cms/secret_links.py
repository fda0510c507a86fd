"""Links that carry a secret in their path, and those secrets left out of anything that records a link.

A "save and come back later" link holds the token that opens a respondent's draft, a password reset link the
token that sets a new password, and an invitation link the token that sets up an account with its roles: whoever
reads them in a log, or in the Referer a browser sends to the next page, could use them until they expire. The
access log (`cms/access_log.py`) writes them with the secret replaced by "…", and the pages they open send
`Referrer-Policy: origin` (`cms.middleware.SecretLinkReferrerMiddleware`).
"""

from __future__ import annotations

import re

SECRET_IN_PATH = re.compile(
    r"(/respond/(?:\d+/)?resume/|/workforce/invitation/|/account/password-reset/[^/\s?]+/)(?!set-password/)[^/\s?]+"
)


def has_secret(path: str) -> bool:
    return SECRET_IN_PATH.search(path) is not None


def without_secrets(text: str) -> str:
    return SECRET_IN_PATH.sub(r"\1…", text)
