"""Making a report: named, in confidence or anonymously; and adding the optional details once it is sent."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.audit import anonymous_audit_row, audit, audit_anonymous, hour_of
from cms.rows import insert_together, queued_task_row, unique_violation

from ..models import (
    COLLEAGUE_SOURCES,
    CaseTransition,
    IncidentReport,
    Injury,
    ReportingMode,
    RiddorAssessment,
    Source,
    Status,
    acknowledge_deadline,
)
from ..nhs_number import nhs_number_index, validate_nhs_number
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


# What the reporter may add once the report is sent ("tell us more"); the core is never changed afterwards.
DETAIL_FIELDS = (
    "source",
    "sub_types",
    "protected_characteristic",
    "staff_group",
    "medical_factors",
    "treatment",
    "days_off",
    "police_contacted",
    "crime_reference",
    "wants_police_action",
    "cctv_available",
    "wants_support",
    "wants_feedback",
    "may_tell_line_manager",
)


def receipt_format(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def submission_key_digest(key: str) -> str:
    """What is stored of a submission key: a keyed HMAC, so the row holds nothing the browser's page holds."""
    if not key:
        return ""
    return hmac.new(
        settings.HASHING_KEY.encode(), b"incident-submission:" + key.encode(), hashlib.sha256
    ).hexdigest()


def report_submit(
    *,
    reporter,
    mode: str,
    data: dict,
    subject_emails: tuple[str, ...] = (),
    request=None,
    submission_key: str = "",
) -> tuple[IncidentReport, str | None]:
    """Store a report. Returns the report and, for anonymous reports, the follow-up code (shown once, never
    stored). Named and confidential reports need a signed-in reporter who belongs to the organisation.

    Sending again with the same `submission_key` stores nothing more: it returns the report already stored, with
    no code and `report.sent_before` set (the key is unique in the table, so two sends at once store one report).
    Everything is written in one transaction (a savepoint inside the caller's); a repeated key rolls it back
    whole, then the report that holds the key is read.
    """
    try:
        with transaction.atomic():
            return _submit(
                reporter=reporter,
                mode=mode,
                data=data,
                subject_emails=subject_emails,
                request=request,
                submission_key=submission_key,
            )
    except IntegrityError as error:
        if not submission_key or not unique_violation(error, IncidentReport, "submission_key"):
            raise
        earlier = IncidentReport.objects.filter(submission_key=submission_key_digest(submission_key)).first()
        if earlier is None:
            raise
        reporter_id = reporter.pk if mode != ReportingMode.ANONYMOUS else None
        if earlier.reporter_id != reporter_id or earlier.mode != mode:
            raise PermissionDenied("This report was sent by someone else") from None
        earlier.sent_before = True
        return earlier, None


def _submit(
    *, reporter, mode: str, data: dict, subject_emails: tuple[str, ...], request, submission_key: str
) -> tuple[IncidentReport, str | None]:
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
    fields.setdefault("source", Source.UNKNOWN)  # "Who did it?" is one of the optional questions
    report = IncidentReport(
        mode=mode,
        reporter=None if anonymous else reporter,
        reported_at=stored_at,
        acknowledge_by=acknowledge_deadline(stored_at),
        submission_key=submission_key_digest(submission_key),
        **fields,
    )
    code = None
    if anonymous:
        code = "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))
        report.receipt_hash = receipt_hash(code)
        report.receipt_index = receipt_index(code)
        # An anonymous reporter's wish to tell the line manager cannot be acted on; feedback comes via the code.
        report.may_tell_line_manager = False
    # The fields' own rules. Not what the database enforces itself: the organisation (read from the database in
    # this request; its foreign key), unique keys (a repeated submission key is report_submit's IntegrityError) and
    # constraints: checking them here would ask the database first for each.
    report.full_clean(exclude=["reporter", "organisation"], validate_unique=False, validate_constraints=False)
    report.save()  # a repeated submission key: IntegrityError, the whole transaction rolls back (report_submit)
    report.sent_before = False
    # The report's first workflow step, its audit line and its e-mail task are written together after it (one
    # statement on PostgreSQL, cms/rows.py): none has a model signal to send.
    rows = [
        CaseTransition(
            report=report,
            action="submit",
            from_status="",
            to_status=Status.SUBMITTED,
            actor=None,
            actor_label="reporter",
            at=stored_at,
        )
    ]
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
        rows.append(anonymous_audit_row(actor_label="anonymous reporter", **record))
    else:
        audit(actor=reporter, request=request, **record)
    # The e-mail is a background task whose row is written in this transaction: it exists exactly when the report
    # does, and never costs the request more than an insert.
    task_row = queued_task_row(notify_handlers_of_new_report, report.pk)
    insert_together(*rows, *([task_row] if task_row is not None else []))
    if task_row is None:  # tasks run at once (development, tests): after the rows they read
        notify_handlers_of_new_report.enqueue(report.pk)
    return report, code


@transaction.atomic
def report_details_add(
    *, report: IncidentReport, reporter, data: dict, subject_emails: tuple[str, ...] = (), request=None
) -> IncidentReport:
    """Add what the reporter told us after sending ("tell us more") to their report: only the answered fields of
    DETAIL_FIELDS, the exclusions of the people they named, and a RIDDOR candidate when it now qualifies.
    `reporter` is None for an anonymous report (the caller has checked the sealed payload that names it)."""
    anonymous = report.mode == ReportingMode.ANONYMOUS
    if anonymous != (reporter is None) or (not anonymous and report.reporter_id != reporter.pk):
        raise PermissionDenied("This is not your report")
    report = IncidentReport.objects.select_for_update().get(pk=report.pk)
    changed = {name: value for name, value in data.items() if name in DETAIL_FIELDS}
    if anonymous:
        changed.pop("may_tell_line_manager", None)
    for name, value in changed.items():
        setattr(report, name, value)
    update_fields = list(changed)
    if data.get("nhs_number"):
        # The patient who did it, for the leads' repeat-perpetrator list: checked, encrypted, matched by its hash.
        number = validate_nhs_number(data["nhs_number"])
        report.perpetrator_nhs_number = number
        report.perpetrator_nhs_number_index = nhs_number_index(number)
        update_fields += ["perpetrator_nhs_number", "perpetrator_nhs_number_index"]
        changed["nhs_number"] = True  # named in the audit row's fields, never the number
    # The fields' own rules. Not what the database enforces itself: the organisation (read from the database in
    # this request; its foreign key), unique keys and constraints: checking them here would ask the database first
    # for each.
    report.full_clean(exclude=["reporter", "organisation"], validate_unique=False, validate_constraints=False)
    if update_fields:
        report.save(update_fields=update_fields)
    now = hour_of(timezone.now()) if anonymous else timezone.now()
    excluded = Exclusions()
    if report.source in COLLEAGUE_SOURCES and subject_emails:
        excluded = exclude_named_and_line_management(
            report=report, emails=subject_emails, keep_user_ids={report.reporter_id} - {None}, at=now
        )
    if report.injury != Injury.NONE and (report.days_off or 0) > 3:
        riddor, created = RiddorAssessment.objects.get_or_create(
            report=report, defaults={"state": RiddorAssessment.State.CANDIDATE}
        )
        if created and anonymous:
            RiddorAssessment.objects.filter(pk=riddor.pk).update(updated_at=now)
    record = {
        "action": "incident.details_added",
        "obj": report,
        "summary": f"{report.reference}: the reporter added details",
        "detail": {
            "fields": sorted(changed),
            "excluded_named": len(excluded.named),
            "excluded_line_management": len(excluded.line_management),
        },
    }
    if anonymous:
        audit_anonymous(actor_label="anonymous reporter", **record)
    else:
        audit(actor=reporter, request=request, **record)
    return report
