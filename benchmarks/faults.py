"""Fault injection used by the load benchmark: PostgreSQL stopped in the middle of a run of submissions.

The outage is made on a throwaway PostgreSQL cluster that this module creates in a temporary directory (with
the server binaries of the machine's PostgreSQL), so no other database is ever stopped. The site runs under
gunicorn against it while simulated people keep submitting consultation responses; each person retries a step
that failed, as a person would press the button again. The checks: no server error but the styled 503 during the
outage, failures fast, /healthz says 503, recovery without a restart once the database is back, and afterwards
every acknowledged response stored exactly once, with its answers, and nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404  # stops and starts local services
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import requests

from benchmarks.common import ROOT, emit, percentile

PG_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


class ThrowawayCluster:
    def __init__(self, port: int):
        self.port = port
        self.data = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.bin = PG_BINARIES[-1]
        self.as_root = os.geteuid() == 0

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)  # noqa: S603  # nosec B603  # fixed service commands, no shell

    def create(self) -> str:
        if self.as_root:
            shutil.chown(self.data, "postgres")
        self.data.chmod(0o700)
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"
        )
        self.start()
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE fault")
        return self.url("fault")

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.data / "log"),
            "-w",
            "start",
        )

    def crash(self) -> None:
        """Stop at once, as a crash or a failover would: no waiting for clients to finish."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def destroy(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.data, ignore_errors=True)


def available() -> str | None:
    """Why the outage cannot be simulated here, or None when it can."""
    if not PG_BINARIES:
        return "no PostgreSQL server binaries under /usr/lib/postgresql"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser"
    return None


def database_outage(
    *, free_port, start_server, stop_server, consultation_journey, outage_seconds: float = 6.0
) -> None:
    reason = available()
    if reason:
        print(f"load: database outage not simulated: {reason}", file=sys.stderr)
        return
    cluster = ThrowawayCluster(free_port())
    server = None
    try:
        url = cluster.create()
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
        for command in (
            ["migrate", "--noinput", "-v", "0"],
            [
                "seed_demo",
                "--people",
                "40",
                "--incidents",
                "5",
                "--responses",
                "5",
                "--force",
                "--quiet-logins",
            ],
        ):
            subprocess.run(  # noqa: S603  # nosec B603  # fixed service commands, no shell
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        with psycopg.connect(url) as conn:
            consultation_url = conn.execute(
                "SELECT p.url_path FROM wagtailcore_page p JOIN consultation_consultationpage c ON c.page_ptr_id = p.id "
                "WHERE p.live AND c.opens_at <= now() AND (c.closes_at IS NULL OR c.closes_at > now()) LIMIT 1"
            ).fetchone()
            before = conn.execute("SELECT count(*) FROM consultation_consultationresponse").fetchone()[0]
        home_prefix = "/home"
        path = (
            consultation_url[0][len(home_prefix) :]
            if consultation_url[0].startswith(home_prefix)
            else consultation_url[0]
        )
        port = free_port()
        server = start_server(port, {"DATABASE_URL": url})
        base = f"http://127.0.0.1:{port}"

        stop = threading.Event()
        lock = threading.Lock()
        statuses: list[int] = []
        failure_ms: list[float] = []
        acknowledged: list[str] = []
        errors: list[str] = []

        slowest: list[tuple[float, int, str]] = []

        def observe(status: int, elapsed_ms: float, url: str = "") -> None:
            with lock:
                statuses.append(status)
                if status >= 500:
                    failure_ms.append(elapsed_ms)
                    slowest.append((elapsed_ms, status, url))

        def person() -> None:
            while not stop.is_set():
                try:
                    reference = consultation_journey(base, path, observe, deadline=time.time() + 60)
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    with lock:
                        errors.append(str(exc)[:200])
                    continue
                with lock:
                    acknowledged.append(reference)

        # Daemon threads and a stop flag set in `finally`: a hung request can never keep the benchmark alive.
        people = [threading.Thread(target=person, daemon=True) for _ in range(4)]
        for thread in people:
            thread.start()
        health_during = 0
        recovered_at = None
        crashed_at = restarted_at = time.time()
        try:
            time.sleep(4)
            cluster.crash()
            crashed_at = time.time()
            time.sleep(1)
            try:
                health_during = requests.get(f"{base}/healthz", timeout=10).status_code
            except requests.RequestException:
                health_during = 0  # no answer within 10 s: reported as a failure of the check
            time.sleep(max(0.0, outage_seconds - (time.time() - crashed_at)))
            cluster.start()
            restarted_at = time.time()
            while time.time() - restarted_at < 60:
                try:
                    if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                        recovered_at = time.time()
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.2)
            time.sleep(5)
        finally:
            stop.set()
            deadline = time.time() + 120
            for thread in people:
                thread.join(timeout=max(0.0, deadline - time.time()))

        with psycopg.connect(url) as conn:
            created = (
                conn.execute("SELECT count(*) FROM consultation_consultationresponse").fetchone()[0] - before
            )
            stored = conn.execute(
                "SELECT count(*) FROM consultation_consultationresponse WHERE reference = ANY(%s)",
                [acknowledged],
            ).fetchone()[0]
            without_answers = conn.execute(
                "SELECT count(*) FROM consultation_consultationresponse r WHERE r.reference = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM consultation_answer a WHERE a.response_id = r.id)",
                [acknowledged],
            ).fetchone()[0]
        server_errors = sum(1 for status in statuses if status >= 500 and status != 503)
        emit("fault_outage_seconds", restarted_at - crashed_at, "s")
        emit("fault_requests", len(statuses), "requests")
        emit("fault_503_responses", sum(1 for status in statuses if status == 503), "responses")
        emit("fault_server_errors", server_errors, "responses", max=0)
        emit("fault_failure_p95_ms", percentile(failure_ms, 95), "ms", max=5000)
        emit("fault_healthz_during_outage", health_during, "status", min=503, max=503)
        emit("fault_recovery_s", (recovered_at - restarted_at) if recovered_at else 999.0, "s", max=30)
        emit("fault_acknowledged", len(acknowledged), "submissions", min=1)
        emit("fault_lost", len(set(acknowledged)) - stored, "submissions", max=0)
        emit("fault_duplicated", created - len(set(acknowledged)), "submissions", max=0)
        emit("fault_half_written", without_answers, "submissions", max=0)
        emit("fault_abandoned_journeys", len(errors), "journeys")
        counts = {str(status): statuses.count(status) for status in sorted(set(statuses))}
        print(f"load: statuses during the outage run: {counts}", file=sys.stderr)
        for elapsed_ms, status, url in sorted(slowest, reverse=True)[:5]:
            print(f"load: slowest failure {status} after {elapsed_ms:.0f} ms: {url}", file=sys.stderr)
        for message in errors[:3]:
            print(f"load: journey abandoned during the outage: {message}", file=sys.stderr)
    finally:
        if server is not None:
            stop_server(server)
        cluster.destroy()
