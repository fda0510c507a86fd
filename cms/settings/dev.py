"""Local development: the embedded SQLite database, tasks run at once, e-mail printed to the console.

Debug is off unless DEBUG=1 (`make run DEBUG=1`), so a mistyped address shows the site's own 404 page as it would
in production. WhiteNoise serves the static files straight from the source folders (runserver serves them only
with debug on), and the site's own URL patterns serve uploads.
"""

import os
from urllib.parse import urlsplit

os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

from .base import *  # noqa: E402,F403
from .base import SITE_URL, env, env_bool, env_list  # noqa: E402

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me")  # noqa: S105
HASHING_KEY = env("HASHING_KEY", SECRET_KEY)
# The host of SITE_URL (which `make run` builds from HOST and PORT) is always allowed, so the address the site
# is served at answers with debug off.
_served_host = urlsplit(SITE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = list(
    dict.fromkeys(
        [
            *env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]"),
            f"[{_served_host}]" if ":" in _served_host else _served_host,  # an IPv6 address goes in brackets
        ]
    )
)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
SERVE_MEDIA = True
# `seed_demo` builds the demo world here without --force (it refuses elsewhere unless DEBUG is on).
DEMO_DATA_ALLOWED = True
