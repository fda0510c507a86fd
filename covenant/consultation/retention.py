"""Consultation records on the records schedule (cms/retention.py, docs/records.md): responses, whose names go
and whose answers stay as the record of the consultation, and saved drafts; and the subject-access export's
section for responses, which stays empty because nothing links a response to a person."""

from __future__ import annotations

import datetime

from django.db.models import Q

from cms.retention import (
    ANONYMISE,
    RecordKind,
    SubjectSection,
    held_by,
    register_kind,
    register_section,
    years,
)

from .models import ConsultationResponse
from .services.drafts import drafts_of_ended

CONSULTATION = "consultation.consultationpage"
IDENTITY_FIELDS = (
    "respondent_name",
    "organisation_name",
    "redacted_respondent_name",
    "redacted_organisation_name",
)


def _named(rows):
    named = Q(pk__in=[])
    for field in IDENTITY_FIELDS:
        named |= ~Q(**{field: ""})
    return rows.filter(named)


def responses_expired(cutoff: datetime.datetime):
    """Responses to consultations that closed before the cut-off that still carry a name."""
    return _named(ConsultationResponse.objects.filter(consultation__closes_at__lte=cutoff))


def responses_anonymise(ids: list[int], now: datetime.datetime) -> int:
    return ConsultationResponse.objects.filter(pk__in=ids).update(**dict.fromkeys(IDENTITY_FIELDS, ""))


register_kind(
    RecordKind(
        key="consultation.responses",
        label="Consultation responses",
        default_days=years(2),
        minimum_days=0,
        basis="Public task (UK GDPR Article 6(1)(e)): the answers stay, as moderated and published, as the record "
        "of the consultation; the respondent's name and organisation are kept two years after it closes to "
        "answer questions about the outcome.",
        counts_from="the consultation's closing date",
        expired=responses_expired,
        method=ANONYMISE,
        purge=responses_anonymise,
        held=held_by({CONSULTATION: "consultation_id"}),
        holdable=((CONSULTATION, "Consultation (page number)"),),
    )
)
register_kind(
    RecordKind(
        key="consultation.drafts",
        label="Saved consultation drafts",
        default_days=0,
        basis="A draft exists only so that its respondent can finish; once the consultation closes it has no use.",
        counts_from="the consultation's closing (or its outcome, if earlier)",
        expired=drafts_of_ended,
    )
)


def _no_linked_responses(subject):
    """Nothing ties a response to an account or an e-mail address, so there is never a row to give: the file is
    in the export, with its columns, to say so (the note explains)."""
    return ()


register_section(
    SubjectSection(
        key="consultation_responses",
        label="Consultation responses",
        columns=("Reference", "Consultation", "Sent", "Name given", "Organisation given"),
        rows=_no_linked_responses,
        note="Responses are linked to no account and no e-mail address (a respondent gives a name only if they "
        "choose), so none can be found for a person. A respondent can ask about a response with its receipt "
        "number.",
    )
)
