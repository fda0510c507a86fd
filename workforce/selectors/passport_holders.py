"""The staff passport as its holder sees it: the person their account is linked to, their credentials and the
codes they have shared. Nobody reaches another person's passport here: every read starts from the account."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ..models import PassportCredential, PassportShare, Person


def person_for_user(*, user) -> Person | None:
    """The workforce record linked to the account: the person whose work e-mail is the account's e-mail."""
    email = (getattr(user, "email", "") or "").strip().lower()
    if not getattr(user, "is_authenticated", False) or not email:
        return None
    return Person.objects.filter(work_email=email).first()


def own_person_ids(*, user) -> set[int]:
    """Every workforce record the account could hold a passport as (each person with its e-mail), so that its
    holder cannot record, verify or change a check of their own."""
    email = (getattr(user, "email", "") or "").strip().lower()
    if not email:
        return set()
    return set(Person.objects.filter(work_email=email).values_list("pk", flat=True))


def holder_credentials(*, person: Person) -> QuerySet[PassportCredential]:
    """Every credential issued to the person that a second person has verified (the others are not theirs yet)."""
    return person.credentials.filter(verified_at__isnull=False).select_related("issued_by")


def holder_credential_get(*, user, pk: int) -> PassportCredential:
    """One verified credential of the account's own passport, or 404 (whoever else's it is)."""
    person = person_for_user(user=user)
    credential = None if person is None else holder_credentials(person=person).filter(pk=pk).first()
    if credential is None:
        raise Http404("No such credential on your passport")
    return credential


def holder_shares(*, person: Person) -> QuerySet[PassportShare]:
    return person.passport_shares.select_related("organisation")


def holder_share_get(*, user, pk: int) -> PassportShare:
    person = person_for_user(user=user)
    share = None if person is None else holder_shares(person=person).filter(pk=pk).first()
    if share is None:
        raise Http404("No such code")
    return share
