"""Whole public journeys, as a browser makes them, measured beside the Wagtail form-builder peer and the floor.

A journey is every GET and POST a browser makes from the first page to the confirmation: each simulated person has
their own cookies (`HttpBrowser`) and CSRF token, reads the hidden progress payload of each page and posts
it back with the page's answers. Our site and the peer (`../shared/peers/wagtail_forms/`, a stock Wagtail 8 site
with one 12-field form page, built by its `setup.sh` under $PEER, default /tmp/peer) each run under gunicorn with
2 sync workers on PostgreSQL, driven by the same number of clients; the one-INSERT floor (`/bench/floor/`, our
middleware and one row) and the "send" POST alone (journeys walked to "Check your answers" first, then every
send fired together) are measured in the same run. Rounds interleave the four so that a noisy neighbour on the
machine weighs on each alike.

In process (Django's test client, CSRF enforced) a journey is walked once more with every SQL statement counted,
and every commit: explicit ones and each write made outside a transaction.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess  # nosec B404  # starts the app servers it measures
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from benchmarks.common import ROOT, emit, percentile

# The peer's sources (its bench.py makes its form page): $PEER_SOURCE, else ../shared/peers/wagtail_forms beside
# the checkout, as the developers' guide places it.
PEER_SOURCE = Path(os.environ.get("PEER_SOURCE", str(ROOT.parent / "shared" / "peers" / "wagtail_forms")))
REQUEST_TIMEOUT = 60
REFERENCE_RE = re.compile(r"<strong>(CNS-[A-Z0-9-]+)</strong>")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- one journey through our site ------------------------------------------------------------------------------
def _next_post(page_text: str, page_url: str) -> tuple[str, dict]:
    """The main form of a journey page, filled: the action and the data (payload and CSRF token included)."""
    from benchmarks.load import fill  # the load benchmark drives this journey too

    action, data = fill(page_text)
    data.pop("copy", None)  # no copy of the answers by e-mail
    if 'name="publish_consent"' in page_text:
        data["publish_consent"] = ["anonymous"]
    if 'name="action" value="send"' in page_text:
        data["action"] = ["send"]
    return urljoin(page_url, action) if action else page_url, data


def consultation_journey(get: Callable, post: Callable, start_url: str, *, until_check: bool = False):
    """Walk a response. `get(url)` and `post(url, data, referer)` return (status, text, url). Returns (reference,
    requests made), or (the check page's (url, data) to send later, requests made) with `until_check`."""
    status, text, url = get(start_url)
    requests_made = 1
    for _ in range(30):
        if status >= 400:
            raise RuntimeError(f"{status} at {url}: {text[:300]}")
        found = REFERENCE_RE.search(text)
        if found:
            return found.group(1), requests_made
        target, data = _next_post(text, url)
        if until_check and "send" in data.get("action", []):
            return (target, data, url), requests_made
        status, text, url = post(target, data, url)
        requests_made += 1
    raise RuntimeError("the journey did not finish")


class HttpBrowser:
    """One person's browser over HTTP: their own cookies, redirects followed.

    Written on the standard library's `http.client` rather than `requests`: the clients share the machine's two
    cores with the servers they measure, and `requests` costs about a millisecond of CPU a request (several times
    this), which weighed on our six-request journey three times as much as on the peer's two. Every site (ours, the
    peer, the floor) is driven by this same client."""

    retries = 0  # requests sent again after a connection reset, as a person presses the button again

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.timings: list[float] = []

    def _keep_cookies(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.partition("=")
            name, value = name.strip(), value.strip()
            if "max-age=0" in attributes.lower().replace(" ", "") or value in ('""', ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def _send(self, method: str, url: str, body: bytes | None, headers: dict) -> tuple[int, str, str]:
        for _ in range(5):  # redirects
            parts = urlsplit(url)
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
            sent = {"Host": parts.netloc, **headers}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            try:
                connection.request(
                    method, parts.path + (f"?{parts.query}" if parts.query else ""), body, sent
                )
                response = connection.getresponse()
                text = response.read().decode()
            finally:
                connection.close()
            self._keep_cookies(response)
            if response.status in (301, 302, 303) and response.getheader("Location"):
                url, method, body = urljoin(url, response.getheader("Location")), "GET", None
                headers = {key: value for key, value in headers.items() if key != "Content-Type"}
                continue
            return response.status, text, url
        raise RuntimeError(f"too many redirects from {url}")

    def _timed(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None):
        started = time.perf_counter()
        for attempt in range(3):
            try:
                result = self._send(method, url, body, headers or {})
                break
            except (ConnectionError, http.client.RemoteDisconnected):
                if attempt == 2:
                    raise
                HttpBrowser.retries += 1
                time.sleep(0.2)
        self.timings.append((time.perf_counter() - started) * 1000)
        return result

    def get(self, url: str):
        return self._timed("GET", url)

    def post(self, url: str, data: dict, referer: str):
        body = urlencode(data, doseq=True).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer}
        return self._timed("POST", url, body, headers)


# --- the Wagtail peer ------------------------------------------------------------------------------------------
def peer_journey(browser: HttpBrowser, page_url: str, answers: dict) -> int:
    status, text, _ = browser.get(page_url)
    token = CSRF_RE.search(text).group(1)
    status, text, _ = browser.post(page_url, {**answers, "csrfmiddlewaretoken": token}, page_url)
    if status != 200 or "Thank you" not in text:
        raise RuntimeError(f"the peer's form was not accepted ({status})")
    return 2


def peer_answers() -> dict:
    return {
        "respondent_type": "NHS staff",
        "organisation": "Riverside",
        "region": "London",
        "consent": "Anonymously",
        "q1": "Staff should be safe at work and supported after an incident.",
        "q2": "Agree",
        "q3": "Reporting should be quick.",
        "q4": ["Training", "Signage"],
        "q5": "Managers should listen.",
        "q6": "Agree",
        "q7": "More security at night.",
        "q8": "Thank you.",
    }


# --- servers ---------------------------------------------------------------------------------------------------
def start_gunicorn(*, python: str, app: str, cwd: Path, env: dict, port: int, workers: int = 2):
    """gunicorn with `workers` sync workers, as the issue measured both sites, and nothing else: `--config
    /dev/null`, because gunicorn otherwise reads the `gunicorn.conf.py` of its working directory, which gave our site
    (not the peer) two threads a worker (the gthread worker), an access log line per request and a restart of each
    worker every 2,000 requests (its caches and compiled templates lost in the middle of a round)."""
    log = Path(tempfile.gettempdir()) / f"bench-journeys-{port}.log"
    command = [
        python, "-m", "gunicorn", app, "--config", os.devnull, "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "sync", "--log-level", "warning", "--error-logfile", str(log),
        "--timeout", "120", "--preload",
    ]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603  # nosec B603  # argv built in code, no shell
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    import requests

    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except requests.RequestException:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"gunicorn ({app}) did not start; see {log}")


def peer_available() -> tuple[Path, str] | None:
    """(the peer's site, its python) if setup.sh has built it and its sources are at hand, else None (the figures
    then leave it out, with a line on stderr saying why)."""
    peer = Path(os.environ.get("PEER", "/tmp/peer"))  # noqa: S108  # nosec B108  # the peer's documented default
    python = peer / "venv" / "bin" / "python"
    if not ((peer / "site" / "manage.py").exists() and python.exists()):
        return None
    if not (PEER_SOURCE / "bench.py").exists():
        print(f"the Wagtail peer's sources are not at {PEER_SOURCE}: set PEER_SOURCE", file=sys.stderr)
        return None
    return peer / "site", str(python)


def peer_environment(database: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peerforms.settings.peer_settings",
        "PEER_DB": "postgres",
        "PEER_DBNAME": database,
    }
    env.pop("DATABASE_URL", None)
    return env


def peer_prepare(site: Path, python: str, database: str) -> None:
    """A fresh PostgreSQL database for the peer, migrated, with its form page (what setup.sh does for its own)."""
    import psycopg

    from benchmarks.common import PG_ADMIN_URL

    with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    env = peer_environment(database)
    for command in (["manage.py", "migrate", "-v0"], [str(PEER_SOURCE / "bench.py"), "make-page"]):
        subprocess.run(  # noqa: S603  # nosec B603  # the peer's own commands, no shell
            [python, *command], cwd=site, env=env, check=True, capture_output=True, timeout=600
        )


# --- load --------------------------------------------------------------------------------------------------------
def concurrently(clients: int, per_client: int, journey: Callable[[HttpBrowser], object]):
    """Run `journey` per_client times in each of `clients` threads, each journey in a fresh browser. Returns
    (wall seconds, journey durations in ms, results, errors)."""
    durations: list[float] = []
    results: list = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def worker():
        barrier.wait()
        for _ in range(per_client):
            started = time.perf_counter()
            try:
                result = journey(HttpBrowser())
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(str(exc)[:300])
                continue
            with lock:
                durations.append((time.perf_counter() - started) * 1000)
                results.append(result)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, durations, results, errors


def sends(base: str, start_url: str, *, clients: int, per_client: int):
    """Walk journeys to "Check your answers" (untimed), then fire every send together. Returns (wall seconds,
    send durations, references, errors, [(browser, target, data)] for the repeats)."""
    prepared: list[list] = [[] for _ in range(clients)]

    def prepare(index: int):
        for _ in range(per_client):
            browser = HttpBrowser()
            (target, data, referer), _ = consultation_journey(
                browser.get, browser.post, start_url, until_check=True
            )
            prepared[index].append((browser, target, data, referer))

    threads = [threading.Thread(target=prepare, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    durations: list[float] = []
    references: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def fire(index: int):
        barrier.wait()
        for browser, target, data, referer in prepared[index]:
            started = time.perf_counter()
            status, text, _ = browser.post(target, data, referer)
            elapsed = (time.perf_counter() - started) * 1000
            found = REFERENCE_RE.search(text)
            with lock:
                durations.append(elapsed)
                if status == 200 and found:
                    references.append(found.group(1))
                else:
                    errors.append(f"{status}")

    threads = [threading.Thread(target=fire, args=(index,)) for index in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return wall, durations, references, errors, [item for client in prepared for item in client]


def floor(base: str, *, clients: int, per_client: int):
    def journey(browser: HttpBrowser):
        status, _, _ = browser.post(f"{base}/bench/floor/", {"answer": "x" * 200}, base)
        if status != 200:
            raise RuntimeError(f"floor {status}")

    return concurrently(clients, per_client, journey)


# --- in process: statements and commits --------------------------------------------------------------------------
@contextmanager
def counting_statements():
    """{"statements": n, "commits": n} over the block, on the default connection."""
    from django.db import connection

    counts = {"statements": 0, "commits": 0}

    def wrapper(execute, sql, params, many, context):
        counts["statements"] += 1
        writes = sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "WITH"))
        if writes and connection.get_autocommit():
            counts["commits"] += 1  # a write outside a transaction commits by itself
        return execute(sql, params, many, context)

    original = connection.commit

    def commit():
        counts["commits"] += 1
        return original()

    connection.commit = commit
    try:
        with connection.execute_wrapper(wrapper):
            yield counts
    finally:
        del connection.commit


def in_process_journey(start_url: str) -> dict:
    """Walk one journey with Django's test client (CSRF enforced), after one warming walk, counting statements,
    commits and requests."""
    from django.test import Client

    def browser():
        client = Client(enforce_csrf_checks=True)

        def get(url):
            response = client.get(url)
            return response.status_code, response.content.decode(), url

        def post(url, data, referer):
            response = client.post(url, data)
            return response.status_code, response.content.decode(), url

        return get, post

    consultation_journey(*browser(), start_url)  # the caches fill on the first visit after a publication
    get, post = browser()
    with counting_statements() as counts:
        started = time.perf_counter()
        reference, requests_made = consultation_journey(get, post, start_url)
        counts["ms"] = (time.perf_counter() - started) * 1000
    counts.update(requests=requests_made, reference=reference)
    return counts


def summarise(name: str, rounds: list[dict], *, clients: int) -> dict:
    durations = [value for each in rounds for value in each["durations"]]
    rates = [len(each["durations"]) / each["wall"] for each in rounds if each["wall"]]
    rate = sorted(rates)[len(rates) // 2] if rates else 0.0
    return {"name": name, "rate": rate, "p50": percentile(durations, 50), "p95": percentile(durations, 95)}


def emit_figures(prefix: str, summary: dict, unit: str, *, clients: int) -> None:
    emit(f"{prefix} per second", summary["rate"], unit, clients=clients)
    emit(f"{prefix} p50", summary["p50"], "ms", clients=clients)
    emit(f"{prefix} p95", summary["p95"], "ms", clients=clients)


def python_executable() -> str:
    return sys.executable
