"""How well consultation analysis does, and what it costs at scale; figures of the `consultation` benchmark.

Accuracy, on the labelled synthetic set `tests/data/consultation_eval.jsonl` (tests/data/make_consultation_eval.py):
- theme assignment: for each question the analyst's themes are the labelled ones and the analyst confirms a
  seed set (the first `SEEDS` answers of each theme in the file, outside campaigns), as on the analysis screen;
  the matcher is fitted on the question's answers without their labels and suggests themes for every other
  answer. Precision, recall and F1 are over (answer, theme) pairs of the answers not in the seed set.
- campaign membership: near-duplicate detection over each question's answers; an answer is predicted to be in a
  campaign when its group has at least `CONSULTATION_CAMPAIGN_MIN_SIZE` (5) members. Precision and recall over
  answers, against the generator's campaign labels (duplicates sent two or three times are not campaigns).

Scale: the background task that suggests themes and then which themes each answer raises, for one question with
100,000 approved answers (5,000 at the small size), in a fresh process: its time and the growth of its peak\nresident memory over the process's size once Django is loaded.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.common import ROOT, emit

EVAL = ROOT / "tests" / "data" / "consultation_eval.jsonl"
SEEDS = 5
MIN_SIZE = 5
SCALE = {"small": 5_000, "full": 100_000}


def load(path: Path = EVAL) -> list[dict]:
    with path.open() as lines:
        return [json.loads(line) for line in lines if line.strip()]


def seed_ids(records: list[dict], *, seeds: int = SEEDS) -> set[str]:
    """The answers an analyst confirms first: per question and theme, the first `seeds` outside campaigns."""
    chosen: set[str] = set()
    taken: dict[tuple[str, str], int] = defaultdict(int)
    for record in records:
        if record["campaign"]:
            continue
        for theme in record["themes"]:
            if taken[(record["question"], theme)] < seeds:
                taken[(record["question"], theme)] += 1
                chosen.add(record["id"])
    return chosen


def theme_figures(records: list[dict], *, seeds: int = SEEDS) -> dict[str, float]:
    from covenant.consultation.textanalysis import ThemeMatcher, ThemeProfile

    seeded = seed_ids(records, seeds=seeds)
    by_question: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_question[record["question"]].append(record)
    true_pairs, predicted = set(), set()
    for rows in by_question.values():
        names = sorted({theme for row in rows for theme in row["themes"]})
        profiles = [
            ThemeProfile(
                key=i,
                name=name,
                examples=[row["text"] for row in rows if row["id"] in seeded and name in row["themes"]],
            )
            for i, name in enumerate(names)
        ]
        matcher = ThemeMatcher(sample=[row["text"] for row in rows], themes=profiles)
        rest = [row for row in rows if row["id"] not in seeded]
        for row, found in zip(rest, matcher.assign([row["text"] for row in rest]), strict=True):
            true_pairs |= {(row["id"], theme) for theme in row["themes"]}
            predicted |= {(row["id"], names[key]) for key, _ in found}
    return _prf(predicted, true_pairs)


def campaign_figures(records: list[dict], *, min_size: int = MIN_SIZE) -> dict[str, float]:
    from covenant.consultation.textanalysis import near_duplicate_groups

    by_question: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_question[record["question"]].append(record)
    truth = {record["id"] for record in records if record["campaign"]}
    found: set[str] = set()
    for rows in by_question.values():
        texts = [(i, row["text"]) for i, row in enumerate(rows)]
        for group in near_duplicate_groups(texts):
            if len(group) >= min_size:
                found |= {rows[i]["id"] for i in group}
    return _prf(found, truth)


def _prf(predicted: set, truth: set) -> dict[str, float]:
    both = len(predicted & truth)
    precision = both / len(predicted) if predicted else 0.0
    recall = both / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _scale_world(answers: int):
    """One concluded consultation with one free-text question and `answers` approved, consented responses written
    from the evaluation set's idea banks (new draws, so the text varies as real answers do)."""
    import random
    import uuid

    from django.utils import timezone

    from covenant.consultation.models import Answer, ConsultationResponse, Question
    from demo.factories.consultation import consultation_page, hub_page
    from tests.data.make_consultation_eval import QUESTIONS, ordinary

    hub = hub_page(slug="bench-analysis-hub")
    page = consultation_page(title="Analysis at scale", slug="bench-analysis", hub=hub, status="closed")
    question = Question.objects.filter(consultation=page, kind="free_text").order_by("sort_order").first()
    rng = random.Random(2026)  # nosec B311  # synthetic benchmark data
    bank = QUESTIONS["report"]
    now = timezone.now()
    batch = 5000
    for start in range(0, answers, batch):
        responses = ConsultationResponse.objects.bulk_create(
            [
                ConsultationResponse(
                    consultation=page,
                    reference=f"CNS-A{start + i:09d}",
                    public_id=f"A{start + i:08d}",
                    idempotency_key=uuid.uuid4(),  # never one the submissions' world makes
                    respondent_type="nhs_staff",
                    publish_consent="anonymous",
                    moderation_state="approved",
                    submitted_at=now,
                    moderated_at=now,
                )
                for i in range(min(batch, answers - start))
            ]
        )
        rows = []
        for response in responses:
            text, _ = ordinary(rng, bank)
            rows.append(Answer(response=response, question=question, text=text, redacted_text=text))
        Answer.objects.bulk_create(rows)
    return page, question


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _work(question_id: int, user_id: int) -> None:
    """In a fresh process (so the peak is this work's alone): suggest themes, accept five, then suggest which
    themes each answer raises, as the background tasks do. Prints seconds and peak resident memory growth."""
    import resource

    import django

    django.setup()
    from covenant.consultation.models import AnalysisRun, Question, Theme, ThemeSuggestion
    from covenant.consultation.tasks import assign_themes, suggest_themes

    question = Question.objects.select_related("consultation").get(pk=question_id)
    baseline = _rss_mb()
    started = time.perf_counter()
    run = AnalysisRun.objects.create(question=question, kind="suggest", requested_by_id=user_id)
    suggest_themes.call(run_id=run.pk)
    for number, suggestion in enumerate(ThemeSuggestion.objects.filter(question=question)[:5]):
        Theme.objects.create(
            consultation=question.consultation,
            question=question,
            name=f"Theme {number}: {suggestion.terms[:60]}",
            origin="system",
            created_by_id=user_id,
        )
    run = AnalysisRun.objects.create(question=question, kind="assign", requested_by_id=user_id)
    assign_themes.call(run_id=run.pk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    run.refresh_from_db()
    print(
        json.dumps(
            {"seconds": seconds, "peak_mb": peak - baseline, "status": run.status, "result": run.result}
        )
    )


def scale_figures(*, size: str) -> None:
    import subprocess  # nosec B404  # runs this module's own work in a fresh process
    import sys

    from django.contrib.auth import get_user_model

    count = SCALE[size]
    started = time.perf_counter()
    _page, question = _scale_world(count)
    emit("analysis world built", time.perf_counter() - started, "s", answers=count)
    analyst = get_user_model().objects.create_user(email="bench-analyst@example.org")
    process = subprocess.run(  # nosec B603  # argv built here, no shell
        [sys.executable, "-m", "benchmarks.consultation_analysis", str(question.pk), str(analyst.pk)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    figures = json.loads(process.stdout.strip().splitlines()[-1])
    emit(
        f"theme suggestion and assignment, {count:,} answers",
        figures["seconds"],
        "s",
        max=120,
        answers=count,
        status=figures["status"],
    )
    emit(
        f"theme suggestion and assignment peak memory, {count:,} answers",
        figures["peak_mb"],
        "MB",
        max=500,
        answers=count,
    )


def run(*, size: str) -> None:
    records = load()
    themes = theme_figures(records)
    emit("theme precision", themes["precision"], "ratio", answers=len(records))
    emit("theme recall", themes["recall"], "ratio", answers=len(records))
    emit("theme F1", themes["f1"], "ratio", min=0.6, answers=len(records))
    campaigns = campaign_figures(records)
    emit("campaign precision", campaigns["precision"], "ratio", min=0.95)
    emit("campaign recall", campaigns["recall"], "ratio", min=0.9)
    scale_figures(size=size)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(ROOT))
    _work(int(sys.argv[1]), int(sys.argv[2]))
