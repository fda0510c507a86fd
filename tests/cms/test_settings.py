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


def test_check_deploy_has_no_warnings():
    env = {
        "SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
        "ALLOWED_HOSTS": "covenant.example.nhs.uk",
        "DATABASE_URL": "sqlite:///:memory:",
        "INCIDENTS_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
