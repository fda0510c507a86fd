"""The cache is Redis when REDIS_URL is set; if Redis is unreachable the site keeps serving."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches

ROOT = Path(__file__).resolve().parents[2]


def _settings_value(expression, **env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.dev", **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_local_memory_cache_without_redis_url():
    env = {"REDIS_URL": ""}
    assert _settings_value("settings.CACHES['default']['BACKEND']", **env).endswith("LocMemCache")


def test_redis_cache_with_redis_url():
    backend = _settings_value("settings.CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/3")
    assert backend == "django_redis.cache.RedisCache"


@pytest.mark.django_db
def test_site_keeps_serving_when_redis_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    caches._settings = None  # pick up the new CACHES
    try:
        cache = caches.create_connection("default")
        cache.set("probe", 1)
        assert cache.get("probe") is None
        assert client.get("/").status_code == 200
        assert client.get("/account/sign-in/").status_code == 200
    finally:
        caches._settings = None
