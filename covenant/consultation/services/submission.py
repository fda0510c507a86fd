"""Submitting a response: online by the respondent, or transcribed by a moderator from e-mail or post."""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.access import require_permission
from cms.audit import audit
from workforce.models import Region

from .. import detection, textanalysis
from ..models.questions import Question
from ..models.responses import Answer, ConsultationResponse, encode_selected
from ..roles import MODERATE_PERMISSION
from ..safeguarding import referral_raise
from ..vocabulary import Channel, Lifecycle, PublishConsent, QuestionKind, RespondentType

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
if len(set(REFERENCE_ALPHABET)) != 32:  # `_code` maps 5 random bits to a character
    raise ImproperlyConfigured("REFERENCE_ALPHABET must hold 32 different characters")


def _code(length: int) -> str:
    """`length` characters drawn uniformly from the 32 of REFERENCE_ALPHABET: a random byte's low 5 bits each (256
    is a multiple of 32, so no character is likelier than another), from one call to the system's generator."""
    return "".join(REFERENCE_ALPHABET[byte & 31] for byte in secrets.token_bytes(length))


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
        require_permission(entered_by, MODERATE_PERMISSION)
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
        fingerprint=textanalysis.fingerprint(textanalysis.response_text(texts)),
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
    require_permission(entered_by, MODERATE_PERMISSION)
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
