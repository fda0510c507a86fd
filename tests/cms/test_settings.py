"""Production settings refuse to start without their secrets and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env):
    dropped = {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "INCIDENTS_ENCRYPTION_KEYS",
        "CONSULTATION_ENCRYPTION_KEYS",
        "HASHING_KEY",
        "REDIS_URL",
        "TRUSTED_PROXY_COUNT",
        "SITE_URL",
        "WAGTAILADMIN_BASE_URL",
    }
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base.update(env, DJANGO_SETTINGS_MODULE="cms.settings.production")
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "covenant.example.nhs.uk",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop(missing)
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"The {missing} environment variable must be set." in result.stderr


def _production_env():
    return {
        "SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
        "ALLOWED_HOSTS": "covenant.example.nhs.uk",
        "DATABASE_URL": "sqlite:///:memory:",
        "INCIDENTS_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "CONSULTATION_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "HASHING_KEY": "h4sh-" + "zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVUTS",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "TRUSTED_PROXY_COUNT": "1",
        "SITE_URL": "https://covenant.example.nhs.uk",
    }


def test_check_deploy_has_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "check_id"),
    [
        ("REDIS_URL", "cms.E001"),
        ("HASHING_KEY", "cms.E002"),
        ("INCIDENTS_ENCRYPTION_KEYS", "incidents.E002"),
        ("CONSULTATION_ENCRYPTION_KEYS", "consultation.E002"),
    ],
)
def test_check_deploy_fails_without(missing, check_id):
    env = _production_env()
    env.pop(missing)
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert check_id in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "check_id"),
    [
        ("HASHING_KEY", "x", "cms.E002"),
        ("TRUSTED_PROXY_COUNT", "0", "cms.W003"),
        ("SITE_URL", "http://127.0.0.1:8000", "cms.W004"),
        ("SITE_URL", "http://covenant.example.nhs.uk", "cms.W004"),
    ],
)
def test_check_deploy_flags_a_weak_value(variable, value, check_id):
    env = _production_env() | {variable: value}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert check_id in result.stderr


def test_the_production_server_refuses_to_start_when_a_deploy_check_fails():
    env = _production_env()
    env.pop("INCIDENTS_ENCRYPTION_KEYS")
    dropped = {
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' live server in the same run
        "SECRET_KEY",
        "DATABASE_URL",
        "INCIDENTS_ENCRYPTION_KEYS",
        "CONSULTATION_ENCRYPTION_KEYS",
        "HASHING_KEY",
        "REDIS_URL",
    }
    full = {k: v for k, v in os.environ.items() if k not in dropped} | env
    full["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"
    code = "import runpy; runpy.run_path('gunicorn.conf.py')['on_starting'](None)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "incidents.E002" in result.stderr
    full["INCIDENTS_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def _prepare_threshold(**env):
    """psycopg's prepare_threshold in the PostgreSQL options the settings make with this environment."""
    base = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
    base.update(
        env,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/covenant",
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
    )
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('prepare_threshold'))"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("prepared", "max_age", "threshold"),
    [("auto", "0", "None"), ("auto", "60", "1"), ("on", "0", "1"), ("off", "60", "None"), (None, "60", "1")],
)
def test_prepared_statements_follow_the_setting_and_kept_connections(prepared, max_age, threshold):
    env = {"DATABASE_CONN_MAX_AGE": max_age}
    if prepared is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = prepared
    result = _prepare_threshold(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == threshold


def test_an_unknown_prepared_statements_value_stops_the_site():
    result = _prepare_threshold(DATABASE_PREPARED_STATEMENTS="sometimes")
    assert result.returncode != 0
    assert "DATABASE_PREPARED_STATEMENTS must be auto, on or off" in result.stderr
