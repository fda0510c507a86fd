"""Benchmarks run with production-like settings on a throwaway database given by DATABASE_URL."""

import os

os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
if os.environ.get("BENCH_LOAD") or os.environ.get("DJANGO_BENCH_LOAD"):
    # Kept connections, as in production (DATABASE_CONN_MAX_AGE=60), and what the base settings make of them
    # (prepared sends: DATABASE_PREPARED_STATEMENTS=auto).
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")

from cms.settings.base import *  # noqa: E402,F403

SECRET_KEY = "benchmark-only-key"  # noqa: S105  # nosec B105  # throwaway benchmark key
HASHING_KEY = "benchmark-only-hashing-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# The load benchmark drives every journey from one address as fast as it can: the abuse limits meant for
# people (minimum time to complete, submissions per hour) would only measure themselves.
if os.environ.get("BENCH_LOAD") or os.environ.get("DJANGO_BENCH_LOAD"):
    CONSULTATION_MIN_SECONDS = 0
    CONSULTATION_SUBMIT_RATE = "1000000/h"
    CONN_MAX_AGE = 60
    DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
