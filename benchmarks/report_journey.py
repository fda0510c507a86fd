"""The anonymous incident report as a journey (issue 15): every page a browser asks for, in process and under
gunicorn, and the figures `incidents` prints for it.

In process (Django's test client, CSRF enforced, the database task backend): statements and requests per journey,
and CPU per report: the send request (which checks every answer again, hashes the follow-up code, stores the
report, its audit line and its e-mail task, and renders the confirmation) and the whole journey.
Under gunicorn (the app server of `benchmarks.load`, the benchmark's database): `clients` people at once, each
with their own cookies and CSRF token, carrying the sealed payload from page to page. Every reference shown must
be stored exactly once.
"""

from __future__ import annotations

import re
import socket
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
        for _ in range(journeys + 1):  # the first warms the caches and is not counted
            client = Client(enforce_csrf_checks=True)
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


def under_gunicorn(*, organisation_pk: int, clients: int, journeys_per_client: int) -> None:
    from benchmarks.journeys import HttpBrowser
    from benchmarks.load import _start_server, stop_server
    from covenant.incidents.models import IncidentReport

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    before = set(IncidentReport.objects.values_list("pk", flat=True))
    server = _start_server(port, {"TASKS_BACKEND": "django_tasks_db.DatabaseBackend"})
    base = f"http://127.0.0.1:{port}"
    sends, pages, journeys, references, errors = [], [], [], [], []
    lock = threading.Lock()
    barrier = threading.Barrier(clients, timeout=120)

    def person() -> None:
        try:
            barrier.wait()
            for _ in range(journeys_per_client):
                browser = HttpBrowser()  # the same light client as the consultation's journeys
                started = time.perf_counter()
                at = time.perf_counter()
                status, html, _ = browser.get(base + URL)
                timings = [(time.perf_counter() - at) * 1000]
                send = None
                for _ in range(10):
                    data = next_post(html, organisation_pk)
                    at = time.perf_counter()
                    status, html, _ = browser.post(base + URL, data, base + URL)
                    timings.append((time.perf_counter() - at) * 1000)
                    if data.get("action") == "send":
                        send = timings[-1]
                        break
                found = REFERENCE.search(html)
                if found is None or send is None:
                    raise RuntimeError(f"no confirmation ({status})")
                with lock:
                    sends.append(send)
                    pages.extend(timings)
                    journeys.append((time.perf_counter() - started) * 1000)
                    references.append(found.group(1))
        except Exception as exc:  # noqa: BLE001 - report and carry on so the figures are still printed
            errors.append(repr(exc))
            barrier.abort()

    threads = [threading.Thread(target=person) for _ in range(clients)]
    wall = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        wall = time.perf_counter() - wall
        stop_server(server)
    if errors:
        raise SystemExit(f"Report journeys failed: {errors[:3]}")
    stored = {f"VA-{pk:06d}" for pk in IncidentReport.objects.values_list("pk", flat=True)} - {
        f"VA-{pk:06d}" for pk in before
    }
    emit(f"report p95 at {clients} clients", percentile(sends, 95), "ms", max=150, request="send")
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
