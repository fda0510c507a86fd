"""Reporting lines and work e-mail: who a person reports to under each employment, and the address that links
their record to a sign-in account."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.audit import audit

from ..models import Employment, Membership, Person
from ..selectors.access import is_hr_admin
from ..selectors.reporting_lines import reporting_employments
from ..tasks import notify_work_email_changed
from .organisations import not_member_message
from .people import lock_person


def _reports_to(*, manager: Person, person: Person, on_date: datetime.date) -> bool:
    """Whether `manager` already reports to `person`, directly or up the chain, through open employments.

    One query per level; a set of people seen stops the walk even if the data already holds a loop.
    """
    frontier, seen = {manager.pk}, {manager.pk}
    while frontier:
        if person.pk in frontier:
            return True
        above = set(
            Employment.objects.open_on(on_date)
            .filter(person_id__in=frontier, line_manager__isnull=False)
            .values_list("line_manager_id", flat=True)
        )
        frontier = above - seen
        seen |= frontier
    return False


@transaction.atomic
def employment_set_line_manager(
    *, employment: Employment, line_manager: Person | None, actor, field: str = "line_manager"
) -> bool:
    """Record who the person reports to under this employment (None: no one). Returns whether it changed.

    Only HR administrators of the employer may change it. Refused: the person as their own manager, and a
    manager who already reports to the person (directly or through others), which would make a loop.
    """
    if not is_hr_admin(user=actor, organisation=employment.employer):
        raise PermissionDenied(not_member_message(employment.employer))
    person = employment.person
    if line_manager is not None:
        if line_manager.pk == person.pk:
            raise ValidationError({field: "A person cannot be their own line manager"})
        if _reports_to(manager=line_manager, person=person, on_date=timezone.localdate()):
            raise ValidationError(
                {
                    field: f"{line_manager.full_name} reports to {person.full_name}, directly or through "
                    "their own managers, so cannot also be their line manager"
                }
            )
    previous = employment.line_manager_id
    new = line_manager.pk if line_manager is not None else None
    if previous == new:
        return False
    employment.line_manager = line_manager
    employment._history_user = actor
    employment.save(update_fields=["line_manager"])
    audit(
        action="workforce.employment.line_manager_changed",
        actor=actor,
        obj=employment,
        summary=f"Line manager of person {person.pk} at {employment.employer.name} "
        + ("removed" if new is None else "set"),
        detail={"person": person.pk, "from_person": previous, "to_person": new},
    )
    return True


def work_email_normalise(value: str) -> str:
    return (value or "").strip().lower()


@transaction.atomic
def person_set_work_email(*, person: Person, work_email: str, actor) -> bool:
    """Set the work e-mail that links the record to a sign-in account. Returns whether it changed.

    HR administrators of an organisation that employs the person now may change it. Each address belongs to
    one person record. Since the address makes its account the holder of the person's passport, it may not be
    the administrator's own, nor that of an account that is not a member of an organisation employing the
    person now; and the person is told, at the old address and the new.
    """
    if not reporting_employments(person=person, user=actor).exists():
        raise PermissionDenied("Only HR administrators of the person's current employer can change this")
    email = work_email_normalise(work_email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"work_email": "Enter an e-mail address like name@example.nhs.uk"}
            ) from None
        holder = Person.objects.filter(work_email=email).exclude(pk=person.pk).first()
        if holder is not None:
            # Name the organisations that keep the other record, so the two HR teams can put it right (an
            # address set on the wrong record by mistake, or by someone who should not have).
            employers = sorted(
                set(
                    Employment.objects.open_on(timezone.localdate())
                    .filter(person=holder)
                    .values_list("employer__name", flat=True)
                )
            )
            where = f" kept by {', '.join(employers)}" if employers else ""
            raise ValidationError(
                {
                    "work_email": f"Another person's record{where} already has this work e-mail address. "
                    "Ask that organisation's HR team to correct their record"
                }
            )
    previous = person.work_email
    if email == previous:
        return False
    if email:
        work_email_account_check(person=person, email=email, actor=actor)
    person.work_email = email
    try:
        with transaction.atomic():
            person.save(update_fields=["work_email"])
    except IntegrityError:
        # Another HR administrator recorded the same address a moment ago.
        raise ValidationError(
            {"work_email": "Another person's record already has this work e-mail address"}
        ) from None
    event = audit(
        action="workforce.person.work_email_changed",
        actor=actor,
        obj=person,
        summary=f"Work e-mail of person {person.pk} " + ("removed" if not email else "recorded"),
        detail={"from": previous, "to": email},
    )
    transaction.on_commit(lambda: notify_work_email_changed.enqueue(event_id=event.pk))
    return True


def work_email_account_check(*, person: Person, email: str, actor) -> None:
    """Refuse an address that would make someone else's account, or the administrator's own, the holder of this
    person's record and passport: the actor's own address, or an existing account's that holds no role at an
    organisation employing the person now (their own organisation vouching that the account is theirs)."""
    if email == work_email_normalise(getattr(actor, "email", "")):
        raise ValidationError(
            {
                "work_email": "This is your own e-mail address: it would link this person's record and passport "
                "to your account"
            }
        )
    account = get_user_model().objects.filter(email__iexact=email).first()
    if account is None:
        return
    employers = Employment.objects.open_on(timezone.localdate()).filter(person=person).values("employer_id")
    if not Membership.objects.filter(user=account, organisation_id__in=employers).exists():
        raise ValidationError(
            {
                "work_email": "An account that is not a member of this person's employer signs in with this "
                "address, so it cannot be linked to their record. Check the address with the person"
            }
        )


@transaction.atomic
def person_reporting_update(
    *, person: Person, actor, work_email: str, line_managers: dict[int, Person | None]
) -> int:
    """Set a person's work e-mail and, per employment id, who they report to, all or nothing.

    Errors are keyed `work_email` and `line_manager_<employment id>`. Returns how many things changed.
    """
    person = lock_person(person)
    employments = {e.pk: e for e in reporting_employments(person=person, user=actor)}
    if not employments or not set(line_managers) <= set(employments):
        raise PermissionDenied("Only HR administrators of the person's current employer can change this")
    errors: dict[str, list[str]] = {}
    changed = 0
    try:
        changed += person_set_work_email(person=person, work_email=work_email, actor=actor)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for employment_id, manager in line_managers.items():
        employment = employments[employment_id]
        employment.person = person
        try:
            changed += employment_set_line_manager(
                employment=employment,
                line_manager=manager,
                actor=actor,
                field=f"line_manager_{employment_id}",
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return changed
