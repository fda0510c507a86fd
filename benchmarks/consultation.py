"""Consultation benchmark. First the analysis figures (benchmarks/consultation_analysis.py: theme F1, campaign
precision and recall on the labelled set, and theme suggestion and assignment for 100,000 answers), then the whole
response journey beside the Wagtail form-builder peer and the one-INSERT floor (benchmarks/journeys.py,
consultation_journeys.py), then the published responses and summary pages, the full answers CSV export and the
outcome PDF.

full: 100,000 responses to a 12-question consultation (about 900,000 answers); small: 5,000.
The journeys: our site and the peer each under gunicorn with 2 sync workers, 16 clients, interleaved rounds (2
small, 4 full); statements, commits and requests per journey counted in process. The published pages:
`benchmarks.consultation:wsgi_app` (the site's URLs plus the floor view), 2 x cores + 1 gthread workers with
persistent database connections and, when Redis answers on 127.0.0.1:6379, the Redis cache so rate limits and
cached summaries are shared by the workers as in production.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess  # nosec B404  # starts the app server it measures
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.common import ROOT, consume, emit, memory_growth_mb, percentile, timed
from benchmarks.consultation_journeys import run_journeys as _journeys

SIZES = {
    "small": {
        "responses": 5_000,
        "clients": 16,
        "per_client": 2,
        "floor_per_client": 20,
        "rounds": 2,
        "repeat": 20,
    },
    "full": {
        "responses": 100_000,
        "clients": 16,
        "per_client": 6,
        "floor_per_client": 60,
        "rounds": 4,
        "repeat": 40,
    },
}
BATCH = 5000
SUBMIT_SLUG = "bench-open"
READ_SLUG = "bench-concluded"

QUESTIONS = (
    # section, text, kind, options, why, required, help
    (
        "Commitments",
        "Do you agree every organisation should sign the Covenant?",
        "agree_scale",
        "",
        "Why?",
        True,
        "",
    ),
    ("Commitments", "Do you agree staff should be safe at work?", "agree_scale", "", "Why?", False, ""),
    (
        "Commitments",
        "Which commitments matter most?",
        "multiple_choice",
        "Safety\nSupport\nFair treatment\nCareers\nFlexible working",
        "",
        False,
        "",
    ),
    (
        "Commitments",
        "Should social care staff have the same protections?",
        "single_choice",
        "Yes\nNo\nNot sure",
        "Tell us more",
        False,
        "",
    ),
    (
        "Violence",
        "Have you experienced abuse at work?",
        "single_choice",
        "Yes\nNo\nPrefer not to say",
        "",
        False,
        "",
    ),
    ("Violence", "What would make reporting easier?", "free_text", "", "", False, ""),
    (
        "Violence",
        "Do you agree reports should be shared across sectors?",
        "agree_scale",
        "",
        "Why?",
        False,
        "",
    ),
    (
        "Violence",
        "Which support would help after an incident?",
        "multiple_choice",
        "Counselling\nTime off\nManager follow-up\nPeer support",
        "",
        False,
        "",
    ),
    (
        "Careers",
        "Should training records move with staff?",
        "single_choice",
        "Yes\nNo\nNot sure",
        "",
        False,
        "",
    ),
    (
        "Careers",
        "Do you agree careers should move freely between sectors?",
        "agree_scale",
        "",
        "Why?",
        False,
        "",
    ),
    ("Careers", "What should change in how staff move between sectors?", "free_text", "", "", False, ""),
    ("Careers", "Anything else?", "free_text", "", "", False, ""),
)
SENTENCES = (
    "We need more security staff at night and personal alarms for community staff.",
    "The reporting form is too long, make it short and online so it works on a phone.",
    "Care workers face the same abuse as NHS staff but get none of the same support.",
    "After an assault nobody checked on me; there should be proper support and time off.",
    "Training records should move with you between the NHS and social care.",
    "Managers should follow up every incident and tell staff what happened next.",
    "Lone workers visiting people at home are the most exposed and the least protected.",
    "Zero tolerance means nothing unless perpetrators face consequences.",
)

# --- the gunicorn application: the site plus the floor view ----------------------------------------------------


def floor_view(request):
    """The floor: the least a Django view can do to accept a POST and insert one row."""
    from django.http import HttpResponse

    from cms.accounts.models import AuditEvent

    AuditEvent.objects.create(action="bench.floor", actor_label="benchmark")
    return HttpResponse("ok")


def _urlpatterns():
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt

    return [path("bench/floor/", csrf_exempt(floor_view)), path("", include("cms.urls"))]


def __getattr__(name):
    # Django asks this module for `urlpatterns` when it is the ROOT_URLCONF (only inside the gunicorn workers).
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


class _LazyApplication:
    """Builds the Django application on first use, or at import when gunicorn preloads it (so every worker
    forks with Django, Wagtail and WeasyPrint already imported)."""

    def __init__(self):
        self._app = None
        if os.environ.get("BENCH_CONSULTATION_PRELOAD"):
            self._load()

    def __call__(self, environ, start_response):
        if self._app is None:
            self._load()
        return self._app(environ, start_response)

    def _load(self):
        if self._app is None:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
            import django

            django.setup()
            from django.conf import settings
            from django.core.wsgi import get_wsgi_application

            settings.ROOT_URLCONF = __name__
            settings.CONSULTATION_MIN_SECONDS = 0
            settings.CONSULTATION_SUBMIT_RATE = "1000000/m"
            self._app = get_wsgi_application()
            from cms.heap import freeze_startup_heap

            freeze_startup_heap()  # as cms/wsgi.py does in every server process


wsgi_app = _LazyApplication()

# --- building the world ----------------------------------------------------------------------------------------


def _build_world(*, responses: int, rng: random.Random):
    from django.utils import timezone

    from covenant.consultation.models import (
        Answer,
        ConsultationResponse,
        ModerationState,
        Origin,
        Theme,
        ThemeTag,
        encode_selected,
    )
    from demo.factories.cms import UserFactory
    from demo.factories.consultation import consultation_page, hub_page
    from demo.factories.workforce import OrganisationFactory
    from workforce.services import membership_grant

    hub = hub_page()
    read_page = consultation_page(
        title="Benchmark concluded", slug=READ_SLUG, status="concluded", questions=QUESTIONS, hub=hub
    )
    submit_page = consultation_page(
        title="Benchmark open", slug=SUBMIT_SLUG, status="open", questions=QUESTIONS, hub=hub
    )
    questions = list(read_page.active_questions())
    organisation = OrganisationFactory(name="Benchmark ICB")
    analyst = UserFactory(email="bench.analyst@example.org")
    membership_grant(user=analyst, organisation=organisation, role="analyst")
    themes = [
        Theme.objects.create(consultation=read_page, question=questions[5], name=name, created_by=analyst)
        for name in ("Security", "Reporting", "Parity", "Support", "Careers")
    ]
    states = (
        [ModerationState.APPROVED] * 12
        + [ModerationState.REJECTED] * 4
        + [ModerationState.PENDING] * 3
        + [ModerationState.INVALID]
    )
    types = ["public", "nhs_staff", "social_care_staff", "organisation"]
    consents = ["named", "anonymous", "anonymous", "anonymous", "none"]
    start = timezone.now() - timezone.timedelta(days=200)
    made = 0
    while made < responses:
        count = min(BATCH, responses - made)
        batch = []
        for i in range(made, made + count):
            respondent_type = rng.choice(types)
            consent = rng.choice(consents)
            batch.append(
                ConsultationResponse(
                    consultation=read_page,
                    reference=f"CNS-B{i:09d}",
                    public_id=f"B{i:08d}",
                    idempotency_key=uuid.UUID(int=rng.getrandbits(128)),
                    respondent_type=respondent_type,
                    organisation_name=f"Organisation {i % 300}" if respondent_type == "organisation" else "",
                    respondent_name=f"Person {i}"
                    if consent == "named" and respondent_type != "organisation"
                    else "",
                    publish_consent=consent,
                    redacted_respondent_name=f"Person {i}"
                    if consent == "named" and respondent_type != "organisation"
                    else "",
                    redacted_organisation_name=f"Organisation {i % 300}"
                    if respondent_type == "organisation"
                    else "",
                    moderation_state=rng.choice(states),
                    submitted_at=start + timezone.timedelta(seconds=i * 60),
                )
            )
        for response in batch:
            if response.publish_consent == "none" and response.moderation_state == ModerationState.APPROVED:
                response.moderation_state = ModerationState.REJECTED
        batch = ConsultationResponse.objects.bulk_create(batch)
        answers = []
        for response in batch:
            for question in questions:
                if not question.required and rng.random() < 0.25:
                    continue
                selected, text = [], ""
                if question.kind == "multiple_choice":
                    selected = rng.sample(question.options, rng.randint(1, 3))
                elif question.kind != "free_text":
                    selected = [rng.choice(question.options)]
                    if question.why_prompt and rng.random() < 0.4:
                        text = rng.choice(SENTENCES)
                else:
                    text = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        selected=encode_selected(selected),
                        text=text,
                        redacted_text=text,
                    )
                )
        answers = Answer.objects.bulk_create(answers, batch_size=5000)
        tags = [
            ThemeTag(
                answer=answer,
                theme=rng.choice(themes),
                origin=Origin.PERSON,
                created_by=analyst,
                confirmed_by=analyst,
                confirmed_at=timezone.now(),
            )
            for answer in answers
            if answer.question_id == questions[5].pk and answer.text and rng.random() < 0.3
        ]
        ThemeTag.objects.bulk_create(tags, batch_size=5000, ignore_conflicts=True)
        made += count
    return read_page, submit_page, analyst


# --- gunicorn and the HTTP clients -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _start_gunicorn(port: int, log: Path):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DATABASE_CONN_MAX_AGE="60",
        PYTHONPATH=str(ROOT),
        BENCH_CONSULTATION_PRELOAD="1",
    )
    if _redis_available():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/7"
    workers = (os.cpu_count() or 1) * 2 + 1
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "benchmarks.consultation:wsgi_app",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        "2",
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log),
        "--preload",
        "--timeout",
        "120",
    ]
    process = subprocess.Popen(  # nosec B603  # argv built in code, no shell
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    import requests

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code < 500:
                return process, workers, "REDIS_URL" in env
        except requests.RequestException:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"gunicorn did not start; see {log}")


def _page_times(url: str, repeat: int) -> list[float]:
    import requests

    session = requests.Session()
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = session.get(url, timeout=60)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)  # nosec B101  # benchmark sanity check
    return durations


# --- run --------------------------------------------------------------------------------------------------------


def run(*, size: str) -> None:
    from django.db import connection
    from django.test import Client

    from benchmarks import consultation_analysis

    # Analysis first: its accuracy on the labelled set, and theme suggestion and assignment at scale
    # (benchmarks/consultation_analysis.py). BENCH_CONSULTATION_PART=analysis stops after it.
    consultation_analysis.run(size=size)
    if os.environ.get("BENCH_CONSULTATION_PART") == "analysis":
        return
    from covenant.consultation.reports import OutcomeReport

    config = SIZES[size]
    rng = random.Random(2026)  # nosec B311  # reproducible test data, not security
    db = connection.vendor
    with timed() as built:
        read_page, submit_page, analyst = _build_world(responses=config["responses"], rng=rng)
    emit("world built", built["ms"] / 1000, "s", responses=config["responses"], questions=len(QUESTIONS))
    if db == "postgresql":
        # What autovacuum does after a bulk load: without statistics the planner takes the 80,000 moderated
        # responses for one and the answers export runs a nested loop and an on-disk sort (7.6 s of SQL, not 0.7).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.close()  # the gunicorn workers and this process must not share a connection

    _journeys(submit_page, config, db=db)

    port = _free_port()
    log = Path(tempfile.gettempdir()) / f"bench-consultation-gunicorn-{port}.log"
    process, workers, redis = _start_gunicorn(port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        published = _page_times(f"{base}{read_page.url}responses/", config["repeat"])
        emit("published responses page p95", percentile(published, 95), "ms", max=300)
        filtered = _page_times(
            f"{base}{read_page.url}responses/?respondent_type=organisation&page=3", config["repeat"]
        )
        emit("published responses filtered p95", percentile(filtered, 95), "ms", max=300)
        summary = _page_times(f"{base}{read_page.url}summary/", config["repeat"] + 1)
        emit("summary page first (uncached)", summary[0], "ms")
        emit("summary page p95", percentile(summary[1:], 95), "ms", max=300)
    finally:
        process.terminate()
        process.wait(timeout=120)

    client = Client()
    client.force_login(analyst)
    export_url = f"/consultation/analysis/{read_page.pk}/answers/?_export=csv"
    with timed() as export:
        size_bytes = consume(client.get(export_url))
    emit("answers CSV export, all", export["ms"] / 1000, "s", max=15, megabytes=round(size_bytes / 1e6, 1))
    _, growth = memory_growth_mb(lambda: consume(client.get(export_url)))
    emit("answers CSV export peak memory growth", growth, "MB", max=100)
    with timed() as open_data:
        consume(client.get(f"{read_page.url}open-data/csv/"))
    emit("open data CSV export", open_data["ms"] / 1000, "s")

    with timed() as pdf:
        OutcomeReport(read_page).render_pdf()
    emit("outcome PDF", pdf["ms"] / 1000, "s", max=30)
