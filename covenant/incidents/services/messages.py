"""Messages on a case: the reporter's replies (signed in or by follow-up code) and the handlers' messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from cms.audit import audit, audit_anonymous

from ..models import IncidentReport, Message, Status
from .workflow import move_case


@transaction.atomic
def message_post_by_reporter(*, report: IncidentReport, body: str, author=None, request=None) -> Message:
    """A reporter's reply (signed in, or through the follow-up code). It moves a case waiting on them on."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Enter your message"})
    if report.status in (Status.ARCHIVED, Status.MERGED):
        raise ValidationError("This report is closed to new messages")
    message = Message.objects.create(
        report=report, audience=Message.Audience.REPORTER, from_reporter=True, author=author, body=body
    )
    if report.status == Status.AWAITING_INFO:
        move_case(
            report=report, action="reporter_replied", to_status=Status.UNDER_REVIEW, actor=None, note=""
        )
    summary = f"Reporter wrote on {report.reference}"
    if author is None:
        audit_anonymous(
            action="incident.reporter_message", actor_label="anonymous reporter", obj=report, summary=summary
        )
    else:
        audit(action="incident.reporter_message", actor=author, obj=report, summary=summary)
    return message


@transaction.atomic
def message_post_by_handler(
    *, report: IncidentReport, author, audience: str, body: str, request=None
) -> Message:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Enter your message"})
    if audience not in Message.Audience.values:
        raise ValidationError({"audience": "Choose who can read the message"})
    message = Message.objects.create(report=report, audience=audience, author=author, body=body)
    audit(
        action="incident.message",
        request=request,
        actor=author,
        obj=report,
        summary=f"Message ({audience}) on {report.reference}",
        detail={"audience": audience, "message": message.pk},
    )
    return message
