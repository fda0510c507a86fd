"""The consultation response journey beside the Wagtail form-builder peer and the floor (benchmarks/journeys.py).

Figures (`consultation`): `journey ratio to wagtail` (our journeys per second over the peer's, geometric mean of
the rounds; min 1.0), `statements per journey` (max 20) and `commits per journey` (max 1) counted in process,
`requests per journey`, `send ratio to floor` (the send POST's throughput over the one-INSERT floor's; min 0.7),
journeys per second, p50 and p95 of each, and `journeys lost` / `journeys duplicated` (max 0) under load and on a
repeat of every send with the same payload. On SQLite only the in-process figures and our own load are measured
(the peer runs on PostgreSQL, as the issue measured it).
"""

from __future__ import annotations

import math
import os
import socket
import sys

from benchmarks.common import ROOT, emit
from benchmarks.journeys import (
    HttpBrowser,
    concurrently,
    consultation_journey,
    emit_figures,
    floor,
    in_process_journey,
    peer_answers,
    peer_available,
    peer_environment,
    peer_journey,
    peer_prepare,
    sends,
    start_gunicorn,
    summarise,
)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _our_server(port: int):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_CONN_MAX_AGE": "60",
        "PYTHONPATH": str(ROOT),
        "BENCH_CONSULTATION_PRELOAD": "1",
        # As in production: the background check and the receipt are rows in the task table, run by a worker.
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    return start_gunicorn(
        python=sys.executable, app="benchmarks.consultation:wsgi_app", cwd=ROOT, env=env, port=port
    )


def _in_process(start_url: str) -> dict:
    from django.test import override_settings

    with override_settings(TASKS=DATABASE_TASKS, CONSULTATION_MIN_SECONDS=0):
        counts = in_process_journey(start_url)
    from django.db import connection

    connection.close()
    return counts


def _geometric_mean(values: list[float]) -> float:
    values = [value for value in values if value > 0]
    return math.exp(sum(math.log(value) for value in values) / len(values)) if values else 0.0


def run_journeys(submit_page, config: dict, *, db: str) -> None:
    from covenant.consultation.models import ConsultationResponse

    clients, per_client, rounds = config["clients"], config["per_client"], config["rounds"]
    start_path = f"/consultation/respond/{submit_page.pk}/"
    counts = _in_process(start_path)
    emit("statements per journey", counts["statements"], "statements", max=20)
    emit("commits per journey", counts["commits"], "commits", max=1)
    emit("requests per journey", counts["requests"], "requests")
    emit("in-process journey", counts["ms"], "ms")

    peer = peer_available() if db == "postgresql" else None
    if db == "postgresql" and peer is None:
        print("consultation: the Wagtail peer is not built: run its setup.sh (PEER=...)", file=sys.stderr)
    before = ConsultationResponse.objects.filter(consultation_id=submit_page.pk).count()
    servers = []
    try:
        port = _free_port()
        servers.append(_our_server(port))
        base = f"http://127.0.0.1:{port}"
        if peer is not None:
            site, python = peer
            database = "bench_peerforms"
            peer_prepare(site, python, database)
            peer_port = _free_port()
            servers.append(
                start_gunicorn(
                    python=python,
                    app="peerforms.wsgi",
                    cwd=site,
                    env=peer_environment(database),
                    port=peer_port,
                )
            )
            peer_url = f"http://127.0.0.1:{peer_port}/consultation/"
        ours, theirs, floors, sent = [], [], [], []
        references: list[str] = []
        errors: list[str] = []
        repeats: list = []

        def our_journey(browser: HttpBrowser):
            return consultation_journey(browser.get, browser.post, base + start_path)[0]

        # One untimed journey per client on each site first: every worker loads its templates and fills its
        # caches (ours: the consultation's snapshot, the menus; both: compiled templates), as in production.
        references += concurrently(clients, 1, our_journey)[2]
        if peer is not None:
            concurrently(clients, 1, lambda browser: peer_journey(browser, peer_url, peer_answers()))
        for _ in range(rounds):
            wall, durations, results, failed = concurrently(clients, per_client, our_journey)
            ours.append({"wall": wall, "durations": durations})
            references += results
            errors += failed
            if peer is not None:
                wall, durations, _, failed = concurrently(
                    clients, per_client, lambda browser: peer_journey(browser, peer_url, peer_answers())
                )
                theirs.append({"wall": wall, "durations": durations})
                errors += [f"peer: {message}" for message in failed]
            wall, durations, _, failed = floor(base, clients=clients, per_client=config["floor_per_client"])
            floors.append({"wall": wall, "durations": durations})
            errors += [f"floor: {message}" for message in failed]
            wall, durations, sent_references, failed, prepared = sends(
                base, base + start_path, clients=clients, per_client=per_client
            )
            sent.append({"wall": wall, "durations": durations})
            references += sent_references
            errors += [f"send: {message}" for message in failed]
            repeats += prepared

        # Every send again with the same payload: the same confirmation, and no second response.
        same = 0
        for browser, target, data, referer in repeats:
            status, text, _ = browser.post(target, data, referer)
            same += int(status == 200 and "Response sent" in text)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=120)

    summary = summarise("ours", ours, clients=clients)
    emit_figures("journeys", summary, "journeys/s", clients=clients)
    floor_summary = summarise("floor", floors, clients=clients)
    emit_figures("floor requests", floor_summary, "requests/s", clients=clients)
    send_summary = summarise("send", sent, clients=clients)
    emit_figures("send requests", send_summary, "requests/s", clients=clients)
    send_ratios = [
        (len(s["durations"]) / s["wall"]) / (len(f["durations"]) / f["wall"])
        for s, f in zip(sent, floors, strict=True)
        if s["wall"] and f["wall"] and f["durations"]
    ]
    emit("send ratio to floor", _geometric_mean(send_ratios), "ratio", min=0.7, rounds=len(send_ratios))
    if theirs:
        peer_summary = summarise("wagtail", theirs, clients=clients)
        emit_figures("wagtail journeys", peer_summary, "journeys/s", clients=clients)
        emit("wagtail requests per journey", 2, "requests")
        ratios = [
            (len(o["durations"]) / o["wall"]) / (len(t["durations"]) / t["wall"])
            for o, t in zip(ours, theirs, strict=True)
            if o["wall"] and t["wall"] and t["durations"]
        ]
        emit("journey ratio to wagtail", _geometric_mean(ratios), "ratio", min=1.0, rounds=len(ratios))
    stored = ConsultationResponse.objects.filter(reference__in=references).count()
    created = ConsultationResponse.objects.filter(consultation_id=submit_page.pk).count() - before
    emit("journeys lost", len(set(references)) - stored, "journeys", max=0, acknowledged=len(references))
    emit("journeys duplicated", created - len(set(references)), "journeys", max=0)
    emit("repeated sends confirmed", len(repeats) - same, "not confirmed", max=0, repeats=len(repeats))
    emit("journey errors", len(errors), "journeys", max=0, requests_sent_again=HttpBrowser.retries)
    for message in errors[:3]:
        print(f"consultation: {message}", file=sys.stderr)
