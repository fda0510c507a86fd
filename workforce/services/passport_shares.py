"""Sharing a staff passport: the holder makes a time-limited code for one receiving organisation, whose HR
administrators redeem it once to see what they may reuse under their acceptance rules.

A code is 12 characters from 32 letters and digits that cannot be mistaken for each other (2^60 codes),
shown to the holder once and stored only as its HMAC-SHA256 keyed with HASHING_KEY, looked up by that hash on a
unique index and compared in constant time. It expires SHARE_LIFETIME after it is made, works once, and only
for the organisation it names. Redemption is rate limited per account: every attempt is counted before the
look-up and a right code is given back, so REDEEM_FAILURES_PER_HOUR wrong codes an hour lock the account out of
redeeming for the rest of that hour.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cms.audit import audit
from cms.counters import cache_count

from ..models import Organisation, PassportShare
from ..selectors.access import hr_organisation_ids
from ..selectors.passport import passport_evaluate
from ..selectors.passport_holders import person_for_user
from ..vocabulary import JobRole
from .passport import credential_reliances_record, error_code, field_error

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0 or 1
CODE_LENGTH = 12
SHARE_LIFETIME = timezone.timedelta(days=7)
REDEEM_FAILURES_PER_HOUR = 10
REDEEM_WINDOW_SECONDS = 60 * 60
BAD_CODE = "This code is not right, has expired, has been used or is for another organisation"


def share_code_normalise(code: str) -> str:
    """The code as typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -\t")


def share_code_is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def share_code_hash(code: str) -> str:
    return hmac.new(
        settings.HASHING_KEY.encode(), b"workforce-passport-share:" + code.encode(), hashlib.sha256
    ).hexdigest()


def share_code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class NewShare:
    share: PassportShare
    code: str  # shown to the holder once; never stored

    @property
    def display_code(self) -> str:
        return share_code_display(self.code)


@transaction.atomic
def passport_share_create(*, actor, organisation: Organisation) -> NewShare:
    """The holder shares their passport with one organisation for SHARE_LIFETIME."""
    person = person_for_user(user=actor)
    if person is None:
        raise PermissionDenied("Your account is not linked to a staff record.")
    if not organisation.is_active:
        raise ValidationError({"organisation": "Choose an organisation that is still open"})
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    share = PassportShare.objects.create(
        person=person,
        organisation=organisation,
        code_hash=share_code_hash(code),
        created_by=actor,
        expires_at=timezone.now() + SHARE_LIFETIME,
    )
    audit(
        action="workforce.passport_share.created",
        actor=actor,
        obj=share,
        summary=f"Passport of person {person.pk} shared with {organisation.name}",
        detail={"organisation": organisation.pk, "expires_at": share.expires_at.isoformat()},
    )
    return NewShare(share=share, code=code)


@transaction.atomic
def passport_share_withdraw(*, actor, share: PassportShare) -> None:
    person = person_for_user(user=actor)
    if person is None or share.person_id != person.pk:
        raise PermissionDenied("Only the holder can withdraw this code.")
    if share.redeemed_at is not None or share.withdrawn_at is not None:
        raise ValidationError({"share": "This code has already been used or withdrawn"})
    share.withdrawn_at = timezone.now()
    share.save(update_fields=["withdrawn_at"])
    audit(
        action="workforce.passport_share.withdrawn",
        actor=actor,
        obj=share,
        summary=f"Code {share.pk} withdrawn",
    )


def _redeem_counter_key(user) -> str:
    return f"workforce:passport-redeem:{user.pk}:{int(time.time() // REDEEM_WINDOW_SECONDS)}"


def _give_back(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:  # the window has ended since
        pass


def passport_share_redeem(*, actor, code: str, job_role: str = "") -> PassportShare:
    """Redeem a code for one of the actor's organisations: records who redeemed it and which credentials the
    organisation relies on. A wrong, expired, used, withdrawn or other organisation's code gets one answer."""
    if job_role and job_role not in JobRole.values:
        raise ValidationError({"job_role": "Choose a role from the list"})
    code = share_code_normalise(code)
    if not share_code_is_well_formed(code):
        raise ValidationError({"code": f"Enter the {CODE_LENGTH}-character code, like ABCD-EFGH-JKLM"})
    key = _redeem_counter_key(actor)
    count = cache_count(key, timeout=REDEEM_WINDOW_SECONDS + 60)
    if count is not None and count > REDEEM_FAILURES_PER_HOUR:
        _give_back(key)
        audit(action="workforce.passport_share.redeem_refused", actor=actor, summary="Too many wrong codes")
        raise field_error(
            "code",
            "Too many wrong codes have been tried from your account. Try again in an hour.",
            "rate_limited",
        )
    try:
        share = _redeem(actor=actor, code=code, job_role=job_role)
    except ValidationError as exc:
        audit(
            action="workforce.passport_share.redeem_failed",
            actor=actor,
            summary="A passport code that opens nothing",
            detail={"reason": error_code(exc) or "bad_code"},
        )
        raise
    _give_back(key)
    return share


@transaction.atomic
def _redeem(*, actor, code: str, job_role: str) -> PassportShare:
    digest = share_code_hash(code)
    share = PassportShare.objects.select_for_update().filter(code_hash=digest).first()
    now = timezone.now()
    reason = ""
    if share is None or not hmac.compare_digest(share.code_hash, digest):
        reason = "unknown"
    elif share.organisation_id not in hr_organisation_ids(user=actor):
        reason = "other_organisation"
    elif share.withdrawn_at is not None:
        reason = "withdrawn"
    elif share.redeemed_at is not None:
        reason = "used"
    elif share.expires_at <= now:
        reason = "expired"
    if reason:
        raise field_error("code", BAD_CODE, reason)
    share.redeemed_at = now
    share.redeemed_by = actor
    share.job_role = job_role
    share.save(update_fields=["redeemed_at", "redeemed_by", "job_role"])
    checks = passport_evaluate(
        person=share.person, organisation=share.organisation, job_role=job_role, on_date=timezone.localdate()
    )
    credential_reliances_record(
        credentials=[c.credential for c in checks if c.reused], organisation=share.organisation, share=share
    )
    audit(
        action="workforce.passport_share.redeemed",
        actor=actor,
        obj=share,
        summary=f"Passport of person {share.person_id} redeemed by {share.organisation.name}",
        detail={"reused": [c.credential.pk for c in checks if c.reused]},
    )
    return share
