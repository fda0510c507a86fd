"""Every test docs/security.md names as the proof of a control exists, so the threat model cannot point at
nothing after a test is renamed or removed."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = re.compile(r"`((?:[\w/]+\.py)?::[\w\[\]-]+|[\w/]+\.py::[\w\[\]-]+)`")


def _references():
    text = (ROOT / "docs" / "security.md").read_text()
    current = None
    for match in REFERENCE.finditer(text):
        path, _, name = match.group(1).partition("::")
        if path:
            current = path
        yield current, name.split("[")[0]


def _file(path: str) -> Path | None:
    if (ROOT / path).exists():
        return ROOT / path
    found = sorted((ROOT / "tests").rglob(Path(path).name))
    return found[0] if len(found) == 1 else None


def test_every_test_the_threat_model_names_exists():
    references = list(_references())
    assert len(references) > 50  # the threat model names its tests; a parsing slip would find none
    missing = []
    for path, name in references:
        source = _file(path) if path else None
        if source is None or not re.search(
            rf"def {re.escape(name)}\b|class {re.escape(name)}\b", source.read_text()
        ):
            missing.append(f"{path}::{name}")
    assert not missing, "docs/security.md names tests that do not exist:\n" + "\n".join(missing)
