"""Repeat perpetrators: the cases in a lead's organisations that name the same patient or member of staff.

A patient is matched by the keyed hash of their NHS number (`nhs_number.nhs_number_index`), so matching never
decrypts a number; a member of staff by their workforce record (`Person`), which a handler links on the case.
The cases come from `cases.cases_for_handler`, so the organisation scope and the conflict rules (a lead
excluded from a case never sees it here either) are the ones every other case page applies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from workforce.models import Assignment, Employment, Organisation, Person

from ..encryption import encrypted_field_names
from ..models import IncidentReport, Status
from .cases import cases_for_handler

MIN_GROUP_SIZE = 2


@dataclass
class RepeatGroup:
    """Two or more cases naming the same patient (`kind` "patient") or member of staff (`kind` "staff")."""

    kind: str
    label: str
    cases: list[IncidentReport] = field(default_factory=list)

    @property
    def case_ids(self) -> list[int]:
        return [case.pk for case in self.cases]


def staff_person_at_organisation(*, organisation: Organisation, email: str) -> Person | None:
    """The workforce record with this work e-mail, if the person is employed by or works at `organisation`.

    Nobody at another organisation is found, so the form cannot be used to learn who works elsewhere.
    """
    email = (email or "").strip().lower()
    if not email:
        return None
    employed = Employment.objects.filter(employer=organisation).values("person_id")
    working = Assignment.objects.filter(work_organisation=organisation).values("person_id")
    return (
        Person.objects.filter(work_email=email)
        .filter(Q(pk__in=employed) | Q(pk__in=working))
        .order_by("pk")
        .first()
    )


def _matchable_cases(*, user) -> QuerySet[IncidentReport]:
    # A merged duplicate is the same incident as the case it went into: counting it would make a repeat of one.
    return cases_for_handler(user=user).exclude(status=Status.MERGED)


def _repeated(cases: QuerySet[IncidentReport], key: str, blank) -> list:
    return list(
        cases.exclude(**{key: blank})
        .order_by()
        .values(key)
        .annotate(n=Count("pk"))
        .filter(n__gte=MIN_GROUP_SIZE)
        .values_list(key, flat=True)
    )


def repeat_perpetrator_groups(*, user) -> list[RepeatGroup]:
    """Every group of cases the lead may see that name the same patient or the same member of staff.

    Patients are labelled "Patient 1", "Patient 2"... (their numbers stay encrypted: the lead opens the cases);
    staff by the name on their workforce record. A fixed number of queries, whatever the number of groups.
    """
    cases = _matchable_cases(user=user)
    patient_keys = _repeated(cases, "perpetrator_nhs_number_index", "")
    person_ids = _repeated(cases, "perpetrator_person_id", None)
    if not patient_keys and not person_ids:
        return []
    found = (
        cases.filter(
            Q(perpetrator_nhs_number_index__in=patient_keys) | Q(perpetrator_person_id__in=person_ids)
        )
        .defer(*encrypted_field_names(IncidentReport), "receipt_hash")
        .select_related("perpetrator_person")
        .order_by("reported_at", "pk")
    )
    by_patient: dict[str, list[IncidentReport]] = defaultdict(list)
    by_person: dict[int, list[IncidentReport]] = defaultdict(list)
    for case in found:
        if case.perpetrator_nhs_number_index in patient_keys:
            by_patient[case.perpetrator_nhs_number_index].append(case)
        if case.perpetrator_person_id in person_ids:
            by_person[case.perpetrator_person_id].append(case)
    patient_groups = sorted(by_patient.values(), key=lambda group: (-len(group), group[0].reported_at))
    groups = [
        RepeatGroup(kind="patient", label=f"Patient {number}", cases=group)
        for number, group in enumerate(patient_groups, start=1)
    ]
    staff_groups = sorted(
        by_person.values(), key=lambda group: (-len(group), group[0].perpetrator_person.full_name)
    )
    groups += [
        RepeatGroup(kind="staff", label=group[0].perpetrator_person.full_name, cases=group)
        for group in staff_groups
    ]
    return groups
