"""`make run` serves `manage.py runserver` with the dev settings and debug off: a mistyped address gets the site's
own 404 page (not Django's debug page), static files and uploads still load (WhiteNoise and SERVE_MEDIA, since
runserver serves them only with debug on), the address being served is an allowed host, and the Makefile hands
HOST and PORT to SITE_URL."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Variables of the test run the dev server must not inherit (the browser tests' live server sets the last one).
DROPPED = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _dev_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    return env | {"DJANGO_SETTINGS_MODULE": "cms.settings.dev"} | extra


@pytest.fixture(scope="session")
def migrated_sqlite(django_db_setup, django_db_blocker, tmp_path_factory):
    """A migrated SQLite file for the server: a copy of the test database when that is SQLite (quick), else one
    migrated for the purpose. Session-scoped, so the copy is taken before the test opens its transaction (the
    SQLite backup waits for ever on an open one)."""
    target = tmp_path_factory.mktemp("dev-server") / "db.sqlite3"
    if connection.vendor == "sqlite":
        with django_db_blocker.unblock():
            connection.ensure_connection()
            copy = sqlite3.connect(target)
            connection.connection.backup(copy)
            copy.close()
    else:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=_dev_env(DATABASE_URL=f"sqlite:///{target}"),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
    return target


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local URL we built
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def dev_server(migrated_sqlite, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    (tmp_path / "media" / "images").mkdir(parents=True)
    (tmp_path / "media" / "images" / "upload.txt").write_text("an upload")
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=_dev_env(
            DATABASE_URL=f"sqlite:///{migrated_sqlite}", SITE_URL=base, MEDIA_ROOT=str(tmp_path / "media")
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((tmp_path / "server.log").read_text()) from None
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.mark.slow
@pytest.mark.django_db  # the test database, which the server's copy comes from
def test_the_dev_server_answers_a_mistyped_address_with_the_styled_404(dev_server):
    status, headers, html = _get(f"{dev_server}/no-such-page/")
    assert status == 404
    assert "<h1>Page not found</h1>" in html
    assert 'class="nhsuk-header' in html and "nhsuk-footer" in html
    # Not Django's debug page: debug is off unless DEBUG=1.
    assert "DEBUG = True" not in html and "Using the URLconf" not in html
    # The page's stylesheets are served with debug off.
    stylesheets = [
        part.split('"', 1)[0] for part in html.split('href="')[1:] if ".css" in part.split('"', 1)[0]
    ]
    assert "/static/nhsuk/nhsuk-frontend.min.css" in stylesheets
    for href in stylesheets:
        status, headers, css = _get(dev_server + href)
        assert status == 200 and headers["Content-Type"].startswith("text/css") and css
    assert _get(f"{dev_server}/")[0] == 200
    # Uploads are served too (the dev settings' SERVE_MEDIA).
    assert _get(f"{dev_server}/media/images/upload.txt")[::2] == (200, "an upload")


def test_the_dev_settings_turn_debug_off_and_allow_the_served_host():
    code = (
        "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.SITE_URL)"
    )
    shell = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    off = subprocess.run(  # noqa: S603
        shell, cwd=ROOT, env=_dev_env(SITE_URL="http://covenant.test:9000"), capture_output=True, text=True
    )
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == (
        "False ['localhost', '127.0.0.1', '[::1]', 'covenant.test'] http://covenant.test:9000"
    )
    on = subprocess.run(shell, cwd=ROOT, env=_dev_env(DEBUG="1"), capture_output=True, text=True)  # noqa: S603
    assert on.stdout.startswith("True ")


def test_the_makefile_hands_host_and_port_to_site_url():
    """What `make run HOST=... PORT=...` puts in the environment of manage.py (an extra rule prints it)."""

    def seen(*args, **env):
        result = subprocess.run(  # noqa: S603
            [
                shutil.which("make"),
                "-s",
                "--no-print-directory",
                "--eval",
                "show:\n\t@echo $$SITE_URL $$DEBUG",
                "show",
                *args,
            ],
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if k not in DROPPED} | env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert seen() == "http://127.0.0.1:8000"
    assert seen("PORT=8123") == "http://127.0.0.1:8123"
    assert seen("HOST=localhost", "PORT=9000", "DEBUG=1") == "http://localhost:9000 1"
    assert seen("PORT=9000", SITE_URL="https://covenant.example.nhs.uk") == "https://covenant.example.nhs.uk"
