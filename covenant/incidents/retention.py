"""Incident cases on the records schedule (cms/retention.py, docs/records.md), and what a subject-access export
and erasure hold of them.

An export lists the reports a person made under their name or in confidence, through the reporter's own
selector, never an anonymous report: those keep no link to an account and must not gain one. Where a person is
named as the source of a case, the export says which case and when, not what the reporter wrote, which would
identify the reporter (Data Protection Act 2018, Schedule 2, paragraph 16). The same holds where a case records a
member of staff as the one who did it; and while any case not yet destroyed records them, their workforce record
is in use here, so the workforce purge leaves it and erasure refuses it (`register_in_use`).
"""

from __future__ import annotations

import datetime

from cms.records.selectors import period_days
from cms.retention import (
    Eraser,
    ErasureOutcome,
    RecordInUse,
    RecordKind,
    SubjectSection,
    held_by,
    register_eraser,
    register_in_use,
    register_kind,
    register_section,
    years,
)

from .models import RETENTION_YEARS, CaseExclusion, IncidentReport
from .purge import CASES, NOT_PURSUED, cases_destroy, cases_expired, not_pursued_expired
from .selectors.reporters import messages_for_reporter, reports_for_reporter

CASE = "incidents.incidentreport"
HOLDABLE = ((CASE, "Incident case (the number in its reference: VA-000123 is 123)"),)
DUTY = (
    "The employer's duty to record violence and aggression against staff and act on it (Health and Safety at Work "
    "etc. Act 1974; RIDDOR 2013), and claims that may follow (Limitation Act 1980)"
)

register_kind(
    RecordKind(
        key=CASES,
        label="Incident cases",
        default_days=years(RETENTION_YEARS["case"]),
        minimum_days=years(3),
        basis=f"{DUTY}. Local policy set against the Records Management Code of Practice (incident records: "
        "ten years); check Appendix II before go-live.",
        counts_from="the case's closure, once archived",
        expired=cases_expired,
        purge=cases_destroy,
        held=held_by({CASE: "pk"}),
        holdable=HOLDABLE,
    )
)
register_kind(
    RecordKind(
        key=NOT_PURSUED,
        label="Incident reports not pursued",
        default_days=years(RETENTION_YEARS["not_pursued"]),
        minimum_days=365,
        basis=f"{DUTY}. Reports not handled as an incident (not an incident, redirected, merged duplicates) are "
        "kept for a shorter time.",
        counts_from="the report, once archived",
        expired=not_pursued_expired,
        purge=cases_destroy,
        held=held_by({CASE: "pk"}),
        holdable=HOLDABLE,
    )
)


def _reports(subject):
    if subject.user is None:
        return IncidentReport.objects.none()
    return reports_for_reporter(user=subject.user)


def _report_rows(subject):
    for report in _reports(subject):
        yield (
            report.reference,
            report.get_mode_display(),
            report.reported_at,
            report.occurred_at,
            report.organisation.name,
            report.get_category_display(),
            report.get_setting_display(),
            report.reporter_status_label,
            report.narrative,
            report.outcome_for_reporter,
        )


def _message_rows(subject):
    for report in _reports(subject):
        for message in messages_for_reporter(report=report).order_by("pk"):
            yield (
                report.reference,
                message.created_at,
                "you" if message.from_reporter else "the incident team",
                message.body,
            )


def _named_rows(subject):
    if subject.user is None:
        return
    named = CaseExclusion.objects.filter(user=subject.user, reason=CaseExclusion.Reason.NAMED_SUBJECT)
    for exclusion in named.select_related("report").order_by("created_at", "pk"):
        yield (exclusion.report.reference, exclusion.report.reported_at, exclusion.created_at)


register_section(
    SubjectSection(
        key="incident_reports",
        label="Incident reports they made",
        columns=(
            "Reference",
            "How reported",
            "Reported",
            "Happened",
            "Organisation",
            "Category",
            "Where",
            "Status",
            "What happened",
            "Outcome",
        ),
        rows=_report_rows,
        note="Reports made under their name or in confidence. Anonymous reports are never linked to anyone, so "
        "none can be listed.",
    )
)
register_section(
    SubjectSection(
        key="incident_messages",
        label="Messages on their incident reports",
        columns=("Reference", "Sent", "From", "Message"),
        rows=_message_rows,
        note="Messages between them and the incident team; the team's internal notes are not included.",
    )
)
register_section(
    SubjectSection(
        key="incident_cases_naming_them",
        label="Incident cases naming them as the source",
        columns=("Case", "Reported", "Recorded as named"),
        rows=_named_rows,
        note="Which cases name them and when; what the reporter wrote is not included, as it would identify the "
        "reporter (Data Protection Act 2018, Schedule 2, paragraph 16).",
    )
)


def _staff_perpetrator_rows(subject):
    cases = IncidentReport.objects.filter(perpetrator_person_id__in=[person.pk for person in subject.people])
    for report in cases.only("pk", "reported_at", "closed_at").order_by("reported_at", "pk"):
        yield (report.reference, report.reported_at, report.closed_at or "")


register_section(
    SubjectSection(
        key="incident_cases_recording_them",
        label="Incident cases recording them as the member of staff who did it",
        columns=("Case", "Reported", "Closed"),
        rows=_staff_perpetrator_rows,
        note="Which cases record their workforce record as the member of staff who did it, and when; what the "
        "reporter wrote is not included, as it would identify the reporter (Data Protection Act 2018, Schedule 2, "
        "paragraph 16).",
    )
)


def _staff_perpetrators():
    return IncidentReport.objects.filter(perpetrator_person__isnull=False).values("perpetrator_person_id")


register_in_use(
    RecordInUse(
        key="incidents.staff_perpetrators",
        object_type="workforce.person",
        label="Incident cases recording them as the member of staff who did it",
        reason=f"An incident case records them as the member of staff who did it. {DUTY}: the record stays while "
        "the case does, and the scheduled purge anonymises it once the case is destroyed (UK GDPR Article "
        "17(3)(b) and (e)).",
        ids=_staff_perpetrators,
    )
)


def _erase(subject, holds, now: datetime.datetime) -> list[ErasureOutcome]:
    outcomes = []
    if subject.user is None:
        return outcomes
    days = period_days(CASES)
    reason = (
        f"{DUTY}: incident records are kept {days} days after the case closes, and the scheduled purge destroys "
        "them then (UK GDPR Article 17(3)(b) and (e))."
    )
    made = _reports(subject).count()
    if made:
        outcomes.append(ErasureOutcome("Incident reports they made", made, False, reason))
    named = CaseExclusion.objects.filter(user=subject.user, reason=CaseExclusion.Reason.NAMED_SUBJECT).count()
    if named:
        outcomes.append(ErasureOutcome("Incident cases naming them", named, False, reason))
    return outcomes


register_eraser(Eraser(key="incidents", label="Incident reports and cases", erase=_erase))
