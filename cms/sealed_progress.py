"""The progress of a multi-step journey (cms/multistep.py) as it travels in the page: the answers so far, keyed by
step, with the submission key, the start time, the step shown, the app's own small state and the marks of the
steps whose forms accepted their answers; sealed (JSON, compressed, then encrypted and authenticated with the app's
keyring), bound to its journey, expiring and size-bounded. A payload that cannot be used is a `ProgressError`."""

from __future__ import annotations

import json
import time
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any

from django import forms

from cms.encryption import Keyring


class ProgressError(Exception):
    """A payload that cannot be used. `reason` is one of REASONS; the message is for the person."""

    REASONS = {
        "missing": "We could not find your answers. Start again.",
        "unreadable": "We could not read your answers. This can happen if the page was changed. Start again.",
        "expired": "Your answers have expired because the form was left for too long. Start again.",
        "too_large": "Your answers are too long for us to keep. Shorten your longer answers and try again.",
    }

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(self.REASONS[reason])


class Answers:
    """Read-only view of the raw answers for `Step.when` conditions: `answers.value("where", "setting")`."""

    def __init__(self, stored: dict[str, dict[str, list[str]]]):
        self._stored = stored

    def value(self, step: str, name: str, default: str = "") -> str:
        # The last value sent, as a form's single-value field reads it (QueryDict.get).
        values = self._stored.get(step, {}).get(name) or []
        return values[-1] if values else default

    def values(self, step: str, name: str) -> list[str]:
        return list(self._stored.get(step, {}).get(name) or [])

    def has(self, step: str) -> bool:
        return step in self._stored


@dataclass
class Progress:
    """The state of one journey in one browser."""

    journey: str
    token: str  # the submission key: sending twice stores one record
    started: float
    answers: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    at: str = ""  # the step shown, or CHECK
    checking: bool = False  # came from "Check your answers" through a change button
    extra: dict[str, Any] = field(default_factory=dict)  # the app's own small state
    checked: dict[str, str] = field(default_factory=dict)  # step: the journey's `stamp` its answers passed at

    @classmethod
    def new(cls, journey: str) -> Progress:
        return cls(journey=journey, token=uuid.uuid4().hex, started=time.time())

    def to_json(self) -> str:
        return json.dumps(
            {
                "j": self.journey,
                "k": self.token,
                "s": self.started,
                "a": self.answers,
                "at": self.at,
                "c": self.checking,
                "x": self.extra,
                "v": self.checked,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Progress:
        data = json.loads(text)
        answers = data["a"]
        if not isinstance(answers, dict) or not all(
            isinstance(values, list) and all(isinstance(value, str) for value in values)
            for step in answers.values()
            for values in step.values()
        ):
            raise ValueError("answers are not lists of strings")
        checked = data.get("v") or {}
        if not isinstance(checked, dict) or not all(isinstance(value, str) for value in checked.values()):
            raise ValueError("checked steps are not stamps")
        return cls(
            journey=str(data["j"]),
            token=str(data["k"]),
            started=float(data["s"]),
            answers=answers,
            at=str(data["at"]),
            checking=bool(data["c"]),
            extra=dict(data["x"]),
            checked=checked,
        )


def seal(progress: Progress, *, keyring: Keyring, max_bytes: int) -> str:
    """The payload for the hidden field. Raises ProgressError("too_large") beyond `max_bytes`."""
    sealed = keyring.seal_bytes(zlib.compress(progress.to_json().encode(), 6))
    if len(sealed) > max_bytes:
        raise ProgressError("too_large")
    return sealed


def unseal(payload: str, *, journey: str, keyring: Keyring, max_age: int, max_bytes: int) -> Progress:
    """The progress in a payload from the browser, or ProgressError saying why it cannot be used."""
    if not payload:
        raise ProgressError("missing")
    if len(payload) > max_bytes:
        raise ProgressError("too_large")
    opened = keyring.unseal_bytes(payload, max_age=max_age)
    if opened is None:
        # Distinguish "too old" (a person who left the form open) from anything else, with the keys alone.
        raise ProgressError("expired" if keyring.unseal_bytes(payload) is not None else "unreadable")
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(opened, 8 * max_bytes)
        if inflater.unconsumed_tail:
            raise ProgressError("too_large")
        progress = Progress.from_json(text.decode())
    except (zlib.error, ValueError, KeyError, TypeError, UnicodeError) as exc:
        raise ProgressError("unreadable") from exc
    if progress.journey != journey:
        raise ProgressError("unreadable")
    return progress


def raw_answers(form: forms.Form, data) -> dict[str, list[str]]:
    """The values `data` (a QueryDict) holds for `form`'s fields, widgets of several inputs (a date's day, month
    and year) included, as lists of strings."""
    kept: dict[str, list[str]] = {}
    names = [form[name].html_name for name in form.fields]
    for key in data:
        if any(key == name or key.startswith(name + "_") for name in names):
            kept[key] = [str(value) for value in data.getlist(key)]
    return kept
