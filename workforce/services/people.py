"""People and their employments."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from cms.audit import audit

from ..matching import is_valid_ni_number, person_match_key
from ..models import Employment, Organisation, Person
from ..vocabulary import ContractType


def lock_person(person: Person) -> Person:
    # Serialises writes to one person's assignments, so two moves cannot both pass the overlap check.
    return Person.objects.select_for_update().get(pk=person.pk)


@transaction.atomic
def person_create_or_match(
    *, ni_number: str, date_of_birth: datetime.date, first_name: str, last_name: str, actor=None
) -> tuple[Person, bool]:
    """Find the person by the consented match key, or create them. Returns (person, created)."""
    if not is_valid_ni_number(ni_number):
        raise ValidationError(
            {"ni_number": "Enter a National Insurance number in the right format, like QQ123456C"}
        )
    key = person_match_key(ni_number=ni_number, date_of_birth=date_of_birth, surname=last_name)
    person, created = Person.objects.get_or_create(
        match_key=key,
        defaults={
            "first_name": first_name.strip(),
            "last_name": last_name.strip(),
            "date_of_birth": date_of_birth,
        },
    )
    audit(
        action="workforce.person.created" if created else "workforce.person.matched",
        actor=actor,
        obj=person,
        summary=f"{'Created' if created else 'Matched'} person record {person.pk}",
    )
    return person, created


@transaction.atomic
def employment_start(
    *,
    person: Person,
    employer: Organisation,
    start_date: datetime.date,
    contract_type: str = ContractType.PERMANENT,
    staff_number: str = "",
    tupe_protected: bool = False,
    actor=None,
) -> Employment:
    employment = Employment.objects.create(
        person=person,
        employer=employer,
        start_date=start_date,
        contract_type=contract_type,
        staff_number=staff_number,
        tupe_protected=tupe_protected,
    )
    audit(
        action="workforce.employment.started",
        actor=actor,
        obj=employment,
        summary=f"Employment of person {person.pk} at {employer.name} from {start_date:%d/%m/%Y}",
    )
    return employment
