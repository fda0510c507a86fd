"""Comments database benchmark: searching the published comments of every consultation at 100,000 comments.

Two closed consultations, each response published (approved, anonymous or named) with one free-text comment of
one to three sentences, a place and now and then a rare word; a fifth of the responses are not published
(pending, rejected or unconsented) and must not count. An anonymous visitor's test client fetches the page:
unfiltered (newest first), a common word, a rare word, a phrase, a search with filters, a later page; each is
timed `repeat` times after a warm-up, p95 limit 300 ms on PostgreSQL (SQLite, the development fallback, is
reported without a limit: it scans every comment). Then a CSV download of a common-word search.

full: 100,000 published comments; small: 5,000.
"""

from __future__ import annotations

import random
import time
import uuid

from benchmarks.common import consume, emit, percentile, timed

SIZES = {"small": {"comments": 5_000, "repeat": 10}, "full": {"comments": 100_000, "repeat": 20}}
BATCH = 5000
SENTENCES = (
    "We need more security staff at night and personal alarms for community staff.",
    "The reporting form is too long, make it short and online so it works on a phone.",
    "Care workers face the same abuse as NHS staff but get none of the same support.",
    "After an assault nobody checked on me; there should be proper support and time off.",
    "Training records should move with you between the NHS and social care.",
    "Managers should follow up every incident and tell staff what happened next.",
    "Lone workers visiting people at home are the most exposed and the least protected.",
    "Zero tolerance means nothing unless perpetrators face consequences.",
    "Car parks are badly lit and staff walk to their cars alone after late shifts.",
    "Receptionists take the brunt of the anger when appointments run late.",
)
PLACES = ("Leeds", "Truro", "Carlisle", "Norwich", "Hull", "Derby", "Luton", "Exeter", "Bolton", "Slough")
RARE = "defibrillator"  # in about one comment in a thousand
QUERIES = (
    "",
    "?q=staff",
    f"?q={RARE}",
    "?q=%22personal+alarms%22",
    "?q=night+shifts&respondent_type=nhs_staff&region=london",
    "?q=support&page=5",
    "?page=40",
)


def _build_world(*, comments: int, rng: random.Random) -> int:
    from django.utils import timezone

    from covenant.consultation.models import (
        Answer,
        ConsultationResponse,
        ModerationState,
        PublishConsent,
        QuestionKind,
    )
    from demo.factories.consultation import consultation_page, hub_page
    from workforce.models import Region

    hub = hub_page()
    question_spec = (
        ("Your view", "What would make you safer at work?", QuestionKind.FREE_TEXT, "", "", False, ""),
    )
    pages = [
        consultation_page(
            title=f"Benchmark {status}",
            slug=f"bench-{status}",
            status=status,
            hub=hub,
            questions=question_spec,
        )
        for status in ("closed", "concluded")
    ]
    questions = [page.active_questions().get() for page in pages]
    types = ["public", "nhs_staff", "social_care_staff", "organisation"]
    regions = [*Region.values, ""]
    start = timezone.now() - timezone.timedelta(days=300)
    total = comments + comments // 4  # a fifth of all responses are not published
    made = 0
    while made < total:
        count = min(BATCH, total - made)
        responses, texts = [], []
        for i in range(made, made + count):
            published = i % 5 != 4
            state = (
                ModerationState.APPROVED
                if published
                else rng.choice([ModerationState.PENDING, ModerationState.REJECTED])
            )
            consent = (
                rng.choice([PublishConsent.ANONYMOUS, PublishConsent.NAMED])
                if published
                else rng.choice([PublishConsent.NONE, PublishConsent.ANONYMOUS])
            )
            responses.append(
                ConsultationResponse(
                    consultation=pages[i % 2],
                    reference=f"CNS-C{i:09d}",
                    public_id=f"C{i:08d}",
                    idempotency_key=uuid.UUID(int=rng.getrandbits(128)),
                    respondent_type=rng.choice(types),
                    publish_consent=consent,
                    redacted_respondent_name=f"Person {i}" if consent == PublishConsent.NAMED else "",
                    region=rng.choice(regions),
                    moderation_state=state,
                    submitted_at=start + timezone.timedelta(seconds=i * 120),
                )
            )
            text = " ".join(rng.sample(SENTENCES, rng.randint(1, 3))) + f" In {rng.choice(PLACES)}."
            if rng.random() < 0.001:
                text += f" A {RARE} on every ward."
            texts.append(text)
        responses = ConsultationResponse.objects.bulk_create(responses)
        Answer.objects.bulk_create(
            [
                Answer(response=response, question=questions[index % 2], text=text, redacted_text=text)
                for index, (response, text) in enumerate(zip(responses, texts, strict=True), start=made)
            ],
            batch_size=BATCH,
        )
        made += count
    return len(pages)


def run(*, size: str) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from covenant.consultation import publication

    config = SIZES[size]
    rng = random.Random(2026)  # nosec B311  # reproducible test data, not security
    with timed() as built:
        _build_world(comments=config["comments"], rng=rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    published = publication.published_comments().count()
    emit("world built", built["ms"] / 1000, "s", published_comments=published)
    limit = 300 if connection.vendor == "postgresql" else None
    client = Client()
    url = reverse("consultation:comments")
    all_durations = []
    for query in QUERIES:
        assert client.get(url + query).status_code == 200  # nosec B101  # warm-up and sanity check
        durations = []
        for _ in range(config["repeat"]):
            start = time.perf_counter()
            response = client.get(url + query)
            durations.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200  # nosec B101  # benchmark sanity check
        all_durations += durations
        emit(f"comments page {query or '(newest first)'} p95", percentile(durations, 95), "ms", max=limit)
    emit(
        "comments search p95, all queries",
        percentile(all_durations, 95),
        "ms",
        max=limit,
        published_comments=published,
    )
    if connection.vendor == "postgresql":
        plan = publication.comments_matching(publication.published_comments(), RARE).explain()
        # The planner's choice: on the small table a sequential scan can win; at 100,000 comments the index must.
        emit(
            "full-text index used for a rare word",
            float("answer_published_text_search" in plan),
            "bool",
            **({"min": 1} if size == "full" else {}),
        )
    with timed() as export:
        size_bytes = consume(client.get(url + "?q=staff&_export=csv"))
    emit("comments CSV download, common word", export["ms"] / 1000, "s", megabytes=round(size_bytes / 1e6, 1))
