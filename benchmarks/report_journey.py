"""The anonymous incident report as a journey (issue 15): every page a browser asks for, in process and under
gunicorn, and the figures `incidents` prints for it.

In process (Django's test client, CSRF enforced, the database task backend): statements and requests per journey,
and CPU per report: the send request (which checks every answer again, hashes the follow-up code, stores the
report, its audit line and its e-mail task, and renders the confirmation) and the whole journey.
Under gunicorn (2 sync workers, as the consultation's journeys and the Wagtail peer are measured; the benchmark's
database): `clients` people at once, each with their own cookies and CSRF token, carrying the sealed payload from
page to page. Each person first sends one report untimed (every worker has then loaded its templates), then all
start together and go through the journey again and again: with no pause between pages, the clients keep step,
so the send waits behind the others' sends, as when 20 people send at once. Every reference shown must be stored
exactly once.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess  # nosec B404  # stops the app server it started
import sys
import threading
import time

from benchmarks.common import emit, percentile

URL = "/incidents/report/anonymous/"
PAYLOAD = re.compile(r'name="journey" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STEP = re.compile(r'data-step="([a-z_]+)"')
REFERENCE = re.compile(r"Your reference is <strong>(VA-\d+)</strong>")
TASKS_IN_THE_DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ANSWERS = {
    "what": {"category": "verbal_abuse", "narrative": "Shouted at and threatened while giving medication."},
    "when": {"day": "yesterday", "occurred_time": "14:30"},
    "where": {"setting": "ward", "site": "Ward 12"},
    "who": {"relationship": "targeted"},
    "hurt": {"injury": "none"},
}


def next_post(html: str, organisation_pk: int) -> dict:
    """What a person posts on this page: the page's CSRF token and sealed payload, and the page's answers."""
    step = STEP.search(html)
    if step is None:
        raise RuntimeError("not a page of the report: " + html[:300])
    data = {"csrfmiddlewaretoken": CSRF.search(html).group(1), "journey": PAYLOAD.search(html).group(1)}
    if step.group(1) == "check":
        return {**data, "action": "send"}
    if step.group(1) == "organisation":
        return {**data, "organisation": str(organisation_pk)}
    return {**data, **ANSWERS[step.group(1)]}


def in_process(*, organisation_pk: int, journeys: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(TASKS=TASKS_IN_THE_DATABASE):
        statements, requests, journey_cpu, send_cpu = [], [], [], []
        # One client for all, its cookies cleared before each journey: a new one would load the middleware again
        # (WhiteNoise indexes every static file), which a server does once a process, not once a report.
        client = Client(enforce_csrf_checks=True)
        for _ in range(journeys + 1):  # the first warms the caches and is not counted
            client.cookies.clear()
            with CaptureQueriesContext(connection) as queries:
                start = time.process_time()
                html, count = client.get(URL).content.decode(), 1
                for _ in range(10):
                    data = next_post(html, organisation_pk)
                    sending = data.get("action") == "send"
                    before = time.process_time()
                    html, count = client.post(URL, data).content.decode(), count + 1
                    if sending:
                        send_cpu.append((time.process_time() - before) * 1000)
                        break
                journey_cpu.append((time.process_time() - start) * 1000)
            if not REFERENCE.search(html):
                raise SystemExit("The report journey did not end on its confirmation")
            statements.append(len(queries.captured_queries))
            requests.append(count)
    emit("statements per report journey", statements[-1], "statements", requests=requests[-1])
    emit("requests per report journey", requests[-1], "requests")
    emit("cpu ms per report", percentile(send_cpu[1:], 50), "ms", max=15, request="send")
    emit("cpu ms per report journey", percentile(journey_cpu[1:], 50), "ms", requests=requests[-1])


def _server(port: int):
    """The same app server as the consultation's journeys and the Wagtail peer (`benchmarks.journeys`): gunicorn
    with 2 sync workers, as the issue measured, persistent connections and e-mails as rows in the task table."""
    from benchmarks.common import ROOT
    from benchmarks.journeys import start_gunicorn

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "BENCH_LOAD": "1",
        "PYTHONPATH": str(ROOT),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    return start_gunicorn(python=sys.executable, app="cms.wsgi", cwd=ROOT, env=env, port=port)


def under_gunicorn(*, organisation_pk: int, clients: int, journeys_per_client: int) -> None:
    from benchmarks.journeys import HttpBrowser
    from covenant.incidents.models import IncidentReport

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    before = set(IncidentReport.objects.values_list("pk", flat=True))
    server = _server(port)
    base = f"http://127.0.0.1:{port}"
    sends, pages, journeys, references, errors = [], [], [], [], []
    lock = threading.Lock()
    started_at = []  # the moment all are warmed up and start together
    barrier = threading.Barrier(clients, action=lambda: started_at.append(time.perf_counter()), timeout=120)

    def journey(browser: HttpBrowser) -> tuple[str, float, list[float]]:
        """One report from the first page to the confirmation: (its reference, the send's time, every page's)."""
        at = time.perf_counter()
        status, html, _ = browser.get(base + URL)
        timings = [(time.perf_counter() - at) * 1000]
        for _ in range(10):
            data = next_post(html, organisation_pk)
            at = time.perf_counter()
            status, html, _ = browser.post(base + URL, data, base + URL)
            timings.append((time.perf_counter() - at) * 1000)
            if data.get("action") == "send":
                found = REFERENCE.search(html)
                if found is None:
                    raise RuntimeError(f"no confirmation ({status})")
                return found.group(1), timings[-1], timings
        raise RuntimeError("the report never reached its send button")

    def person() -> None:
        try:
            # One journey first, not timed, so that every worker has loaded its templates and answered each kind
            # of request once (its reference is still checked as stored below); then all start at once.
            reference, _, _ = journey(HttpBrowser())
            with lock:
                references.append(reference)
            barrier.wait()
            for _ in range(journeys_per_client):
                started = time.perf_counter()
                reference, send, timings = journey(HttpBrowser())  # each person's own cookies
                with lock:
                    sends.append(send)
                    pages.extend(timings)
                    journeys.append((time.perf_counter() - started) * 1000)
                    references.append(reference)
        except Exception as exc:  # noqa: BLE001 - report and carry on so the figures are still printed
            errors.append(repr(exc))
            barrier.abort()

    threads = [threading.Thread(target=person) for _ in range(clients)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        wall = time.perf_counter() - (started_at[0] if started_at else time.perf_counter())
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    if errors:
        raise SystemExit(f"Report journeys failed: {errors[:3]}")
    stored = {f"VA-{pk:06d}" for pk in IncidentReport.objects.values_list("pk", flat=True)} - {
        f"VA-{pk:06d}" for pk in before
    }
    emit(f"report p95 at {clients} clients", percentile(sends, 95), "ms", max=150, request="send")
    emit(f"report p50 at {clients} clients", percentile(sends, 50), "ms", request="send")
    emit(f"report page p95 at {clients} clients", percentile(pages, 95), "ms", requests=len(pages))
    emit(f"report journey p95 at {clients} clients", percentile(journeys, 95), "ms")
    emit(f"report journey p50 at {clients} clients", percentile(journeys, 50), "ms")
    emit("report journeys per second", len(journeys) / wall, "journeys/s", clients=clients)
    emit("report journeys lost", len(set(references) - stored), "reports", max=0)
    emit("report journeys duplicated", len(stored) - len(set(references)), "reports", max=0)


def report_journey_figures(*, clients: int, journeys_per_client: int) -> None:
    from django.db import connection

    from workforce.models import Organisation

    organisation_pk = Organisation.objects.order_by("pk").values_list("pk", flat=True).first()
    in_process(organisation_pk=organisation_pk, journeys=5)
    if connection.vendor == "postgresql":  # many writers at once: a server database, as in production
        under_gunicorn(
            organisation_pk=organisation_pk, clients=clients, journeys_per_client=journeys_per_client
        )
