"""Tests: fast hashing, local memory cache, tasks run immediately, e-mail kept in memory."""

import os

os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from .base import *  # noqa: E402,F403

SECRET_KEY = "test-only-key"  # noqa: S105  # nosec B105  # test-only key
HASHING_KEY = "test-only-hashing-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOWED_HOSTS = ["*"]
AXES_ENABLED = True
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
SITE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = SITE_URL
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
