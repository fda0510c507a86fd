"""Quality, not speed: the personal data flags on the labelled synthetic answers (tests/data/) reach the same
minimum recall and precision per kind that the redaction benchmark (benchmarks/redaction.py) reports."""

import pytest

from benchmarks.redaction import KINDS, MIN_PRECISION, MIN_RECALL, evaluate, load
from covenant.consultation.detection import find_personal_data


@pytest.fixture(scope="module")
def figures():
    return evaluate(load())


def test_the_labelled_set_is_well_formed():
    records = load()
    assert len(records) >= 250
    assert {span["kind"] for record in records for span in record["spans"]} == set(KINDS)
    assert sum(1 for record in records if not record["spans"]) >= 40  # negatives
    for record in records:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"], record["id"]


@pytest.mark.parametrize("kind", KINDS)
def test_recall_and_precision_reach_their_minimum(figures, kind):
    figure = figures[kind]
    misses = [miss for miss in figures["_misses"] if miss[1] == kind]
    false_alarms = [alarm for alarm in figures["_false_alarms"] if alarm[1] == kind]
    assert figure["recall"] >= MIN_RECALL[kind], misses
    assert figure["precision"] >= MIN_PRECISION[kind], false_alarms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My colleague Will Turner helped.", [("name", "Will Turner")]),
        ("Will this apply to agency staff?", []),
        ("My manager Will said no.", [("name", "Will")]),
        ("May I suggest a change?", []),
        ("Hope is not a plan.", []),
        ("Staff at Victoria Hospital and St George's.", []),
        (
            "Ring (020) 7946 0000 or 0117 496 0123.",
            [("phone", "(020) 7946 0000"), ("phone", "0117 496 0123")],
        ),
        (
            "Or +44 (0)7700 900123, 07700 900 123.",
            [("phone", "+44 (0)7700 900123"), ("phone", "07700 900 123")],
        ),
        ("NHS no 943-476-5919, not 000 000 0000.", [("nhs_number", "943-476-5919")]),
        (
            "Flat 3, 45 High Street, SW1A 1AA",
            [("address", "Flat 3, 45 High Street"), ("postcode", "SW1A 1AA")],
        ),
        ("Sister O'Brien and Dr McDonald", [("name", "O'Brien"), ("name", "McDonald")]),
        ("Lone workers need alarms.", []),
    ],
)
def test_examples(text, expected):
    assert [(flag.kind, flag.text) for flag in find_personal_data(text)] == expected
