"""A joiner: someone new to one of the user's organisations, with their contract and, if known, their post."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ..matching import is_valid_ni_number
from ..models import Employment, Organisation, Person, Post
from ..selectors.access import is_hr_admin
from ..vocabulary import ContractType
from .organisations import not_member_message
from .people import date_of_birth_check, employment_start, person_create_or_match
from .posts import assignment_create


@transaction.atomic
def person_add(
    *,
    actor,
    ni_number: str,
    date_of_birth: datetime.date,
    first_name: str,
    last_name: str,
    employer: Organisation,
    start_date: datetime.date,
    contract_type: str = ContractType.PERMANENT,
    staff_number: str = "",
    post: Post | None = None,
    fte: Decimal = Decimal("1.00"),
) -> tuple[Person, Employment, bool]:
    """An HR administrator adds someone employed by one of their organisations: the person (or the existing
    record the keyed hash matches), their contract and, given a post of the employer, their assignment to it
    from the contract's start. Returns (person, employment, created)."""
    errors: dict[str, str] = {}
    if not is_hr_admin(user=actor, organisation=employer):
        errors["employer"] = not_member_message(employer)
    if not first_name.strip():
        errors["first_name"] = "Enter the first name"
    if not last_name.strip():
        errors["last_name"] = "Enter the last name"
    if not is_valid_ni_number(ni_number):
        errors["ni_number"] = "Enter a National Insurance number in the right format, like QQ123456C"
    date_of_birth_check(date_of_birth, errors)
    if date_of_birth and start_date and start_date < date_of_birth:
        errors["start_date"] = "The contract cannot start before the person was born"
    if post is not None and post.organisation_id != employer.pk:
        errors["post_reference"] = f"{post.title} is not a post at {employer.display_name}"
    if errors:
        raise ValidationError(errors)
    person, created = person_create_or_match(
        ni_number=ni_number,
        date_of_birth=date_of_birth,
        first_name=first_name,
        last_name=last_name,
        actor=actor,
    )
    employment = employment_start(
        person=person,
        employer=employer,
        start_date=start_date,
        contract_type=contract_type,
        staff_number=staff_number.strip(),
        actor=actor,
    )
    if post is not None:
        try:
            assignment_create(employment=employment, post=post, start_date=start_date, fte=fte, actor=actor)
        except ValidationError as exc:
            # The overlap rule speaks of the start date, which here is the contract's.
            raise ValidationError({"post_reference": exc.messages}) from exc
    return person, employment, created
