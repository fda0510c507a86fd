"""The workforce records on the records schedule (cms/retention.py, docs/records.md): people, moves, posts and
passport credentials, and what a subject-access export and erasure hold of them (`subject_access.py`).

A leaver's record is anonymised, not deleted, at the end of its period: the moves and employments counted in the
sector-flow and annual reports stay, but nothing in them says who the person was any more. Their earlier
versions (simple_history) go, since they still hold the name.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q

from cms.retention import (
    ANONYMISE,
    Eraser,
    RecordKind,
    SubjectSection,
    held_by,
    register_eraser,
    register_kind,
    register_section,
    register_subject_resolver,
    years,
)

from .erasure import credentials_delete, day_of, leavers_expired, people_anonymise
from .models import Assignment, JointArrangement, PassportCredential, Post, SectorMove
from .subject_access import SECTIONS, erase_subject, people_for
from .vocabulary import CredentialStatus, PostStatus

PERSON = "workforce.person"
HOLDABLE_PERSON = ((PERSON, "Person (workforce record number)"),)


def _moves_anonymise(ids: list[int], now: datetime.datetime) -> int:
    count = SectorMove.objects.filter(pk__in=ids).exclude(reason="").update(reason="")
    SectorMove.history.model.objects.filter(id__in=ids).delete()
    return count


def _credentials_expired(cutoff: datetime.datetime):
    day = day_of(cutoff)
    return PassportCredential.objects.filter(
        Q(expires_on__lte=day)
        | Q(status__in=[CredentialStatus.REJECTED, CredentialStatus.REVOKED], issued_on__lte=day)
    )


def _posts_expired(cutoff: datetime.datetime):
    """Closed posts that nobody holds or held, that no move or joint arrangement names, unchanged since the
    cut-off."""
    changed = Post.history.model.objects.filter(id=OuterRef("pk"), history_date__gt=cutoff)
    return Post.objects.filter(status=PostStatus.CLOSED).filter(
        ~Exists(changed),
        ~Exists(Assignment.objects.filter(post=OuterRef("pk"))),
        ~Exists(SectorMove.objects.filter(Q(from_post=OuterRef("pk")) | Q(to_post=OuterRef("pk")))),
        ~Exists(JointArrangement.objects.filter(post=OuterRef("pk"))),
    )


def _posts_delete(ids: list[int], now: datetime.datetime) -> int:
    deleted, per_model = Post.objects.filter(pk__in=ids).delete()
    Post.history.model.objects.filter(id__in=ids).delete()
    return per_model.get(Post._meta.label, 0)


STAFF_RECORD_BASIS = (
    "Employment records are kept six years after the person leaves, for claims and enquiries (Limitation Act "
    "1980; local policy set against the Records Management Code of Practice, Appendix II: check before go-live)."
)

register_kind(
    RecordKind(
        key="workforce.people",
        label="People (workforce records)",
        default_days=years(6),
        minimum_days=years(1),
        basis=STAFF_RECORD_BASIS + " Anonymised, not deleted, so the moves and headcounts in reports stay.",
        counts_from="the end of their last employment",
        expired=leavers_expired,
        method=ANONYMISE,
        purge=people_anonymise,
        held=held_by({PERSON: "pk"}),
        holdable=HOLDABLE_PERSON,
    )
)
register_kind(
    RecordKind(
        key="workforce.moves",
        label="Moves between sectors",
        default_days=years(6),
        minimum_days=years(1),
        basis=STAFF_RECORD_BASIS + " The move stays for the sector-flow figures; its free-text reason goes.",
        counts_from="the date the move took effect",
        expired=lambda cutoff: SectorMove.objects.filter(effective_date__lte=day_of(cutoff)).exclude(
            reason=""
        ),
        method=ANONYMISE,
        purge=_moves_anonymise,
        held=held_by({PERSON: "person_id", "workforce.sectormove": "pk"}),
        holdable=(*HOLDABLE_PERSON, ("workforce.sectormove", "Move (record number)")),
    )
)
register_kind(
    RecordKind(
        key="workforce.posts",
        label="Closed posts (and employments' posts no one held)",
        default_days=years(6),
        minimum_days=365,
        basis="A closed post nobody held is kept six years for funding and establishment queries.",
        counts_from="the post's last change",
        expired=_posts_expired,
        purge=_posts_delete,
        held=held_by({"workforce.post": "pk"}),
        holdable=(("workforce.post", "Post (record number)"),),
    )
)
register_kind(
    RecordKind(
        key="workforce.credentials",
        label="Passport credentials no longer valid",
        default_days=years(1),
        minimum_days=0,
        basis="A check that has expired, or was rejected or revoked, is kept a year to answer questions about "
        "decisions made on it (DBS Code of Practice: no longer than needed).",
        counts_from="its expiry (or, rejected or revoked, its issue)",
        expired=_credentials_expired,
        purge=credentials_delete,
        held=held_by({PERSON: "person_id", "workforce.passportcredential": "pk"}),
        holdable=(*HOLDABLE_PERSON, ("workforce.passportcredential", "Passport credential (record number)")),
    )
)

for _section in SECTIONS:
    register_section(SubjectSection(**_section))
register_eraser(Eraser(key="workforce", label="Workforce records", erase=erase_subject))
register_subject_resolver(people_for)
