"""Sanctions against patients and visitors, and their lifecycle (`SANCTION_MOVES`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cms.audit import audit
from cms.lifecycle import Lifecycle, Move

from ..models import COLLEAGUE_SOURCES, IncidentReport, Sanction


@transaction.atomic
def sanction_propose(
    *, report: IncidentReport, actor, subject_description: str, kind: str, notes: str = "", request=None
) -> Sanction:
    if report.source in COLLEAGUE_SOURCES:
        raise ValidationError("Sanctions are for patients and visitors; colleague cases go to HR processes")
    sanction = Sanction(
        report=report,
        subject_description=subject_description.strip(),
        kind=kind,
        notes=notes,
        proposed_by=actor,
    )
    sanction.full_clean()
    sanction.save()
    audit(
        action="incident.sanction_proposed",
        obj=report,
        actor=actor,
        request=request,
        summary=report.reference,
    )
    return sanction


SANCTION_MOVES = Lifecycle(
    [
        Move(
            "clinical_review",
            "Record the clinical and capacity review",
            (Sanction.State.PROPOSED,),
            Sanction.State.CLINICAL_REVIEW,
        ),
        Move("approve", "Approve", (Sanction.State.CLINICAL_REVIEW,), Sanction.State.APPROVED),
        Move("issue", "Record it as issued", (Sanction.State.APPROVED,), Sanction.State.ISSUED),
        Move(
            "acknowledge", "Acknowledged by the person", (Sanction.State.ISSUED,), Sanction.State.ACKNOWLEDGED
        ),
        Move(
            "appeal",
            "Appealed by the person",
            (Sanction.State.ISSUED, Sanction.State.ACKNOWLEDGED),
            Sanction.State.APPEALED,
        ),
        Move(
            "review_due",
            "Mark the review as due",
            (Sanction.State.ISSUED, Sanction.State.ACKNOWLEDGED, Sanction.State.APPEALED),
            Sanction.State.REVIEW_DUE,
        ),
        Move(
            "extend",
            "Reviewed: keep it in place",
            (
                Sanction.State.REVIEW_DUE,
                Sanction.State.ACKNOWLEDGED,
                Sanction.State.ISSUED,
                Sanction.State.APPEALED,  # the appeal turned down
            ),
            Sanction.State.ISSUED,
        ),
        Move(
            "expire",
            "Expire now",
            (Sanction.State.REVIEW_DUE, Sanction.State.ACKNOWLEDGED, Sanction.State.ISSUED),
            Sanction.State.EXPIRED,
        ),
        Move(
            "revoke",
            "Revoke",
            (
                Sanction.State.PROPOSED,
                Sanction.State.CLINICAL_REVIEW,
                Sanction.State.APPROVED,
                Sanction.State.ISSUED,
                Sanction.State.ACKNOWLEDGED,
                Sanction.State.APPEALED,
                Sanction.State.REVIEW_DUE,
            ),
            Sanction.State.REVOKED,
        ),
    ],
    states=Sanction.State,
    wrong_state="A sanction that is {state} cannot do that",
)


@transaction.atomic
def sanction_advance(
    *,
    sanction: Sanction,
    actor,
    move: str,
    note: str = "",
    capacity_considered: bool = False,
    person_input_sought: bool = False,
    issued_on=None,
    review_on=None,
    expires_on=None,
    request=None,
) -> Sanction:
    target = SANCTION_MOVES.move(move, sanction.state).target
    errors = {}
    if move == "clinical_review":
        if not note.strip():
            errors["note"] = "Enter the clinician's view, including any medical factors"
        if not capacity_considered:
            errors["capacity_considered"] = "Confirm that the person's capacity was considered"
    if move == "approve" and actor.pk == sanction.proposed_by_id:
        raise PermissionDenied("Someone other than the person who proposed the sanction must approve it")
    if move == "issue":
        today = timezone.localdate()
        if issued_on is None:
            errors["issued_on"] = "Enter the date it was issued"
        elif issued_on > today:
            errors["issued_on"] = "The date issued must be today or in the past"
        if review_on is None:
            errors["review_on"] = "Enter the review date"
        elif issued_on is not None and review_on <= issued_on:
            errors["review_on"] = "The review date must be after the date issued"
    if move == "extend":
        # Kept in place after its review: the next review date is required, the expiry date may change.
        if review_on is None:
            errors["review_on"] = "Enter the next review date"
        elif review_on <= timezone.localdate():
            errors["review_on"] = "The next review date must be in the future"
    if move in ("issue", "extend") and expires_on is not None:
        if issued_on is not None and expires_on <= issued_on:
            errors["expires_on"] = "The expiry date must be after the date issued"
        elif expires_on <= timezone.localdate():
            errors["expires_on"] = "The expiry date must be in the future"
        elif review_on is not None and expires_on < review_on:
            errors["expires_on"] = "The expiry date must be on or after the review date"
    if move in ("appeal", "revoke") and not note.strip():
        errors["note"] = "Enter the reason"
    if errors:
        raise ValidationError(errors)
    sanction.state = target
    if move == "clinical_review":
        sanction.clinical_review_note = note.strip()
        sanction.capacity_considered = True
        sanction.person_input_sought = person_input_sought
    elif move == "approve":
        sanction.approved_by = actor
    elif move == "issue":
        sanction.issued_on, sanction.review_on, sanction.expires_on = issued_on, review_on, expires_on
    elif move == "extend":
        sanction.review_on, sanction.expires_on = review_on, expires_on
    if note.strip() and move != "clinical_review":
        sanction.notes = (sanction.notes + "\n" + note.strip()).strip()
    sanction.save()
    audit(
        action=f"incident.sanction_{move}",
        obj=sanction.report,
        actor=actor,
        request=request,
        summary=sanction.report.reference,
        detail={"sanction": sanction.pk},
    )
    return sanction
