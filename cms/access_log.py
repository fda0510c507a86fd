"""gunicorn's access log without the secrets some links carry (`logger_class` in gunicorn.conf.py).

Resume, password-reset and invitation links hold a token (`cms/secret_links.py`). The log keeps each link with
the secret replaced by "…", wherever the line would show it: the request line, the path, and every header the
format can write, the Referer above all (the page after a resume link is asked for with the link as its Referer
by a browser that ignores the page's `Referrer-Policy`).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from cms.secret_links import without_secrets


class AccessLogWithoutSecrets(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = without_secrets(value)
        return atoms
