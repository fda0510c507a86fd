"""Who a named person is, and who is above them in line management: the accounts a case is kept from."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils import timezone

from workforce.models import Employment, Person

LINE_MANAGEMENT_DEPTH = 5


@dataclass(frozen=True)
class NamedPeople:
    """Accounts behind the e-mail addresses a reporter or handler named, and above them in line management."""

    named_user_ids: frozenset[int]
    line_management_user_ids: frozenset[int]


def named_people_with_line_management(*, emails, depth: int = LINE_MANAGEMENT_DEPTH) -> NamedPeople:
    """The accounts with the named work e-mails, and the accounts of everyone up to `depth` levels above the
    named people in line management, from the workforce records (employments not yet ended).

    A named person is found by their account's e-mail and by the work e-mail on their workforce record; a
    manager counts once their record's work e-mail matches an account. At most depth + 3 queries, whatever
    the size of the chain, and a loop in the data stops the walk rather than repeating it.
    """
    User = get_user_model()
    emails = sorted({(e or "").strip().lower() for e in emails} - {""})
    if not emails:
        return NamedPeople(frozenset(), frozenset())
    # Account e-mails are compared ignoring case: accounts made in the admin keep the capitals they were typed with.
    accounts = User.objects.annotate(email_lower=Lower("email"))
    named = frozenset(accounts.filter(email_lower__in=emails).values_list("pk", flat=True))
    frontier = set(Person.objects.filter(work_email__in=emails).values_list("pk", flat=True))
    seen, managers = set(frontier), set()
    today = timezone.localdate()
    for _level in range(depth):
        if not frontier:
            break
        above = set(
            Employment.objects.open_on(today)
            .filter(person_id__in=frontier, line_manager__isnull=False)
            .values_list("line_manager_id", flat=True)
        )
        frontier = above - seen
        seen |= frontier
        managers |= frontier
    manager_users = frozenset()
    if managers:
        manager_emails = Person.objects.filter(pk__in=managers).exclude(work_email="").values("work_email")
        manager_users = frozenset(
            accounts.filter(email_lower__in=manager_emails).values_list("pk", flat=True)
        )
    return NamedPeople(named, manager_users - named)
