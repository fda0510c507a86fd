"""People and their employments."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cms.audit import audit

from ..matching import is_valid_ni_number, person_match_key
from ..models import Employment, Organisation, Person
from ..selectors.access import is_hr_admin
from ..selectors.people import person_changeable_by
from ..vocabulary import ContractType
from .organisations import not_member_message

# Someone younger than this cannot be employed (the same rule as the CSV import).
MINIMUM_AGE_YEARS = 15


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


def date_of_birth_check(date_of_birth: datetime.date, errors: dict) -> None:
    today = datetime.date.today()
    if date_of_birth.year < 1900 or date_of_birth > today - datetime.timedelta(days=365 * MINIMUM_AGE_YEARS):
        errors["date_of_birth"] = f"Enter a date of birth for someone aged {MINIMUM_AGE_YEARS} or over"


def _employment_dates_check(*, start_date, end_date, employment: Employment | None, errors: dict) -> None:
    if end_date is not None and end_date < start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if employment is None:
        return
    periods = list(employment.assignments.values_list("start_date", "end_date"))
    if periods and min(start for start, _ in periods) < start_date:
        first = min(start for start, _ in periods)
        errors["start_date"] = (
            f"The contract cannot start after its first assignment, which starts on {first:%-d %B %Y}"
        )
    if end_date is not None and any(end is None or end > end_date for _, end in periods):
        errors.setdefault(
            "end_date", "End the person's assignments under this contract first: one runs past this date"
        )


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    ni_number: str = "",
) -> list[str]:
    """Correct a person's name or date of birth. The matching key is made from the NI number, date of birth
    and surname, and only the NI number can rebuild it, so a new surname or date of birth needs the NI number
    (which is hashed, never kept). Returns the names of the fields changed."""
    person = lock_person(person)
    if not person_changeable_by(user=actor, person=person):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not first_name.strip():
        errors["first_name"] = "Enter the first name"
    if not last_name.strip():
        errors["last_name"] = "Enter the last name"
    date_of_birth_check(date_of_birth, errors)
    rekey = last_name.strip() != person.last_name or date_of_birth != person.date_of_birth
    new_key = person.match_key
    if rekey and not errors:
        if not ni_number.strip():
            errors["ni_number"] = (
                "Enter the National Insurance number to change the last name or date of birth: "
                "the record is matched across organisations by all three"
            )
        elif not is_valid_ni_number(ni_number):
            errors["ni_number"] = "Enter a National Insurance number in the right format, like QQ123456C"
        else:
            new_key = person_match_key(ni_number=ni_number, date_of_birth=date_of_birth, surname=last_name)
            if Person.objects.filter(match_key=new_key).exclude(pk=person.pk).exists():
                errors["ni_number"] = (
                    "Another person record has this National Insurance number, date of birth and last name"
                )
    if errors:
        raise ValidationError(errors)
    values = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "date_of_birth": date_of_birth,
    }
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    if not changed:
        return []
    for name, value in values.items():
        setattr(person, name, value)
    person.match_key = new_key
    person.save(update_fields=[*changed, "match_key"])
    audit(
        action="workforce.person.updated",
        actor=actor,
        obj=person,
        summary=f"Changed {', '.join(name.replace('_', ' ') for name in changed)} of person {person.pk}",
        detail={"fields": changed},
    )
    return changed


@transaction.atomic
def employment_add(
    *,
    actor,
    person: Person,
    employer: Organisation,
    start_date: datetime.date,
    contract_type: str = ContractType.PERMANENT,
    staff_number: str = "",
    end_date: datetime.date | None = None,
) -> Employment:
    """An HR administrator adds a contract with one of their organisations to someone already recorded."""
    errors: dict[str, str] = {}
    if not is_hr_admin(user=actor, organisation=employer):
        errors["employer"] = not_member_message(employer)
    _employment_dates_check(start_date=start_date, end_date=end_date, employment=None, errors=errors)
    if errors:
        raise ValidationError(errors)
    employment = employment_start(
        person=lock_person(person),
        employer=employer,
        start_date=start_date,
        contract_type=contract_type,
        staff_number=staff_number.strip(),
        actor=actor,
    )
    if end_date is not None:
        employment.end_date = end_date
        employment.save(update_fields=["end_date"])
    return employment


EMPLOYMENT_FIELDS = ("staff_number", "contract_type", "start_date", "end_date", "tupe_protected")


@transaction.atomic
def employment_update(*, actor, employment: Employment, **values) -> list[str]:
    """Change a contract's staff number, type, dates or TUPE protection. Only the employer's HR administrators
    may; the dates must still hold every assignment under the contract. Returns the fields changed."""
    lock_person(employment.person)
    employment = Employment.objects.select_for_update().get(pk=employment.pk)
    if not is_hr_admin(user=actor, organisation=employment.employer):
        raise PermissionDenied
    unknown = set(values) - set(EMPLOYMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown employment fields: {', '.join(sorted(unknown))}")
    if "staff_number" in values:
        values["staff_number"] = values["staff_number"].strip()
    errors: dict[str, str] = {}
    if "contract_type" in values and values["contract_type"] not in ContractType.values:
        errors["contract_type"] = "Select the type of contract"
    _employment_dates_check(
        start_date=values.get("start_date", employment.start_date),
        end_date=values.get("end_date", employment.end_date),
        employment=employment,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in values.items() if getattr(employment, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(employment, name, values[name])
    employment._history_user = actor
    employment.save(update_fields=changed)
    audit(
        action="workforce.employment.updated",
        actor=actor,
        obj=employment,
        summary=f"Changed {', '.join(name.replace('_', ' ') for name in changed)} of employment {employment.pk}",
        detail={"fields": changed},
    )
    return changed
