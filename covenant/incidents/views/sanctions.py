"""Sanctions on a case: proposing one and taking it through its lifecycle (`SANCTION_MOVES`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404

from ..forms.cases import SanctionMoveForm, SanctionProposeForm
from ..selectors.cases import case_get_for_handler, case_record_get
from ..services.sanctions import SANCTION_MOVES, sanction_advance, sanction_propose
from .form_pages import case_form_view, posted

SANCTION_WARNING = (
    "Emergency treatment is never withheld, whatever sanction is in place. A sanction may change where or how "
    "non-emergency care is given; it never stops urgent or emergency care."
)


@login_required
def sanction_add(request, pk: int):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    return case_form_view(
        request,
        report,
        SanctionProposeForm(posted(request)),
        heading="Propose a sanction",
        submit_label="Propose",
        warning=SANCTION_WARNING,
        intro="A clinician reviews capacity and medical factors, then someone other than you approves it.",
        on_valid=lambda d: sanction_propose(report=report, actor=request.user, request=request, **d),
    )


@login_required
def sanction_move(request, pk: int, sanction_pk: int, move: str):
    report = case_get_for_handler(user=request.user, pk=pk, request=request)
    sanction = case_record_get(user=request.user, records=report.sanctions, pk=sanction_pk, request=request)
    step = SANCTION_MOVES.get(move)
    if step is None or sanction.state not in step.sources:
        raise Http404
    return case_form_view(
        request,
        report,
        SanctionMoveForm(posted(request), move=move),
        heading=f"{sanction.get_kind_display()}: {step.label.lower()}",
        submit_label=step.label,
        warning=SANCTION_WARNING,
        on_valid=lambda d: sanction_advance(
            sanction=sanction, actor=request.user, move=move, request=request, **d
        ),
    )
