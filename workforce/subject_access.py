"""What a subject-access export holds of the workforce records, and what erasure may take of them
(registered by workforce/retention.py; the export and erasure themselves are cms/records/)."""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.utils import timezone

from cms.records.selectors import period_days
from cms.retention import ErasureOutcome, in_use_for

from .erasure import PERSON, credentials_delete, people_anonymise
from .models import Assignment, Employment, Membership, PassportCredential, Person, SectorMove
from .vocabulary import CredentialStatus


def people_for(*, email: str = "", number: int | None = None) -> list[Person]:
    """The workforce records of a person: by work e-mail address (stored lower-case), or by record number."""
    if number is not None:
        return list(Person.objects.filter(pk=number))
    if email:
        return list(Person.objects.filter(work_email=email.strip().lower()))
    return []


def _ids(subject) -> list[int]:
    return [person.pk for person in subject.people]


def _person_rows(subject):
    for person in subject.people:
        yield (
            person.pk,
            person.first_name,
            person.last_name,
            person.date_of_birth,
            person.work_email,
            "yes" if person.matching_consent else "no",
            person.created_at,
        )


def _employment_rows(subject):
    employments = Employment.objects.filter(person_id__in=_ids(subject)).select_related(
        "employer", "line_manager"
    )
    for employment in employments.order_by("start_date", "pk"):
        yield (
            employment.employer.name,
            employment.staff_number,
            employment.get_contract_type_display(),
            employment.start_date,
            employment.end_date or "",
            employment.line_manager.full_name if employment.line_manager else "",
            "yes" if employment.tupe_protected else "no",
        )


def _post_rows(subject):
    assignments = Assignment.objects.filter(person_id__in=_ids(subject)).select_related(
        "post__organisation", "work_organisation"
    )
    for assignment in assignments.order_by("start_date", "pk"):
        yield (
            assignment.post.organisation.name,
            assignment.post.reference,
            assignment.post.title,
            assignment.get_kind_display(),
            assignment.work_organisation.name if assignment.work_organisation else "",
            assignment.fte,
            assignment.start_date,
            assignment.end_date or "",
        )


def _move_rows(subject):
    moves = SectorMove.objects.filter(person_id__in=_ids(subject)).select_related(
        "from_organisation", "to_organisation"
    )
    for move in moves.order_by("effective_date", "pk"):
        yield (
            move.effective_date,
            move.get_move_type_display(),
            move.from_organisation.name,
            move.get_from_sector_display(),
            move.to_organisation.name if move.to_organisation else "",
            move.get_to_sector_display(),
            move.offer_date or "",
            move.get_status_display(),
            move.reason,
        )


def _credential_rows(subject):
    credentials = PassportCredential.objects.filter(person_id__in=_ids(subject)).select_related("issued_by")
    for credential in credentials.order_by("kind", "issued_on", "pk"):
        yield (
            credential.get_kind_display(),
            credential.subject,
            credential.reference,
            credential.get_dbs_level_display() if credential.dbs_level else "",
            credential.issued_by.name,
            credential.issued_on,
            credential.expires_on or "",
            credential.get_status_display(),
            credential.status_reason,
        )


def _membership_rows(subject):
    if subject.user is None:
        return
    memberships = Membership.objects.filter(user=subject.user).select_related("organisation")
    for membership in memberships.order_by("organisation__name", "role"):
        yield (membership.organisation.name, membership.get_role_display(), membership.granted_at)


SECTIONS = [
    {
        "key": "workforce_person",
        "label": "Workforce record",
        "columns": (
            "Record number",
            "First name",
            "Last name",
            "Date of birth",
            "Work e-mail",
            "Matching consent",
            "Created",
        ),
        "rows": _person_rows,
        "note": "The National Insurance number is never stored, only a keyed hash used to match records.",
    },
    {
        "key": "employments",
        "label": "Employments",
        "columns": (
            "Employer",
            "Staff number",
            "Contract",
            "Started",
            "Ended",
            "Reports to",
            "TUPE protected",
        ),
        "rows": _employment_rows,
    },
    {
        "key": "posts",
        "label": "Posts held",
        "columns": ("Organisation", "Post number", "Title", "Kind", "Works at", "FTE", "Started", "Ended"),
        "rows": _post_rows,
    },
    {
        "key": "moves",
        "label": "Moves between sectors",
        "columns": (
            "Took effect",
            "Move",
            "From",
            "From sector",
            "To",
            "To sector",
            "Offered",
            "Status",
            "Reason",
        ),
        "rows": _move_rows,
    },
    {
        "key": "passport_credentials",
        "label": "Staff passport credentials",
        "columns": (
            "Check",
            "Subject",
            "Reference",
            "DBS level",
            "Issued by",
            "Issued",
            "Expires",
            "Status",
            "Why",
        ),
        "rows": _credential_rows,
    },
    {
        "key": "memberships",
        "label": "Roles held",
        "columns": ("Organisation", "Role", "Granted"),
        "rows": _membership_rows,
    },
]


def _kept_until(person: Person, period_days: int) -> datetime.date | None:
    """The day a leaver's record may go, or None while they are employed."""
    employments = Employment.objects.filter(person=person)
    if employments.filter(end_date__isnull=True).exists():
        return None
    last_end = employments.aggregate(last=Max("end_date"))["last"]
    start = last_end or timezone.localdate(person.created_at)
    return start + datetime.timedelta(days=period_days)


def erase_subject(subject, holds, now: datetime.datetime) -> list[ErasureOutcome]:
    """Anonymise the workforce records of people past their period; refuse, with the reason, what must stay."""
    outcomes: list[ErasureOutcome] = []
    today = timezone.localdate(now)
    for person in subject.people:
        label = f"Workforce record {person.pk}"
        if person.erased_at is not None:
            outcomes.append(ErasureOutcome(label, 1, True, "Already anonymised."))
            continue
        if holds.record_held("workforce.person", person.pk) or holds.kind_held("workforce.people"):
            outcomes.append(ErasureOutcome(label, 1, False, "A legal hold covers this record."))
            continue
        this = Person.objects.filter(pk=person.pk)
        needed = [record.reason for record in in_use_for(PERSON) if this.filter(pk__in=record.ids()).exists()]
        if needed:
            outcomes.append(ErasureOutcome(label, 1, False, " ".join(needed)))
            outcomes.extend(_erase_spent_credentials(person, holds))
            continue
        until = _kept_until(person, period_days("workforce.people"))
        if until is None or until > today:
            reason = (
                "Employed now: the employer needs the record to employ them (UK GDPR Article 6(1)(b) and (c))."
                if until is None
                else f"Kept until {until:%-d %B %Y}, six years after they left, for claims and enquiries "
                "(UK GDPR Article 17(3)(b) and (e)); the scheduled purge anonymises it then."
            )
            outcomes.append(ErasureOutcome(label, 1, False, reason))
            outcomes.extend(_erase_spent_credentials(person, holds))
            continue
        people_anonymise([person.pk], now)
        outcomes.append(
            ErasureOutcome(
                label, 1, True, "Name, date of birth (to the year), e-mail and staff numbers removed."
            )
        )
    if subject.user is not None:
        roles = Membership.objects.filter(user=subject.user).count()
        if roles:
            outcomes.append(
                ErasureOutcome(
                    "Roles held",
                    roles,
                    False,
                    "Roles are granted and removed by the organisation's administrators, who keep who held "
                    "them while they do.",
                )
            )
    return outcomes


def _erase_spent_credentials(person: Person, holds) -> list[ErasureOutcome]:
    """Rejected credentials that no move relied on can go at once; the rest are checks an employer relies on."""
    credentials = PassportCredential.objects.filter(person=person)
    if holds.kind_held("workforce.credentials"):
        spent = []
    else:
        spent = [
            pk
            for pk in credentials.filter(status=CredentialStatus.REJECTED, reused_in_moves__isnull=True)
            .values_list("pk", flat=True)
            .distinct()
            if not holds.record_held("workforce.passportcredential", pk)
        ]
    outcomes = []
    if spent:
        credentials_delete(spent)
        outcomes.append(ErasureOutcome("Rejected passport credentials", len(spent), True, "Deleted."))
    kept = credentials.count()
    if kept:
        outcomes.append(
            ErasureOutcome(
                "Passport credentials",
                kept,
                False,
                "Checks the employer relies on, or relied on for a move (right to work, DBS: legal "
                "obligations, UK GDPR Article 17(3)(b)); they go a year after they expire.",
            )
        )
    return outcomes
