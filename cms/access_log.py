"""gunicorn's access log without the secrets some links carry (`logger_class` in gunicorn.conf.py).

A "save and come back later" link holds the token that opens a respondent's draft, a password reset link
the token that sets a new password, and an invitation link the token that sets up an account with its roles: whoever reads the access log could use them until they expire. The log keeps
the path with the secret replaced by "…".
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

SECRET_IN_PATH = re.compile(
    r"(/respond/(?:\d+/)?resume/|/workforce/invitation/|/account/password-reset/[^/\s?]+/)(?!set-password/)[^/\s?]+"
)


def without_secrets(text: str) -> str:
    return SECRET_IN_PATH.sub(r"\1…", text)


class AccessLogWithoutSecrets(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            if isinstance(atoms.get(key), str):
                atoms[key] = without_secrets(atoms[key])
        return atoms
