"""Writes for the consultation: questions, submission, moderation, redaction, themes and campaigns."""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.audit import audit

from . import detection, suggestions, textanalysis
from .models import (
    Answer,
    CampaignGroup,
    CampaignKind,
    CampaignReview,
    Channel,
    ConsultationPage,
    ConsultationResponse,
    Lifecycle,
    ModerationState,
    Origin,
    PublishConsent,
    Question,
    QuestionDefinition,
    QuestionKind,
    RedactedField,
    Redaction,
    RedactionDecision,
    RedactionReason,
    RespondentType,
    Theme,
    ThemeTag,
    encode_selected,
)
from .safeguarding import referral_raise, safeguarding_blockers

MODERATE_PERMISSION = "consultation.moderate_response"
ANALYSE_PERMISSION = "consultation.analyse_response"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def _code(length: int) -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))


def _require(user, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionDenied


# --- questions -----------------------------------------------------------------------------------------------


@transaction.atomic
def questions_sync(*, page: ConsultationPage, actor=None) -> list[Question]:
    """Publish the page's question definitions into stable `Question` records, matched by UUID.

    A question that has gone from the page is retired if anyone answered it, deleted otherwise."""
    definitions = list(QuestionDefinition.objects.filter(page=page).order_by("sort_order", "pk"))
    existing = {
        question.uuid: question for question in Question.objects.select_for_update().filter(consultation=page)
    }
    now = timezone.now()
    kept = []
    for position, definition in enumerate(definitions):
        question = existing.pop(definition.uuid, None) or Question(consultation=page, uuid=definition.uuid)
        question.sort_order = position
        question.section = definition.section
        question.text = definition.text
        question.help_text = definition.help_text
        if not question.pk or not question.answers.exists():
            question.kind = definition.kind
        question.options_text = definition.options
        question.max_length = definition.max_length
        question.why_prompt = definition.why_prompt
        question.required = definition.required
        question.retired_at = None
        question.save()
        kept.append(question)
    retired, deleted = [], []
    for question in existing.values():
        if question.answers.exists() or question.themes.exists():
            if question.retired_at is None:
                question.retired_at = now
                question.save(update_fields=["retired_at"])
                retired.append(str(question.uuid))
        else:
            deleted.append(str(question.uuid))
            question.delete()
    audit(
        action="consultation.questions_published",
        actor=actor,
        obj=page,
        summary=f"Questions published for {page.title}",
        detail={"questions": len(kept), "retired": retired, "deleted": deleted},
    )
    return kept


# --- submission ----------------------------------------------------------------------------------------------


def clean_answer(question: Question, raw: dict[str, Any] | None) -> tuple[list[str], str]:
    """Validate one answer against its question. Returns (selected options, text); raises ValidationError."""
    raw = raw or {}
    selected = raw.get("selected") or []
    if isinstance(selected, str):
        selected = [selected]
    selected = [str(value) for value in selected if str(value)]
    text = str(raw.get("text") or "").strip()
    options = question.options
    if question.kind == QuestionKind.FREE_TEXT:
        selected = []
        if question.required and not text:
            raise ValidationError(f"Answer question {question.number}: {question.text}")
    else:
        invalid = [value for value in selected if value not in options]
        if invalid:
            raise ValidationError(f"Question {question.number} has an option that is not on the form")
        if question.kind != QuestionKind.MULTIPLE_CHOICE and len(selected) > 1:
            raise ValidationError(f"Choose only one option for question {question.number}")
        if question.required and not selected:
            raise ValidationError(f"Answer question {question.number}: {question.text}")
        if text and not question.why_prompt:
            text = ""
    if len(text) > question.max_length:
        raise ValidationError(
            f"Your answer to question {question.number} must be {question.max_length:,} characters or fewer"
        )
    return selected, text


def clean_about(about: dict[str, Any]) -> dict[str, str]:
    respondent_type = about.get("respondent_type")
    if respondent_type not in RespondentType.values:
        raise ValidationError("Select who you are responding as")
    consent = about.get("publish_consent")
    if consent not in PublishConsent.values:
        raise ValidationError("Select whether we may publish your response")
    organisation_name = str(about.get("organisation_name") or "").strip()[:200]
    if respondent_type == RespondentType.ORGANISATION and not organisation_name:
        raise ValidationError("Enter the name of your organisation")
    from workforce.models import Region

    region = about.get("region") or ""
    if region and region not in Region.values:
        raise ValidationError("Select a region from the list")
    name = str(about.get("respondent_name") or "").strip()[:120]
    if consent == PublishConsent.NAMED and respondent_type != RespondentType.ORGANISATION and not name:
        raise ValidationError("Enter your name, or choose to publish your response anonymously")
    return {
        "respondent_type": respondent_type,
        "organisation_name": organisation_name,
        "region": region,
        "publish_consent": consent,
        "respondent_name": name if consent == PublishConsent.NAMED else "",
    }


def _response_text(texts: list[str]) -> str:
    return "\n".join(text for text in texts if text)


@transaction.atomic
def response_submit(
    *,
    consultation: ConsultationPage,
    about: dict[str, Any],
    answers: dict[str, dict[str, Any]],
    idempotency_key: uuid.UUID | str,
    channel: str = Channel.ONLINE,
    entered_by=None,
    submitted_at: datetime.datetime | None = None,
    request=None,
) -> tuple[ConsultationResponse, bool]:
    """Record one response. Returns (response, created); the same idempotency key never makes a second one.

    Online responses are the respondent's own, sent while the consultation is open. Any other channel is a
    transcription by a moderator (`entered_by`); `response_enter_offline` checks its date received first.

    Raises ValidationError (closed consultation, unknown question, invalid answer) before writing anything."""
    try:
        key = uuid.UUID(str(idempotency_key))
    except ValueError as exc:
        raise ValidationError("This form has expired. Start your response again") from exc
    existing = ConsultationResponse.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.consultation_id != consultation.pk:
            raise ValidationError("This form has expired. Start your response again")
        return existing, False
    if channel == Channel.ONLINE and not consultation.is_open:
        raise ValidationError("This consultation is not open for responses", code="closed")
    if channel != Channel.ONLINE:
        _require(entered_by, MODERATE_PERMISSION)
    cleaned_about = clean_about(about)
    questions = {str(question.uuid): question for question in consultation.active_questions()}
    for number, question in enumerate(questions.values(), start=1):
        question._number = number
    unknown = set(answers) - set(questions)
    if unknown:
        raise ValidationError("The response refers to a question that is not part of this consultation")
    cleaned = {key_: clean_answer(question, answers.get(key_)) for key_, question in questions.items()}
    texts = [text for _, text in cleaned.values()]
    flags_pd = any(detection.find_personal_data(text) for text in texts)
    flags_sg = any(detection.find_safeguarding(text) for text in texts)
    response = ConsultationResponse(
        consultation=consultation,
        reference=f"CNS-{_code(4)}-{_code(4)}",
        public_id=f"R{_code(7)}",
        idempotency_key=key,
        channel=channel,
        personal_data_flagged=flags_pd,
        safeguarding_flagged=flags_sg,
        fingerprint=textanalysis.fingerprint(_response_text(texts)),
        redacted_respondent_name=cleaned_about["respondent_name"],
        redacted_organisation_name=cleaned_about["organisation_name"],
        **cleaned_about,
    )
    if submitted_at is not None:
        response.submitted_at = submitted_at
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        # A concurrent request with the same key won the race: return its response.
        existing = ConsultationResponse.objects.filter(idempotency_key=key, consultation=consultation).first()
        if existing is None:
            raise
        return existing, False
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question=questions[key_],
                selected=encode_selected(selected),
                text=text,
                redacted_text=text,
            )
            for key_, (selected, text) in cleaned.items()
            if selected or text
        ]
    )
    if flags_sg:
        referral_raise(response=response, origin="detected", request=request)
    if channel != Channel.ONLINE:
        audit(
            action="consultation.response_entered",
            actor=entered_by,
            request=request,
            obj=response,
            summary=f"Response {response.reference} entered from {response.get_channel_display()}",
            detail={
                "channel": channel,
                "received": timezone.localdate(response.submitted_at).isoformat(),
                "answers": sum(1 for selected, text in cleaned.values() if selected or text),
            },
        )
    return response, True


OFFLINE_CHANNELS = tuple(value for value in Channel.values if value != Channel.ONLINE)


def _received_at(consultation: ConsultationPage, received_on: datetime.date) -> datetime.datetime:
    """When a transcribed response counts as submitted: the start of the day it arrived, kept within the
    consultation's opening hours so that lists and date filters treat it like an online one."""
    start_of_day = timezone.make_aware(datetime.datetime.combine(received_on, datetime.time.min))
    latest = min(consultation.closes_at, timezone.now())
    return max(consultation.opens_at, min(start_of_day, latest))


def received_on_errors(*, consultation: ConsultationPage, received_on: datetime.date) -> str:
    """Why this date cannot be the date a response was received, or "" when it can."""
    opens_on = timezone.localdate(consultation.opens_at)
    closes_on = timezone.localdate(consultation.closes_at)
    if received_on > timezone.localdate():
        return "The date received must be today or in the past"
    if received_on < opens_on:
        return f"The date received must be on or after the consultation opened ({opens_on:%-d %B %Y})"
    if received_on > closes_on:
        return (
            f"The date received must be on or before the consultation closed ({closes_on:%-d %B %Y}). "
            "Responses received after the closing date are not counted"
        )
    return ""


@transaction.atomic
def response_enter_offline(
    *,
    consultation: ConsultationPage,
    channel: str,
    received_on: datetime.date,
    about: dict[str, Any],
    answers: dict[str, dict[str, Any]],
    idempotency_key: uuid.UUID | str,
    entered_by,
    request=None,
) -> tuple[ConsultationResponse, bool]:
    """A moderator transcribes a response received by e-mail or post. It is validated by the same rules as the
    online form, gets a reference like an online one and joins the moderation queue. It may be entered after
    the consultation closed, as long as it was received by the closing date; not once the outcome is out.

    Raises ValidationError with a dict keyed by field for the channel and the date."""
    _require(entered_by, MODERATE_PERMISSION)
    if channel not in OFFLINE_CHANNELS:
        raise ValidationError({"channel": "Select how the response was received"})
    problem = received_on_errors(consultation=consultation, received_on=received_on)
    if problem:
        raise ValidationError({"received_on": problem})
    if consultation.status == Lifecycle.CONCLUDED:
        raise ValidationError(
            "The outcome of this consultation has been published, so no more responses can be added",
            code="concluded",
        )
    return response_submit(
        consultation=consultation,
        about=about,
        answers=answers,
        idempotency_key=idempotency_key,
        channel=channel,
        entered_by=entered_by,
        submitted_at=_received_at(consultation, received_on),
        request=request,
    )


# --- moderation ----------------------------------------------------------------------------------------------


@transaction.atomic
def response_moderate(
    *, response: ConsultationResponse, moderator, decision: str, note: str = "", request=None
) -> ConsultationResponse:
    """Record a moderation decision. Approval is refused, with every reason, while `publication_blockers`
    finds anything (consent refused, a personal-data suggestion not yet redacted or dismissed, ...)."""
    from .selectors import publication_blockers

    _require(moderator, MODERATE_PERMISSION)
    if decision not in (ModerationState.APPROVED, ModerationState.REJECTED, ModerationState.INVALID):
        raise ValidationError("Choose approve, do not publish, or invalid")
    # Lock the row so that a redaction undone, or a safeguarding concern raised, at the same moment cannot slip
    # past the gate.
    locked = _locked(response)
    if decision == ModerationState.APPROVED:
        blockers = publication_blockers(locked) + safeguarding_blockers(locked)
        if blockers:
            raise ValidationError(blockers, code="blocked")
    previous = locked.moderation_state
    response.moderation_state = decision
    response.moderation_note = note[:300]
    response.moderated_by = moderator
    response.moderated_at = timezone.now()
    response.save(update_fields=["moderation_state", "moderation_note", "moderated_by", "moderated_at"])
    audit(
        action=f"consultation.response_{decision}",
        actor=moderator,
        request=request,
        obj=response,
        summary=f"Response {response.reference}: {response.get_moderation_state_display()}",
        detail={"from": previous, "to": decision, "note": note[:300]},
    )
    return response


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
    _require(moderator, MODERATE_PERMISSION)
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
    _require(moderator, MODERATE_PERMISSION)
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
    _require(moderator, MODERATE_PERMISSION)
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
    _require(moderator, MODERATE_PERMISSION)
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


# --- themes --------------------------------------------------------------------------------------------------


@transaction.atomic
def theme_create(
    *,
    consultation: ConsultationPage,
    name: str,
    user,
    description: str = "",
    question: Question | None = None,
    origin: str = Origin.PERSON,
    request=None,
) -> Theme:
    _require(user, ANALYSE_PERMISSION)
    name = name.strip()
    if not name:
        raise ValidationError("Enter a name for the theme")
    if question is not None and question.consultation_id != consultation.pk:
        raise ValidationError("That question is not part of this consultation")
    if Theme.objects.filter(consultation=consultation, name__iexact=name).exists():
        raise ValidationError("There is already a theme with that name")
    theme = Theme.objects.create(
        consultation=consultation,
        name=name[:120],
        description=description[:400],
        question=question,
        origin=origin,
        created_by=user,
    )
    audit(
        action="consultation.theme_created", actor=user, request=request, obj=theme, summary=f"Theme {name}"
    )
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, user, name: str, description: str = "", request=None) -> Theme:
    """Rename a theme or change its description. Its tags stay as they are."""
    _require(user, ANALYSE_PERMISSION)
    name = name.strip()
    description = description.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the theme"})
    if len(name) > 120:
        raise ValidationError({"name": "The theme name must be 120 characters or fewer"})
    if len(description) > 400:
        raise ValidationError({"description": "The description must be 400 characters or fewer"})
    theme = Theme.objects.select_for_update().filter(pk=theme.pk).first()
    if theme is None:  # merged away by another analyst since the page was loaded
        raise ValidationError({"name": "This theme no longer exists: it was merged into another theme"})
    clash = Theme.objects.filter(consultation_id=theme.consultation_id, name__iexact=name).exclude(
        pk=theme.pk
    )
    if clash.exists():
        raise ValidationError({"name": "There is already a theme with that name"})
    before = {"name": theme.name, "description": theme.description}
    theme.name, theme.description = name, description
    try:
        with transaction.atomic():
            theme.save(update_fields=["name", "description"])
    except IntegrityError as exc:  # another analyst took the name a moment ago
        raise ValidationError({"name": "There is already a theme with that name"}) from exc
    audit(
        action="consultation.theme_changed",
        actor=user,
        request=request,
        obj=theme,
        summary=f"Theme {before['name']} changed",
        detail={"from": before, "to": {"name": name, "description": description}},
    )
    return theme


@transaction.atomic
def theme_merge(*, source: Theme, target: Theme, user, request=None) -> Theme:
    """Merge `source` into `target`: its tags move to the target and `source` is deleted.

    Each tag keeps who made it and who confirmed it. Where both themes tagged the same answer (one tag per
    answer and theme is allowed), the target's tag stays, unless only the source's was confirmed by a
    person, in which case that confirmed tag takes its place."""
    _require(user, ANALYSE_PERMISSION)
    if source.pk == target.pk:
        raise ValidationError({"target": "Choose a different theme to merge into"})
    if source.consultation_id != target.consultation_id:
        raise ValidationError({"target": "That theme belongs to another consultation"})
    # Lock both in a fixed order so two merges of the same pair cannot deadlock.
    locked = {
        theme.pk: theme
        for theme in Theme.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError({"target": "That theme no longer exists"})
    source, target = locked[source.pk], locked[target.pk]
    source_tags = list(ThemeTag.objects.select_for_update().filter(theme=source).select_related("answer"))
    if target.question_id is not None:
        elsewhere = [tag for tag in source_tags if tag.answer.question_id != target.question_id]
        if elsewhere:
            raise ValidationError(
                {
                    "target": f"“{source.name}” tags answers to other questions than the one “{target.name}” is "
                    "for. Merge it into a theme across all questions instead"
                }
            )
    target_tags = {
        tag.answer_id: tag
        for tag in ThemeTag.objects.select_for_update().filter(
            theme=target, answer_id__in=[tag.answer_id for tag in source_tags]
        )
    }
    moved, replaced, dropped = [], [], []
    for tag in source_tags:
        existing = target_tags.get(tag.answer_id)
        if existing is None:
            moved.append(tag)
        elif tag.is_confirmed and not existing.is_confirmed:
            replaced.append(existing)
            moved.append(tag)
        else:
            dropped.append(tag)
    ThemeTag.objects.filter(pk__in=[tag.pk for tag in replaced]).delete()
    ThemeTag.objects.filter(pk__in=[tag.pk for tag in moved]).update(theme=target)
    detail = {
        "source": {"id": source.pk, "name": source.name, "description": source.description},
        "target": {"id": target.pk, "name": target.name},
        "tags_moved": len(moved),
        "duplicates_dropped": len(dropped),
        "unconfirmed_replaced": len(replaced),
    }
    source.delete()  # the duplicate tags left on it go with it
    audit(
        action="consultation.theme_merged",
        actor=user,
        request=request,
        obj=target,
        summary=f"Theme {detail['source']['name']} merged into {target.name}",
        detail=detail,
    )
    return target


def _check_taggable(answer: Answer, theme: Theme) -> None:
    if answer.response.consultation_id != theme.consultation_id:
        raise ValidationError("That theme belongs to another consultation")
    if not answer.text:
        raise ValidationError("Only free text answers can be tagged")
    if answer.response.moderation_state == ModerationState.PENDING:
        raise ValidationError("Responses are tagged after moderation")


@transaction.atomic
def answer_tag(*, answer: Answer, theme: Theme, user, request=None) -> ThemeTag:
    """A person tags an answer: they made it and, by doing so, confirmed it."""
    _require(user, ANALYSE_PERMISSION)
    _check_taggable(answer, theme)
    now = timezone.now()
    tag, created = ThemeTag.objects.get_or_create(
        answer=answer,
        theme=theme,
        defaults={"origin": Origin.PERSON, "created_by": user, "confirmed_by": user, "confirmed_at": now},
    )
    if not created and not tag.is_confirmed:
        tag.confirmed_by, tag.confirmed_at = user, now
        tag.save(update_fields=["confirmed_by", "confirmed_at"])
    audit(
        action="consultation.answer_tagged",
        actor=user,
        request=request,
        obj=tag,
        summary=f"Answer tagged {theme.name}",
        detail={"answer": answer.pk, "theme": theme.pk, "created": created},
    )
    return tag


@transaction.atomic
def tag_confirm(*, tag: ThemeTag, user, request=None) -> ThemeTag:
    _require(user, ANALYSE_PERMISSION)
    if not tag.is_confirmed:
        tag.confirmed_by, tag.confirmed_at = user, timezone.now()
        tag.save(update_fields=["confirmed_by", "confirmed_at"])
        audit(
            action="consultation.tag_confirmed", actor=user, request=request, obj=tag, summary="Tag confirmed"
        )
    return tag


@transaction.atomic
def tag_remove(*, tag: ThemeTag, user, request=None) -> None:
    _require(user, ANALYSE_PERMISSION)
    detail = {"answer": tag.answer_id, "theme": tag.theme_id, "origin": tag.origin}
    tag.delete()
    audit(
        action="consultation.tag_removed",
        actor=user,
        request=request,
        object_type="consultation.themetag",
        summary="Tag removed",
        detail=detail,
    )


@transaction.atomic
def theme_from_suggestion(
    *,
    consultation: ConsultationPage,
    question: Question,
    answer_ids: list[int],
    name: str,
    user,
    request=None,
) -> Theme:
    """Accept a suggested cluster: a theme made by the system, its tags waiting for a person to confirm them."""
    theme = theme_create(
        consultation=consultation,
        name=name,
        user=user,
        question=question,
        origin=Origin.SYSTEM,
        request=request,
    )
    answers = (
        Answer.objects.filter(pk__in=answer_ids, question=question, response__consultation=consultation)
        .exclude(text="")
        .exclude(response__moderation_state=ModerationState.PENDING)
    )
    ThemeTag.objects.bulk_create(
        [ThemeTag(answer=answer, theme=theme, origin=Origin.SYSTEM) for answer in answers],
        ignore_conflicts=True,
    )
    return theme


# --- campaigns -----------------------------------------------------------------------------------------------


def campaign_min_size() -> int:
    from django.conf import settings

    return max(2, int(getattr(settings, "CONSULTATION_CAMPAIGN_MIN_SIZE", 5)))


@transaction.atomic
def campaigns_detect(
    *, consultation: ConsultationPage, user=None, threshold: float = 0.7
) -> list[CampaignGroup]:
    """Group near-identical responses (template text) and propose them to analysts, replacing the previous
    detection. Groups of at least `CONSULTATION_CAMPAIGN_MIN_SIZE` are proposed as campaigns, smaller ones as
    near-duplicates. A group with exactly the same members as before keeps its analyst's review; any other
    waits for one. Short answers are ignored; only responses that are counted take part. No text is stored."""
    if user is not None:
        _require(user, ANALYSE_PERMISSION)
    responses = ConsultationResponse.objects.filter(consultation=consultation).exclude(
        moderation_state=ModerationState.INVALID
    )
    texts: dict[int, list[str]] = {}
    for response_id, text in (
        Answer.objects.filter(response__in=responses)
        .exclude(text="")
        .values_list("response_id", "text")
        .iterator()
    ):
        texts.setdefault(response_id, []).append(text)
    joined = {key: _response_text(value) for key, value in texts.items()}
    groups = textanalysis.near_duplicate_groups(joined, threshold=threshold)
    previous_members: dict[int, set[int]] = {}
    for response_id, group_id in ConsultationResponse.objects.filter(
        consultation=consultation, campaign__isnull=False
    ).values_list("pk", "campaign_id"):
        previous_members.setdefault(group_id, set()).add(response_id)
    reviews = {
        frozenset(previous_members.get(group.pk, ())): group
        for group in CampaignGroup.objects.filter(consultation=consultation).exclude(
            review=CampaignReview.PROPOSED
        )
    }
    ConsultationResponse.objects.filter(consultation=consultation, campaign__isnull=False).update(
        campaign=None
    )
    CampaignGroup.objects.filter(consultation=consultation).delete()
    min_size = campaign_min_size()
    created = []
    numbers = {CampaignKind.CAMPAIGN: 0, CampaignKind.DUPLICATE: 0}
    for members in groups:
        kind = CampaignKind.CAMPAIGN if len(members) >= min_size else CampaignKind.DUPLICATE
        numbers[kind] += 1
        counts: dict[str, int] = {}
        for pk in members:
            print_ = textanalysis.fingerprint(joined[pk])
            counts[print_] = counts.get(print_, 0) + 1
        kept = reviews.get(frozenset(members))
        group = CampaignGroup.objects.create(
            consultation=consultation,
            label=f"{'Campaign' if kind == CampaignKind.CAMPAIGN else 'Duplicates'} {numbers[kind]}",
            kind=kind,
            review=kept.review if kept else CampaignReview.PROPOSED,
            reviewed_by=kept.reviewed_by if kept else None,
            reviewed_at=kept.reviewed_at if kept else None,
            size=len(members),
            exact_duplicates=max(counts.values()) if counts else 0,
        )
        ConsultationResponse.objects.filter(pk__in=members).update(campaign=group)
        created.append(group)
    audit(
        action="consultation.campaigns_detected",
        actor=user,
        obj=consultation,
        summary=f"{len(created)} groups proposed",
        detail={"groups": [[g.kind, g.size] for g in created], "min_size": min_size},
        actor_label="" if user else "system",
    )
    return created


@transaction.atomic
def campaign_review(*, group: CampaignGroup, user, decision: str, request=None) -> CampaignGroup:
    """An analyst confirms a proposed group (it then appears in the outcome) or says it is not one."""
    _require(user, ANALYSE_PERMISSION)
    if decision not in (CampaignReview.CONFIRMED, CampaignReview.REJECTED):
        raise ValidationError("Choose confirm or not a campaign")
    group = CampaignGroup.objects.select_for_update().get(pk=group.pk)
    previous = group.review
    group.review, group.reviewed_by, group.reviewed_at = decision, user, timezone.now()
    group.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    audit(
        action=f"consultation.campaign_{decision}",
        actor=user,
        request=request,
        obj=group,
        summary=f"{group.label} ({group.size} responses): {group.get_review_display()}",
        detail={"from": previous, "to": decision, "kind": group.kind, "size": group.size},
    )
    return group
