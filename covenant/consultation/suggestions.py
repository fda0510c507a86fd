"""The moderator's view of a response's original text: where personal data is suggested and whether each
suggestion has been resolved (redacted, or dismissed with a reason). Moderators alone read the original text;
this module and `services` are the only places outside `publication` that do.

A response is published with the free text of its answers and, when the respondent chose to be named, their
name or their organisation's name. Each of those is a *target*; the publication gate asks every target for
its unresolved suggestions."""

from __future__ import annotations

from dataclasses import dataclass

from . import detection
from .models.redactions import Redaction
from .models.responses import Answer, ConsultationResponse
from .vocabulary import RedactedField, RedactionDecision


@dataclass(frozen=True)
class Target:
    """One published piece of free text of a response: an answer's text or an "about you" field."""

    field: str
    answer: Answer | None
    text: str

    @property
    def key(self) -> str:
        return f"a{self.answer.pk}" if self.answer is not None else self.field

    @property
    def where(self) -> str:
        if self.answer is not None:
            return f"Question {self.answer.question.sort_order + 1}"
        return RedactedField(self.field).label

    def matches(self, entry: Redaction) -> bool:
        if self.answer is not None:
            return entry.answer_id == self.answer.pk
        return entry.answer_id is None and entry.field == self.field


@dataclass(frozen=True)
class Suggestion:
    target: Target
    flag: detection.Flag

    @property
    def value(self) -> str:
        """How a form names this suggestion: its span and kind within its target."""
        return f"{self.flag.start}:{self.flag.end}:{self.flag.kind}"

    @property
    def label(self) -> str:
        return f"{self.flag.label}: {self.flag.text}"

    @property
    def reason(self) -> str:
        """A human-readable blocker that names the kind and the place, never the words found."""
        return f"{self.target.where}: a suggested {self.flag.label.lower()} is not yet redacted or dismissed"


def field_text(response: ConsultationResponse, field: str) -> str:
    if field in (RedactedField.RESPONDENT_NAME, RedactedField.ORGANISATION_NAME):
        return getattr(response, field)
    return ""


def targets(response: ConsultationResponse, answers=None) -> list[Target]:
    """The published free text of a response: its named field (if any), then each answer with text."""
    found = [
        Target(field, None, field_text(response, field))
        for field in response.published_fields()
        if field_text(response, field)
    ]
    if answers is None:
        answers = response.answers.select_related("question").exclude(text="")
    found += [Target(RedactedField.ANSWER, answer, answer.text) for answer in answers if answer.text]
    return found


def _covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether every character of [start, end) lies inside one of `spans`."""
    cursor = start
    for span_start, span_end in sorted(spans):
        if span_start <= cursor < span_end:
            cursor = span_end
            if cursor >= end:
                return True
    return cursor >= end


def target_suggestions(target: Target, log: list[Redaction]) -> list[Suggestion]:
    """Unresolved suggestions in one target: flags not wholly redacted and not dismissed."""
    entries = [entry for entry in log if target.matches(entry)]
    redacted = [(e.start, e.end) for e in entries if e.decision == RedactionDecision.REDACTED]
    dismissed = {(e.start, e.end, e.reason) for e in entries if e.decision == RedactionDecision.DISMISSED}
    return [
        Suggestion(target, flag)
        for flag in detection.find_personal_data(target.text)
        if (flag.start, flag.end, flag.kind) not in dismissed
        and not _covered(flag.start, flag.end, redacted)
        # The name field holds a name by design: the respondent asked to be published under it.
        and not (target.field == RedactedField.RESPONDENT_NAME and flag.kind == "name")
    ]


def unresolved_suggestions(response: ConsultationResponse) -> list[Suggestion]:
    """Every personal-data suggestion in the published fields of a response that nobody has resolved."""
    log = list(response.redactions.all())
    found: list[Suggestion] = []
    for target in targets(response):
        found += target_suggestions(target, log)
    return found


def find_target(response: ConsultationResponse, *, field: str, answer: Answer | None) -> Target | None:
    """The target a form names, or None when it is not published free text of this response."""
    for target in targets(response):
        if answer is not None and target.answer is not None and target.answer.pk == answer.pk:
            return target
        if answer is None and target.answer is None and target.field == field:
            return target
    return None
