"""Redaction benchmark: how well the automatic personal data flags (covenant/consultation/detection.py) find
what a moderator must remove, on the labelled synthetic answers in tests/data/personal_data_labelled.jsonl.

For each kind it prints recall (the share of labelled spans wholly covered by a flag of that kind) and precision
(the share of flags that overlap a labelled span of their kind), each with its lower limit. These are
correctness figures: one below its limit fails `make bench`. The same limits are asserted by
tests/covenant/consultation/test_detection_quality.py.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "personal_data_labelled.jsonl"
KINDS = ("email", "phone", "nhs_number", "postcode", "address", "name")
MIN_RECALL = {"email": 0.98, "phone": 0.98, "nhs_number": 0.98, "postcode": 0.98, "address": 0.9, "name": 0.8}
MIN_PRECISION = {
    "email": 0.98,
    "phone": 0.95,
    "nhs_number": 0.95,
    "postcode": 0.95,
    "address": 0.9,
    "name": 0.85,
}


def load(path: Path = LABELLED) -> list[dict]:
    with path.open() as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(records: list[dict]) -> dict[str, dict[str, float]]:
    """Per kind: recall, precision, the labelled count and the flagged count; plus the misses for reading."""
    from covenant.consultation.detection import find_personal_data

    labelled, covered, flagged, correct = Counter(), Counter(), Counter(), Counter()
    misses: list[tuple[int, str, str]] = []
    false_alarms: list[tuple[int, str, str]] = []
    for record in records:
        flags = find_personal_data(record["text"])
        spans = record["spans"]
        for span in spans:
            labelled[span["kind"]] += 1
            if any(
                f.kind == span["kind"] and f.start <= span["start"] and f.end >= span["end"] for f in flags
            ):
                covered[span["kind"]] += 1
            else:
                misses.append((record["id"], span["kind"], span["text"]))
        for flag in flags:
            flagged[flag.kind] += 1
            if any(s["kind"] == flag.kind and s["start"] < flag.end and flag.start < s["end"] for s in spans):
                correct[flag.kind] += 1
            else:
                false_alarms.append((record["id"], flag.kind, flag.text))
    figures = {
        kind: {
            "recall": covered[kind] / labelled[kind] if labelled[kind] else 1.0,
            "precision": correct[kind] / flagged[kind] if flagged[kind] else 1.0,
            "labelled": labelled[kind],
            "flagged": flagged[kind],
        }
        for kind in KINDS
    }
    figures["_misses"] = misses  # type: ignore[assignment]
    figures["_false_alarms"] = false_alarms  # type: ignore[assignment]
    return figures


def run(*, size: str) -> None:
    from benchmarks.common import emit

    records = load()
    started = time.perf_counter()
    figures = evaluate(records)
    elapsed_ms = (time.perf_counter() - started) * 1000 / max(1, len(records))
    for kind in KINDS:
        figure = figures[kind]
        emit(
            f"redaction recall {kind}", figure["recall"], "ratio", min=MIN_RECALL[kind], n=figure["labelled"]
        )
        emit(
            f"redaction precision {kind}",
            figure["precision"],
            "ratio",
            min=MIN_PRECISION[kind],
            n=figure["flagged"],
        )
    emit("redaction time per answer", elapsed_ms, "ms", max=5.0, answers=len(records))
