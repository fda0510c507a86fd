"""Load: the real site under gunicorn on PostgreSQL, driven over loopback by concurrent simulated people.

Four journeys run together at rising concurrency: a member of the public responds to the consultation (every
step of the form), a member of staff reports an incident anonymously, a visitor browses the published
responses, and an HR administrator pages through the people and moves tables. Each journey fills the real forms
it is served (so it follows the site as it changes). Afterwards the database is counted: every submission the
site acknowledged (with a reference shown to the person) must be stored exactly once, and nothing else.

Prints throughput and p50/p95/p99 per journey and concurrency, then `lost` and `duplicated` counts (max 0).
"""

from __future__ import annotations

import datetime
import html
import os
import re
import signal
import socket
import subprocess  # nosec B404  # starts the app server it measures
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin

import requests

from benchmarks.common import ROOT, emit, percentile

SIZES = {"small": {"levels": (1, 4, 16), "journeys": 24}, "full": {"levels": (1, 4, 16, 64), "journeys": 256}}
JOURNEYS = ("consultation_submit", "incident_report", "browse_published", "hr_lists")
REQUEST_TIMEOUT = 30


# --- a small form-filling browser ------------------------------------------------------------------------------
_FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_FIELD_RE = re.compile(r"<input\b([^>]*)>|<(select|textarea)\b([^>]*)>(.*?)</\2>", re.S | re.I)
_ATTR_RE = re.compile(r'([^\s=/>"]+)(\s*=\s*"([^"]*)")?')
_OPTION_RE = re.compile(r"<option\b([^>]*)>", re.I)


def _attrs(text: str) -> dict:
    return {
        name.lower(): html.unescape(value) if equals else None
        for name, equals, value in _ATTR_RE.findall(text)
    }


def parse_forms(page: str) -> list[dict]:
    """The page's POST forms ({"action", "fields": [(kind, attrs)]}: every named input, select with its options'
    values, and textarea, attributes unescaped, a valueless attribute as None), read with regular expressions: the load generator shares the machine's cores with the servers it measures, so it reads pages as
    cheaply as it can (about a tenth of Python's HTML parser's time, which it replaced). Our templates write every attribute in double
    quotes and never nest forms."""
    forms = []
    for form_attrs, body in _FORM_RE.findall(page):
        attrs = _attrs(form_attrs)
        if (attrs.get("method") or "").lower() != "post":
            continue
        fields = []
        for input_attrs, kind, tag_attrs, inner in _FIELD_RE.findall(body):
            if not kind:
                field = _attrs(input_attrs)
                if field.get("name"):
                    fields.append(("input", field))
                continue
            field = _attrs(tag_attrs)
            if not field.get("name"):
                continue
            if kind.lower() == "select":
                options = [_attrs(option).get("value", "") for option in _OPTION_RE.findall(inner)]
                fields.append(("select", {"name": field["name"], "options": options}))
            else:
                fields.append(("textarea", field))
        forms.append({"action": attrs.get("action") or "", "fields": fields})
    return forms


def _value_for(name: str, attrs: dict) -> str:
    lowered = name.lower()
    today = datetime.date.today() - datetime.timedelta(days=1)  # dates in the past are always accepted
    if lowered.endswith("_day"):
        return str(today.day)
    if lowered.endswith("_month"):
        return str(today.month)
    if lowered.endswith("_year"):
        return str(today.year)
    if "time" in lowered:
        return "10:30"
    if attrs.get("type") == "email" or "email" in lowered or lowered == "website":
        return ""  # optional e-mails stay empty; "website" is the honeypot
    if attrs.get("inputmode") == "numeric" or attrs.get("type") == "number":
        return "0"
    text = "Load test answer about staffing and support across health and social care."
    return text[: int(attrs["maxlength"])] if str(attrs.get("maxlength", "")).isdigit() else text


def fill(page: str, overrides: dict | None = None) -> tuple[str, dict]:
    """The main POST form of a page (not the header's sign-out form), filled with valid-looking answers."""
    forms = [form for form in parse_forms(page) if "sign-out" not in form["action"]]
    if not forms:
        raise RuntimeError("no form on the page")
    form = max(forms, key=lambda f: len(f["fields"]))
    data: dict[str, list[str]] = {}
    for kind, attrs in form["fields"]:
        name = attrs["name"]
        if kind == "select":
            options = [value for value in attrs["options"] if value]
            data.setdefault(name, [options[0]] if options else [""])
        elif kind == "textarea":
            data.setdefault(name, [_value_for(name, attrs)])
        else:
            input_type = (attrs.get("type") or "text").lower()
            if input_type in {"hidden", "submit"}:
                if input_type == "hidden":
                    data.setdefault(name, [attrs.get("value", "")])
            elif input_type in {"radio", "checkbox"}:
                if name not in data:
                    data[name] = [attrs.get("value", "on")]
            else:
                data.setdefault(name, [_value_for(name, attrs)])
    for key, value in (overrides or {}).items():
        data[key] = [value]
    return form["action"], data


class Visitor:
    def __init__(self, base_url: str):
        self.base = base_url
        self.session = requests.Session()
        self.timings: list[float] = []

    def get(self, url: str) -> requests.Response:
        start = time.perf_counter()
        response = self.session.get(urljoin(self.base, url), timeout=REQUEST_TIMEOUT)
        self.timings.append((time.perf_counter() - start) * 1000)
        return response

    def submit(self, response: requests.Response, overrides: dict | None = None) -> requests.Response:
        action, data = fill(response.text, overrides)
        target = urljoin(response.url, action) if action else response.url
        start = time.perf_counter()
        result = self.session.post(
            target, data=data, timeout=REQUEST_TIMEOUT, headers={"Referer": response.url}
        )
        self.timings.append((time.perf_counter() - start) * 1000)
        return result


# --- the journeys ----------------------------------------------------------------------------------------------
def _reference(html: str) -> str:
    """The reference shown in the confirmation panel."""
    match = re.search(r'class="nhsuk-panel[^"]*"[\s\S]*?<strong>([^<]+)</strong>', html)
    if not match:
        raise RuntimeError("no reference on the confirmation page")
    return match.group(1).strip()


def consultation_submit(visitor: Visitor, world: dict) -> str:
    """Every page of the response journey (benchmarks/journeys.py), from the consultation's "Start now" link."""
    from benchmarks.journeys import consultation_journey

    def get(url):
        response = visitor.get(url)
        return response.status_code, response.text, response.url

    def post(url, data, referer):
        start = time.perf_counter()
        response = visitor.session.post(url, data=data, timeout=REQUEST_TIMEOUT, headers={"Referer": referer})
        visitor.timings.append((time.perf_counter() - start) * 1000)
        return response.status_code, response.text, response.url

    reference, _ = consultation_journey(get, post, world["consultation_url"] + "respond/")
    return reference


def incident_report(visitor: Visitor, world: dict) -> str:
    """The anonymous report, page by page (one question a page, then "Check your answers" and send)."""
    page = visitor.get("/incidents/report/anonymous/")
    page.raise_for_status()
    for _ in range(12):
        if 'id="receipt-code"' in page.text:
            return _reference(page.text)
        overrides = {"action": "send"} if 'data-step="check"' in page.text else {"occurred_time": ""}
        page = visitor.submit(page, {**world["incident_overrides"], **overrides})
        if page.status_code >= 400:
            raise RuntimeError(f"incident report not accepted ({page.status_code} at {page.url})")
    raise RuntimeError("the incident report did not finish")


def browse_published(visitor: Visitor, world: dict) -> None:
    for suffix in ("", "responses/", "responses/?page=2", "summary/"):
        response = visitor.get(world["published_url"] + suffix)
        if response.status_code >= 400:
            raise RuntimeError(f"{response.status_code} at {response.url}")


def hr_lists(visitor: Visitor, world: dict) -> None:
    if not visitor.session.cookies.get("sessionid"):
        page = visitor.get("/account/sign-in/")
        visitor.submit(page, {"username": world["hr_email"], "password": world["password"]})
    for url in ("/workforce/people/", "/workforce/people/?page=3", "/workforce/moves/", "/workforce/posts/"):
        response = visitor.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} at {response.url}")


def retrying_consultation(base: str, path: str, observe, *, deadline: float) -> str:
    """A consultation response by someone who presses the button again whenever the site fails. Sending the same
    page again is safe: the progress travels in the page and the send is idempotent on its submission key."""
    from benchmarks.journeys import consultation_journey

    visitor = Visitor(base)

    def attempt(action):
        while True:
            start = time.perf_counter()
            try:
                response = action()
            except requests.RequestException as exc:
                observe(599, (time.perf_counter() - start) * 1000, f"{type(exc).__name__}")
            else:
                observe(response.status_code, (time.perf_counter() - start) * 1000, response.url)
                if response.status_code < 500:
                    return response.status_code, response.text, response.url
            if time.time() > deadline:
                raise RuntimeError("gave up after the deadline")
            time.sleep(0.5)

    def get(url):
        return attempt(lambda: visitor.session.get(urljoin(base, url), timeout=REQUEST_TIMEOUT))

    def post(url, data, referer):
        return attempt(
            lambda: visitor.session.post(
                url, data=data, timeout=REQUEST_TIMEOUT, headers={"Referer": referer}
            )
        )

    reference, _ = consultation_journey(get, post, path + "respond/")
    return reference


# --- the run -----------------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare_world() -> dict:
    from django.core.management import call_command

    from covenant.consultation.models import ConsultationPage, Lifecycle
    from demo.factories.cms import DEMO_PASSWORD

    call_command(
        "seed_demo", "--people", "600", "--incidents", "40", "--responses", "60", "--force", "--quiet-logins"
    )
    pages = list(ConsultationPage.objects.live().specific())
    open_page = next(page for page in pages if page.status == Lifecycle.OPEN)
    published = next((page for page in pages if page.feedback_published), None)
    if published is None:
        raise RuntimeError("the demo has no consultation with published responses")
    return {
        "consultation_url": open_page.url,
        "consultation_pk": open_page.pk,
        "published_url": published.url,
        "hr_email": "hr.admin@riverside-hospitals.example",
        "password": DEMO_PASSWORD,
        "incident_overrides": {},
    }


def _start_server(port: int, extra_env: dict | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "BENCH_LOAD": "1",
        **(extra_env or {}),
    }
    command = [
        sys.executable, "-m", "gunicorn", "cms.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", "4", "--threads", "4", "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    # The server's log goes to a file, never to an unread pipe: during a database outage every worker logs
    # tracebacks, and once a pipe's 64 KB buffer is full each logging thread blocks for good (this once made
    # requests in flight at the crash, and /healthz, hang until the client gave up).
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)  # nosec B603  # argv built in code, no shell
    server.log_path = log.name
    log.close()
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not start: " + Path(log.name).read_text(errors="replace")[-2000:])


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    Path(server.log_path).unlink(missing_ok=True)


def run(*, size: str) -> None:
    from django.db import connection

    from covenant.consultation.models import ConsultationResponse
    from covenant.incidents.models import IncidentReport

    config = SIZES[size]
    if os.environ.get("LOAD_FAULT_ONLY"):  # for working on the fault scenario alone
        from benchmarks.faults import database_outage

        database_outage(
            free_port=_free_port,
            start_server=_start_server,
            stop_server=stop_server,
            consultation_journey=retrying_consultation,
        )
        return
    world = _prepare_world()
    connection.close()
    port = _free_port()
    server = _start_server(port)
    base = f"http://127.0.0.1:{port}"
    before = {
        "consultation": ConsultationResponse.objects.count(),
        "incident": IncidentReport.objects.count(),
    }
    acknowledged = {"consultation": [], "incident": []}
    errors: dict[str, int] = dict.fromkeys(JOURNEYS, 0)
    lock = threading.Lock()
    total_requests = 0
    try:
        for level in config["levels"]:
            durations: dict[str, list[float]] = {name: [] for name in JOURNEYS}
            visitors = [Visitor(base) for _ in range(level)]

            def one(index: int, visitors=visitors, durations=durations, level=level) -> None:
                name = JOURNEYS[index % len(JOURNEYS)]
                if name in {"consultation_submit", "incident_report"}:
                    # Every submission is a different person with a browser session of their own.
                    visitor = Visitor(base)
                    with lock:
                        visitors.append(visitor)
                else:
                    visitor = visitors[index % level]
                start = time.perf_counter()
                try:
                    result = globals()[name](visitor, world)
                except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
                    with lock:
                        errors[name] += 1
                        if errors[name] <= 3:
                            print(f"load: {name} failed at concurrency {level}: {exc}", file=sys.stderr)
                    return
                with lock:
                    durations[name].append((time.perf_counter() - start) * 1000)
                    if name == "consultation_submit":
                        acknowledged["consultation"].append(result)
                    elif name == "incident_report":
                        acknowledged["incident"].append(result)

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=level) as pool:
                list(pool.map(one, range(config["journeys"])))
            elapsed = time.perf_counter() - started
            requests_made = sum(len(v.timings) for v in visitors)
            total_requests += requests_made
            emit(f"c{level}_throughput_rps", requests_made / elapsed, "req/s", concurrency=level)
            for name, values in durations.items():
                if values:
                    for pct in (50, 95, 99):
                        emit(f"c{level}_{name}_p{pct}_ms", percentile(values, pct), "ms", concurrency=level)
    finally:
        stop_server(server)

    consultation_refs = acknowledged["consultation"]
    incident_refs = acknowledged["incident"]
    stored_consultation = ConsultationResponse.objects.filter(reference__in=consultation_refs).count()
    # An incident's reference is VA-<primary key>.
    incident_pks = [int(ref.rsplit("-", 1)[1]) for ref in incident_refs]
    stored_incident = IncidentReport.objects.filter(pk__in=incident_pks).count()
    lost = (len(set(consultation_refs)) - stored_consultation) + (len(set(incident_refs)) - stored_incident)
    created = (ConsultationResponse.objects.count() - before["consultation"]) + (
        IncidentReport.objects.count() - before["incident"]
    )
    duplicated = created - len(set(consultation_refs)) - len(set(incident_refs))
    emit("requests", total_requests, "requests")
    emit("acknowledged_submissions", len(consultation_refs) + len(incident_refs), "submissions")
    emit("lost", lost, "submissions", max=0)
    emit("duplicated", duplicated, "submissions", max=0)
    emit(
        "journey_errors",
        sum(errors.values()),
        "journeys",
        max=0,
        **{f"{k}_errors": v for k, v in errors.items()},
    )

    from benchmarks.faults import database_outage

    database_outage(
        free_port=_free_port,
        start_server=_start_server,
        stop_server=stop_server,
        consultation_journey=retrying_consultation,
    )
