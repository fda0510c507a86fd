"""Anonymising and deleting workforce records at the end of their period or on erasure (workforce/retention.py,
docs/records.md). Called batch by batch by the records purge, and by erasure, inside their transactions."""

from __future__ import annotations

import datetime

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils import timezone

from cms.retention import not_in_use

from .models import Employment, PassportCredential, Person, SectorMove

PERSON = "workforce.person"


def day_of(cutoff: datetime.datetime) -> datetime.date:
    return timezone.localdate(cutoff)


def leavers_expired(cutoff: datetime.datetime):
    """People not yet anonymised with no employment that is current or ended after the cut-off (and, with no
    employment at all, a record made before it), less those another app's records still need (an incident case
    recording them as the member of staff who did it: cms.retention.register_in_use)."""
    recent = Employment.objects.filter(person=OuterRef("pk")).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=day_of(cutoff))
    )
    people = Person.objects.filter(erased_at__isnull=True, created_at__lte=cutoff).filter(~Exists(recent))
    return not_in_use(people, PERSON)


def people_anonymise(ids: list[int], now: datetime.datetime) -> int:
    """Take everything that says who these people were out of their records, keeping the rows figures count.
    People another app's records still need are left as they are: their rows are locked first and the need read
    after, so a case naming one of them at the same moment either waits for this or is seen here."""
    locked = list(
        Person.objects.select_for_update()
        .filter(pk__in=ids, erased_at__isnull=True)
        .values_list("pk", flat=True)
    )
    ids = list(not_in_use(Person.objects.filter(pk__in=locked), PERSON).values_list("pk", flat=True))
    count = Person.objects.filter(pk__in=ids).update(
        first_name="Erased",
        last_name=Concat(Value("record "), Cast("pk", CharField())),
        date_of_birth=TruncYear("date_of_birth"),
        match_key=Concat(Value("erased-"), Cast("pk", CharField())),
        work_email="",
        matching_consent=False,
        erased_at=now,
    )
    Employment.objects.filter(person_id__in=ids).update(staff_number="")
    SectorMove.objects.filter(person_id__in=ids).update(reason="")
    credentials_delete(
        list(PassportCredential.objects.filter(person_id__in=ids).values_list("pk", flat=True))
    )
    Employment.history.model.objects.filter(person_id__in=ids).delete()
    SectorMove.history.model.objects.filter(person_id__in=ids).delete()
    return count


def credentials_delete(ids: list[int], now: datetime.datetime | None = None) -> int:
    deleted, per_model = PassportCredential.objects.filter(pk__in=ids).delete()
    PassportCredential.history.model.objects.filter(id__in=ids).delete()
    return per_model.get(PassportCredential._meta.label, 0)
