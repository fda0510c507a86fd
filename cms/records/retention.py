"""The site's own records on the schedule: audit events, background task rows and sessions; and what a
subject-access export and erasure hold of a sign-in account (cms/retention.py, docs/records.md)."""

from __future__ import annotations

import datetime

from django.contrib.sessions.models import Session
from django.db.models import Q
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cms.accounts.models import AuditEvent
from cms.accounts.services import user_sessions_end
from cms.retention import (
    Eraser,
    ErasureOutcome,
    HeldRecords,
    RecordKind,
    SubjectSection,
    register_eraser,
    register_kind,
    register_section,
    years,
)

AUDIT_EVENTS = "audit.events"


def _audit_held(records: HeldRecords) -> Q:
    covered = Q(pk__in=[])
    for object_type, ids in records.items():
        covered |= Q(object_type=object_type, object_id__in=sorted(ids))
    return covered


register_kind(
    RecordKind(
        key=AUDIT_EVENTS,
        label="Audit events",
        default_days=years(6),
        minimum_days=365,
        basis="Accountability for what was done with personal data (UK GDPR Article 5(2)); kept as long as the "
        "longest claim about an action could be brought (Limitation Act 1980: six years).",
        counts_from="when the event was recorded",
        expired=lambda cutoff: AuditEvent.objects.filter(at__lte=cutoff),
        held=_audit_held,
        # A hold on an account keeps the audit events about it, and stops the account's erasure.
        holdable=(("accounts.user", "Sign-in account (user number)"),),
    )
)

register_kind(
    RecordKind(
        key="tasks.results",
        label="Background task rows",
        default_days=30,
        minimum_days=1,
        basis="Kept only to find out why a task failed; a task's arguments can carry an e-mail address.",
        counts_from="when the task finished",
        expired=lambda cutoff: DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lte=cutoff
        ),
    )
)

register_kind(
    RecordKind(
        key="accounts.sessions",
        label="Sign-in sessions",
        default_days=0,
        basis="Needed only while a person is signed in; an expired session is of no further use.",
        counts_from="when the session expired",
        expired=lambda cutoff: Session.objects.filter(expire_date__lte=cutoff),
    )
)


def _account_rows(subject):
    user = subject.user
    if user is None:
        return []
    return [
        (
            user.email,
            user.first_name,
            user.last_name,
            user.job_title,
            user.date_joined,
            user.last_login,
            "yes" if user.is_active else "no",
        )
    ]


def _audit_by_rows(subject):
    if subject.user is None:
        return
    events = AuditEvent.objects.filter(actor=subject.user).order_by("at", "pk")
    for event in events.iterator(chunk_size=2000):
        yield (
            event.at,
            event.action,
            event.object_type,
            event.object_id,
            event.summary,
            event.ip_address or "",
        )


def _audit_about_rows(subject):
    refs = subject.refs
    if not refs:
        return
    about = Q(pk__in=[])
    for object_type, object_id in refs:
        about |= Q(object_type=object_type, object_id=object_id)
    for event in AuditEvent.objects.filter(about).order_by("at", "pk").iterator(chunk_size=2000):
        yield (event.at, event.actor_label, event.action, event.object_type, event.object_id, event.summary)


register_section(
    SubjectSection(
        key="account",
        label="Sign-in account",
        columns=(
            "E-mail address",
            "First name",
            "Last name",
            "Job title",
            "Joined",
            "Last signed in",
            "Active",
        ),
        rows=_account_rows,
    )
)
register_section(
    SubjectSection(
        key="audit_events_by_them",
        label="Audit events: what they did",
        columns=("When", "Action", "Record type", "Record", "Summary", "Address"),
        rows=_audit_by_rows,
        note="Things done anonymously are never tied to an account, so none are listed.",
    )
)
register_section(
    SubjectSection(
        key="audit_events_about_them",
        label="Audit events: about their records",
        columns=("When", "By", "Action", "Record type", "Record", "Summary"),
        rows=_audit_about_rows,
    )
)


def _erase_account(subject, holds, now: datetime.datetime) -> list[ErasureOutcome]:
    outcomes = [
        ErasureOutcome(
            label="Audit events",
            count=0,
            erased=False,
            reason="The audit trail accounts for what was done with records (UK GDPR Article 17(3)(b) and (e)); "
            "its rows go when their retention period ends.",
        )
    ]
    user = subject.user
    if user is None:
        return outcomes
    if holds.record_held(user._meta.label_lower, user.pk):
        outcomes.append(ErasureOutcome("Sign-in account", 1, False, "A legal hold covers this account."))
    elif user.groups.exists():
        outcomes.append(
            ErasureOutcome(
                "Sign-in account",
                1,
                False,
                "The account still holds roles: an administrator removes them (or deactivates the leaver) first.",
            )
        )
    else:
        user.first_name = user.last_name = user.job_title = ""
        user.email = f"erased-{user.pk}@erased.invalid"
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["first_name", "last_name", "job_title", "email", "is_active", "password"])
        user_sessions_end(user=user)
        outcomes.append(
            ErasureOutcome(
                "Sign-in account",
                1,
                True,
                "Name, job title and e-mail address removed; it can no longer sign in.",
            )
        )
    return outcomes


register_eraser(Eraser(key="account", label="Sign-in account", erase=_erase_account))
