"""The staff passport: which checks a receiving organisation can reuse, and the acceptance rules and credentials
an HR administrator may change."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from ..models import (
    AcceptanceRule,
    CredentialReliance,
    Organisation,
    PassportCredential,
    PassportShare,
    Person,
)
from ..vocabulary import DBS_LEVEL_ORDER, CredentialStatus, DBSLevel, HolderResponse
from .access import hr_organisation_ids
from .passport_holders import own_person_ids


@dataclass(frozen=True)
class PassportCheck:
    """One acceptance rule of the receiving organisation and what the passport offers against it."""

    rule: AcceptanceRule
    credential: PassportCredential | None
    reused: bool
    reason: str

    @property
    def label(self) -> str:
        return str(self.rule.get_kind_display()) + (f": {self.rule.subject}" if self.rule.subject else "")


def _credential_fails(credential: PassportCredential, rule: AcceptanceRule, on_date: datetime.date) -> str:
    status = credential.status_on(on_date)
    if status not in (CredentialStatus.ISSUED, CredentialStatus.ACCEPTED):
        return f"The passport's {credential} is {CredentialStatus(status).label.lower()}"
    if (
        rule.minimum_dbs_level
        and DBS_LEVEL_ORDER.get(credential.dbs_level, 0) < DBS_LEVEL_ORDER[rule.minimum_dbs_level]
    ):
        return f"Needs a {DBSLevel(rule.minimum_dbs_level).label.lower()} DBS check"
    if rule.requires_update_service and not credential.dbs_update_service:
        return "The DBS check is not on the update service"
    if rule.max_age_days is not None and (on_date - credential.issued_on).days > rule.max_age_days:
        return f"Issued more than {rule.max_age_days} days before the start date"
    if rule.accepted_issuer_sectors and credential.issued_by.sector not in rule.accepted_issuer_sectors:
        return f"Not accepted when issued by {credential.issued_by.get_sector_display().lower()}"
    return ""


def passport_evaluate(
    *, person: Person, organisation: Organisation, job_role: str, on_date: datetime.date
) -> list[PassportCheck]:
    """Which checks the receiving organisation can reuse from the passport and which it must repeat."""
    rules = list(
        AcceptanceRule.objects.filter(organisation=organisation).filter(Q(job_role="") | Q(job_role=job_role))
    )
    credentials = list(reusable_credentials(person=person).order_by("-issued_on", "-pk"))
    checks = []
    for rule in rules:
        candidates = [
            c
            for c in credentials
            if c.kind == rule.kind and (not rule.subject or rule.subject.casefold() in c.subject.casefold())
        ]
        if not candidates:
            checks.append(PassportCheck(rule, None, False, "Not on the passport"))
            continue
        failures = [(c, _credential_fails(c, rule, on_date)) for c in candidates]
        usable = next((c for c, failure in failures if not failure), None)
        if usable is not None:
            checks.append(PassportCheck(rule, usable, True, "Reused from the passport"))
        else:
            credential, failure = failures[0]
            checks.append(PassportCheck(rule, credential, False, failure))
    return checks


def credentials_changeable_by(*, user, person: Person) -> QuerySet[PassportCredential]:
    """The person's credentials issued by the user's organisations: only the issuer may revoke, reject or
    reinstate one, and never a credential of their own passport."""
    return person.credentials.filter(issued_by_id__in=hr_organisation_ids(user=user)).exclude(
        person_id__in=own_person_ids(user=user)
    )


def acceptance_rules_visible_to(*, user) -> QuerySet[AcceptanceRule]:
    return AcceptanceRule.objects.filter(organisation_id__in=hr_organisation_ids(user=user)).select_related(
        "organisation"
    )


def acceptance_rule_get_for_user(*, user, pk) -> AcceptanceRule:
    """One of the rules of the user's organisations, or 404."""
    return get_object_or_404(AcceptanceRule, pk=pk, organisation_id__in=hr_organisation_ids(user=user))


def reusable_credentials(*, person: Person) -> QuerySet[PassportCredential]:
    """What a passport offers a receiver: credentials verified by a second person that the holder has not
    rejected. Their status on the day (revoked, expired) is judged against each rule."""
    return (
        person.credentials.filter(verified_at__isnull=False)
        .exclude(holder_response=HolderResponse.REJECTED)
        .select_related("issued_by")
    )


def credentials_awaiting_verification(*, user) -> QuerySet[PassportCredential]:
    """Credentials the user's organisations issued that no second person has verified yet."""
    return (
        PassportCredential.objects.filter(
            issued_by_id__in=hr_organisation_ids(user=user), verified_at__isnull=True
        )
        .exclude(status=CredentialStatus.REVOKED)
        .exclude(person_id__in=own_person_ids(user=user))
        .select_related("person", "issued_by", "recorded_by")
        .order_by("recorded_at", "pk")
    )


def credential_to_verify_get(*, user, pk) -> PassportCredential:
    return get_object_or_404(credentials_awaiting_verification(user=user), pk=pk)


def reliances_visible_to(*, user) -> QuerySet[CredentialReliance]:
    """The credentials the user's organisations relied on, newest first, with their holder and issuer."""
    return CredentialReliance.objects.filter(
        organisation_id__in=hr_organisation_ids(user=user)
    ).select_related("credential__person", "credential__issued_by", "organisation", "share")


def shares_redeemed_by(*, user) -> QuerySet[PassportShare]:
    return PassportShare.objects.filter(
        organisation_id__in=hr_organisation_ids(user=user), redeemed_at__isnull=False
    ).select_related("person", "organisation", "redeemed_by")


def with_status_on(credentials, *, day: datetime.date) -> list[PassportCredential]:
    """The credentials, each with `status_today`: the label of its status on `day` (expired once past expiry)."""
    credentials = list(credentials)
    for credential in credentials:
        credential.status_today = CredentialStatus(credential.status_on(day)).label
    return credentials
