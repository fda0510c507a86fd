"""Making a report: named, in confidence or anonymously."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cms.audit import audit, audit_anonymous, hour_of

from ..models import (
    COLLEAGUE_SOURCES,
    CaseTransition,
    IncidentReport,
    Injury,
    ReportingMode,
    RiddorAssessment,
    Status,
    acknowledge_deadline,
)
from ..selectors.follow_up import receipt_hash, receipt_index
from ..selectors.reporters import reporter_organisations
from ..tasks import notify_handlers_of_new_report
from .exclusions import Exclusions, exclude_named_and_line_management

RECEIPT_DIGITS = 16

REPORT_FIELDS = (
    "relationship",
    "occurred_at",
    "occurred_approximate",
    "organisation",
    "site",
    "setting",
    "lone_working",
    "staff_group",
    "category",
    "sub_types",
    "protected_characteristic",
    "source",
    "medical_factors",
    "narrative",
    "injury",
    "treatment",
    "days_off",
    "police_contacted",
    "crime_reference",
    "cctv_available",
    "wants_police_action",
    "wants_support",
    "wants_feedback",
    "may_tell_line_manager",
)


def receipt_format(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def report_submit(
    *, reporter, mode: str, data: dict, subject_emails: tuple[str, ...] = (), request=None
) -> tuple[IncidentReport, str | None]:
    """Store a report. Returns the report and, for anonymous reports, the follow-up code (shown once, never
    stored). Named and confidential reports need a signed-in reporter who belongs to the organisation."""
    if mode not in ReportingMode.values:
        raise ValidationError("Choose how you want to report")
    anonymous = mode == ReportingMode.ANONYMOUS
    signed_in = getattr(reporter, "is_authenticated", False)
    organisation = data["organisation"]
    if not anonymous:
        if not signed_in:
            raise PermissionDenied("Sign in to report under your name or in confidence")
        if not reporter_organisations(user=reporter).filter(pk=organisation.pk).exists():
            raise ValidationError({"organisation": "Choose an organisation you work for"})
    now = timezone.now()
    if data["occurred_at"] > now + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "The date and time must be in the past"})
    # An anonymous report's rows keep only the hour it was made: its minute and second would match the
    # reporter's own sign-in and page views elsewhere in the database (cms/audit.py, docs/incidents.md).
    stored_at = hour_of(now) if anonymous else now
    fields = {name: data[name] for name in REPORT_FIELDS if name in data}
    report = IncidentReport(
        mode=mode,
        reporter=None if anonymous else reporter,
        reported_at=stored_at,
        acknowledge_by=acknowledge_deadline(stored_at),
        **fields,
    )
    code = None
    if anonymous:
        code = "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))
        report.receipt_hash = receipt_hash(code)
        report.receipt_index = receipt_index(code)
        # An anonymous reporter's wish to tell the line manager cannot be acted on; feedback comes via the code.
        report.may_tell_line_manager = False
    report.full_clean(exclude=["reporter"])
    report.save()
    CaseTransition.objects.create(
        report=report,
        action="submit",
        from_status="",
        to_status=Status.SUBMITTED,
        actor=None,
        actor_label="reporter",
        at=stored_at,
    )
    excluded = Exclusions()
    if report.source in COLLEAGUE_SOURCES and subject_emails:
        # The reporter is never shut out of their own report, even if they manage the person they name.
        excluded = exclude_named_and_line_management(
            report=report, emails=subject_emails, keep_user_ids={report.reporter_id} - {None}, at=stored_at
        )
    if report.injury != Injury.NONE and (report.days_off or 0) > 3:
        riddor = RiddorAssessment.objects.create(report=report, state=RiddorAssessment.State.CANDIDATE)
        if anonymous:  # updated_at is auto_now on save; update() writes it as given
            RiddorAssessment.objects.filter(pk=riddor.pk).update(updated_at=stored_at)
    record = {
        "action": "incident.submitted",
        "obj": report,
        "summary": f"{report.reference} reported ({report.get_mode_display().lower()})",
        # Counts only: who was excluded is for the case's handlers, on the case page.
        "detail": {
            "organisation": report.organisation_id,
            "mode": mode,
            "excluded_named": len(excluded.named),
            "excluded_line_management": len(excluded.line_management),
        },
    }
    if anonymous:
        audit_anonymous(actor_label="anonymous reporter", **record)
    else:
        audit(actor=reporter, request=request, **record)
    # E-mail goes out as a background task after the report is safely stored; it never blocks the request.
    transaction.on_commit(lambda: notify_handlers_of_new_report.enqueue(report.pk))
    return report, code
