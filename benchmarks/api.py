"""Public API benchmark: listing a consultation's published responses through /api/v1/ (docs/api.md).

full: 100,000 responses to a 12-question consultation (about 900,000 answers, the consultation benchmark's
world); small: 5,000. Requests go through the whole middleware stack with Django's test client, one at a time,
with the rate limit lifted. Timed: the first page (20 and 100 responses), pages followed by their cursors from
the start, a page near the end of the listing (keyset pagination: it should cost what the first does), and the
listing filtered by question and by theme. The issue's limit: p95 within 150 ms at 100,000 responses.
"""

from __future__ import annotations

import random

from benchmarks.common import emit, percentile, timed

SIZES = {"small": {"responses": 5_000, "repeat": 20}, "full": {"responses": 100_000, "repeat": 40}}
LIMIT_MS = 150


def _get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])  # nosec B101  # benchmark sanity check
    return response.json()


def _times(client, urls: list[str]) -> list[float]:
    durations = []
    for url in urls:
        with timed() as took:
            _get(client, url)
        durations.append(took["ms"])
    return durations


def run(*, size: str) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from benchmarks.consultation import _build_world
    from cms.api import cursor_encode
    from covenant.consultation import publication

    config = SIZES[size]
    settings.API_RATE = "1000000/m"
    rng = random.Random(2026)  # nosec B311  # reproducible test data, not security
    with timed() as built:
        page, _, _ = _build_world(responses=config["responses"], rng=rng)
    emit("world built", built["ms"] / 1000, "s", responses=config["responses"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    published = publication.publishable_responses(consultation=page).count()
    base = f"/api/v1/consultations/{page.pk}/responses"
    client = Client()
    _get(client, base)  # warm: URL resolver, site root paths, connection
    repeat = config["repeat"]

    first = _times(client, [base] * repeat)
    emit("first page (20) p95", percentile(first, 95), "ms", max=LIMIT_MS, published=published)
    first_100 = _times(client, [f"{base}?limit=100"] * repeat)
    emit("first page (100) p95", percentile(first_100, 95), "ms", max=LIMIT_MS)

    walked, url = [], base
    for _ in range(repeat):
        with timed() as took:
            data = _get(client, url)
        walked.append(took["ms"])
        url = f"{base}?cursor={data['next_cursor']}"
    emit("pages followed by cursor p95", percentile(walked, 95), "ms", max=LIMIT_MS, pages=repeat)

    ids = list(
        publication.publishable_responses(consultation=page).order_by("pk").values_list("pk", flat=True)
    )
    deep = cursor_encode(listing=f"responses:{page.pk}", after=ids[int(len(ids) * 0.95)])
    near_end = _times(client, [f"{base}?cursor={deep}"] * repeat)
    emit("page near the end p95", percentile(near_end, 95), "ms", max=LIMIT_MS)

    question = page.active_questions()[5]
    by_question = _times(client, [f"{base}?question={question.pk}"] * repeat)
    emit("filtered by question p95", percentile(by_question, 95), "ms", max=LIMIT_MS)
    theme = page.themes.order_by("pk").first()
    by_theme = _times(client, [f"{base}?theme={theme.pk}"] * repeat)
    emit("filtered by theme p95", percentile(by_theme, 95), "ms", max=LIMIT_MS)
    emit("median of all timed requests", percentile(first + walked + near_end, 50), "ms")
