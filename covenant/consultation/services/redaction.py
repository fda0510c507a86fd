"""Redaction: removing personal data from what is published of a response, dismissing suggestions that are not
personal data, and undoing either. The original stays in the redaction log, for moderators only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from cms.access import require_permission
from cms.audit import audit

from .. import suggestions
from ..models.redactions import Redaction
from ..models.responses import Answer, ConsultationResponse
from ..roles import MODERATE_PERMISSION
from ..vocabulary import ModerationState, RedactedField, RedactionDecision, RedactionReason


def apply_redactions(text: str, redactions: list[Redaction]) -> str:
    pieces, cursor = [], 0
    for redaction in sorted(redactions, key=lambda r: r.start):
        if redaction.decision != RedactionDecision.REDACTED:
            continue
        pieces.append(text[cursor : redaction.start])
        pieces.append(redaction.placeholder)
        cursor = redaction.end
    pieces.append(text[cursor:])
    return "".join(pieces)


_PUBLISHED_FIELD = {
    RedactedField.RESPONDENT_NAME: "redacted_respondent_name",
    RedactedField.ORGANISATION_NAME: "redacted_organisation_name",
}


def _rebuild(response: ConsultationResponse, target: suggestions.Target) -> None:
    """Rebuild the published version of a target from its original and the redaction log, so that undoing
    a redaction is exact."""
    log = [entry for entry in response.redactions.all() if target.matches(entry)]
    published = apply_redactions(target.text, log)
    if target.answer is not None:
        Answer.objects.filter(pk=target.answer.pk).update(redacted_text=published)
    else:
        ConsultationResponse.objects.filter(pk=response.pk).update(
            **{_PUBLISHED_FIELD[target.field]: published}
        )


def _target(response: ConsultationResponse, *, field: str, answer: Answer | None) -> suggestions.Target:
    if answer is not None and answer.response_id != response.pk:
        raise ValidationError("That answer is not part of this response")
    target = suggestions.find_target(response, field=field, answer=answer)
    if target is None:
        raise ValidationError("That text is not published with this response, so there is nothing to redact")
    return target


def _uncovered(start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end) not already redacted."""
    pieces, cursor = [], start
    for t_start, t_end in sorted(taken):
        if t_end <= cursor or t_start >= end:
            continue
        if t_start > cursor:
            pieces.append((cursor, t_start))
        cursor = max(cursor, t_end)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def _redact(
    *,
    response: ConsultationResponse,
    target: suggestions.Target,
    moderator,
    spans: list[tuple[int, int, str]],
    note: str = "",
) -> list[Redaction]:
    """Redact (start, end, reason) spans of one target, skipping what is already redacted."""
    taken = [
        (r.start, r.end)
        for r in response.redactions.all()
        if target.matches(r) and r.decision == RedactionDecision.REDACTED
    ]
    created = []
    for start, end, reason in sorted(set(spans)):
        if reason not in RedactionReason.values:
            raise ValidationError("Choose a reason for the redaction")
        if not 0 <= start < end <= len(target.text):
            raise ValidationError("That text is not in the answer")
        for piece_start, piece_end in _uncovered(start, end, taken):
            taken.append((piece_start, piece_end))
            created.append(
                Redaction(
                    response=response,
                    field=target.field,
                    answer=target.answer,
                    start=piece_start,
                    end=piece_end,
                    original=target.text[piece_start:piece_end],
                    reason=reason,
                    note=note[:300],
                    redacted_by=moderator,
                )
            )
    Redaction.objects.bulk_create(created)
    if created:
        _rebuild(response, target)
    return created


def _audit_redactions(*, response, moderator, request, created: list[Redaction], action: str) -> None:
    audit(
        action=action,
        actor=moderator,
        request=request,
        obj=response,
        summary=f"{len(created)} redaction(s) in response {response.reference}",
        # The redacted words are never copied into the audit trail: only where, the span and the reason.
        detail={
            "redactions": [
                {"field": r.field, "answer": r.answer_id, "span": [r.start, r.end], "reason": r.reason}
                for r in created
            ]
        },
    )


def _locked(response: ConsultationResponse) -> ConsultationResponse:
    return ConsultationResponse.objects.select_for_update().get(pk=response.pk)


@transaction.atomic
def response_redact(
    *,
    response: ConsultationResponse,
    moderator,
    field: str = RedactedField.ANSWER,
    answer: Answer | None = None,
    suggested: list[tuple[int, int, str]] = (),
    spans: list[tuple[int, int]] = (),
    reason: str = "",
    note: str = "",
    request=None,
) -> list[Redaction]:
    """Redact text in one published field of a response (an answer's text, the name or the organisation's
    name). `suggested` spans carry their own kind, the kind that was found; typed `spans` need a `reason`.
    The original stays in the redaction log, for moderators only."""
    require_permission(moderator, MODERATE_PERMISSION)
    response = _locked(response)
    target = _target(response, field=field, answer=answer)
    if spans and reason not in RedactionReason.values:
        raise ValidationError("Choose a reason for the redaction")
    wanted = [tuple(span) for span in suggested] + [(start, end, reason) for start, end in spans]
    if not wanted:
        raise ValidationError("Choose the text to redact")
    created = _redact(response=response, target=target, moderator=moderator, spans=wanted, note=note)
    if not created:
        raise ValidationError("That text has already been redacted")
    _audit_redactions(
        response=response,
        moderator=moderator,
        request=request,
        created=created,
        action="consultation.answer_redacted",
    )
    return created


def answer_redact(
    *,
    answer: Answer,
    moderator,
    spans: list[tuple[int, int]],
    reason: str,
    note: str = "",
    request=None,
) -> list[Redaction]:
    """Redact spans of an answer's text under one reason."""
    return response_redact(
        response=answer.response,
        moderator=moderator,
        answer=answer,
        spans=spans,
        reason=reason,
        note=note,
        request=request,
    )


@transaction.atomic
def response_redact_suggestions(
    *, response: ConsultationResponse, moderator, request=None
) -> list[Redaction]:
    """ "Redact all suggestions": every unresolved personal-data suggestion in every published field of the
    response is redacted, each under the kind that was found. One transaction, one audit entry."""
    require_permission(moderator, MODERATE_PERMISSION)
    response = _locked(response)
    by_target: dict[str, tuple[suggestions.Target, list]] = {}
    for suggestion in suggestions.unresolved_suggestions(response):
        flag = suggestion.flag
        entry = by_target.setdefault(suggestion.target.key, (suggestion.target, []))
        entry[1].append((flag.start, flag.end, flag.kind))
    created: list[Redaction] = []
    for target, spans in by_target.values():
        created += _redact(response=response, target=target, moderator=moderator, spans=spans)
    if not created:
        raise ValidationError("There are no suggestions left to redact")
    _audit_redactions(
        response=response,
        moderator=moderator,
        request=request,
        created=created,
        action="consultation.suggestions_redacted",
    )
    return created


@transaction.atomic
def suggestion_dismiss(
    *,
    response: ConsultationResponse,
    moderator,
    start: int,
    end: int,
    kind: str,
    note: str,
    field: str = RedactedField.ANSWER,
    answer: Answer | None = None,
    request=None,
) -> Redaction:
    """A moderator judges a suggestion not to be personal data (a ward number that looks like a phone number)
    and says why. The dismissal goes to the redaction log and resolves the suggestion for the gate; the text
    is published as written."""
    require_permission(moderator, MODERATE_PERMISSION)
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say why this is not personal data"})
    response = _locked(response)
    target = _target(response, field=field, answer=answer)
    log = list(response.redactions.all())
    match = next(
        (
            s
            for s in suggestions.target_suggestions(target, log)
            if (s.flag.start, s.flag.end, s.flag.kind) == (start, end, kind)
        ),
        None,
    )
    if match is None:
        raise ValidationError("That suggestion has already been resolved")
    dismissal = Redaction.objects.create(
        response=response,
        field=target.field,
        answer=target.answer,
        decision=RedactionDecision.DISMISSED,
        start=start,
        end=end,
        original=target.text[start:end],
        reason=kind,
        note=note[:300],
        redacted_by=moderator,
    )
    audit(
        action="consultation.suggestion_dismissed",
        actor=moderator,
        request=request,
        obj=response,
        summary=f"Suggestion dismissed in response {response.reference}",
        detail={"field": target.field, "answer": dismissal.answer_id, "span": [start, end], "kind": kind},
    )
    return dismissal


@transaction.atomic
def redaction_remove(*, redaction: Redaction, moderator, request=None) -> None:
    """Undo a redaction or a dismissal. Refused on an approved response: what is published must stay
    redacted, so the moderator first marks it not for publication (and approves it again through the gate)."""
    require_permission(moderator, MODERATE_PERMISSION)
    response = _locked(redaction.response)
    if response.moderation_state == ModerationState.APPROVED:
        raise ValidationError(
            "This response is approved for publication. Mark it not for publication before you undo a "
            "redaction, then approve it again"
        )
    target = _target(response, field=redaction.field, answer=redaction.answer)
    span = [redaction.start, redaction.end]
    decision = redaction.decision
    redaction.delete()
    _rebuild(response, target)
    audit(
        action="consultation.redaction_removed",
        actor=moderator,
        request=request,
        obj=response,
        summary=f"{RedactionDecision(decision).label} undone in response {response.reference}",
        detail={"field": target.field, "answer": redaction.answer_id, "span": span, "decision": decision},
    )


def spans_for_phrase(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every occurrence of `phrase` in `text` (case-insensitive): redacting without selecting with a mouse."""
    phrase = phrase.strip()
    if not phrase:
        return []
    lower, needle = text.lower(), phrase.lower()
    spans, start = [], lower.find(needle)
    while start != -1:
        spans.append((start, start + len(needle)))
        start = lower.find(needle, start + len(needle))
    return spans
