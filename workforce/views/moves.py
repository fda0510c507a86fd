"""Sector moves: the list, recording a move from a person's page (or, at the receiving end, an arrival from
outside the system), a move's page and confirming the arrival."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cms.forms import apply_service_errors

from ..filters import SectorMoveFilter
from ..forms import MoveRecordForm
from ..record_forms import ArrivalForm
from ..selectors.history import history_rows
from ..selectors.moves import (
    arrival_assignments,
    move_can_confirm,
    move_from_posts,
    move_get_for_user,
    move_passport_checks,
    moves_visible_to,
)
from ..selectors.people import person_current_assignments, person_get_for_user
from ..services.arrivals import sector_move_arrival_record
from ..services.moves import sector_move_confirm, sector_move_record
from ..tables import SectorMoveTable
from ..vocabulary import MoveType
from .base import HOME, HRTableView, hr_required
from .entry import record_form_page, run_service


class SectorMoveListView(HRTableView):
    table_class = SectorMoveTable

    filterset_class = SectorMoveFilter
    export_name = "moves"
    page_title = "Moves"
    page_intro = "Moves out of and into your organisations, with both ends recorded."

    def get_base_queryset(self):
        return moves_visible_to(user=self.request.user)


@hr_required
@require_http_methods(["GET", "POST"])
def move_record(request, person_pk):
    person = person_get_for_user(user=request.user, pk=person_pk, request=request)
    current_posts = [a.post for a in person_current_assignments(person=person, on_date=timezone.localdate())]
    from_posts = move_from_posts(user=request.user, current_posts=current_posts)
    form = MoveRecordForm(request.POST or None, from_posts=from_posts, current_posts=current_posts)
    if current_posts and not request.POST:
        form.initial["from_post"] = current_posts[0].pk
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            move = sector_move_record(
                actor=request.user,
                person=person,
                move_type=data["move_type"],
                from_post=data["from_post"],
                to_organisation=data["to_organisation"],
                to_post=data["to_post"],
                joint_arrangement=data["joint_arrangement"],
                destination_sector=data["destination_sector"],
                offer_date=data["offer_date"],
                effective_date=data["effective_date"],
                end_date=data["end_date"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(
                form,
                exc,
                aliases={"to_post": "to_post_reference", "joint_arrangement": "joint_arrangement_number"},
            )
        else:
            if move.move_type == MoveType.LEAVER:
                messages.success(request, f"{person.full_name} recorded as a leaver")
            else:
                messages.success(
                    request,
                    f"Move recorded. {move.to_organisation.display_name} must now confirm {person.full_name}'s arrival",
                )
            return redirect("workforce:move_detail", pk=move.pk)
    return render(
        request,
        "workforce/move_form.html",
        {
            "form": form,
            "person": person,
            "breadcrumbs": [
                ("Home", "/"),
                HOME,
                (person.full_name, reverse("workforce:person_detail", args=[person.pk])),
                ("Record a move", ""),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@hr_required
def move_detail(request, pk):
    move = move_get_for_user(user=request.user, pk=pk, request=request)
    return render(
        request,
        "workforce/move_detail.html",
        {
            "move": move,
            "checks": move_passport_checks(move=move),
            "reused": move.credentials_reused.select_related("issued_by"),
            "can_confirm": move_can_confirm(user=request.user, move=move),
            "history": history_rows(obj=move),
            "breadcrumbs": [("Home", "/"), HOME, ("Moves", reverse("workforce:move_list")), (str(move), "")],
        },
    )


@hr_required
@require_http_methods(["POST"])
def move_confirm(request, pk):
    move = move_get_for_user(user=request.user, pk=pk, request=request)
    if not move_can_confirm(user=request.user, move=move):
        raise PermissionDenied
    try:
        move = sector_move_confirm(move=move, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workforce:move_detail", pk=move.pk)
    messages.success(
        request,
        f"Arrival confirmed. {move.credentials_reused.count()} checks reused from the passport, "
        f"{len(move.checks_repeated)} to repeat",
    )
    return redirect("workforce:move_detail", pk=move.pk)


@hr_required
@require_http_methods(["GET", "POST"])
def arrival_record(request, person_pk):
    """The receiving side records an arrival from an organisation that does not use the system."""
    person = person_get_for_user(user=request.user, pk=person_pk, request=request)
    assignments = arrival_assignments(user=request.user, person=person)
    if not assignments.exists():
        raise PermissionDenied
    form = ArrivalForm(request.POST or None, assignments=assignments)
    if request.method == "POST" and form.is_valid():
        move = run_service(form, sector_move_arrival_record, actor=request.user, **form.cleaned_data)
        if move is not None:
            messages.success(request, f"Arrival from {move.from_display} recorded")
            return redirect("workforce:move_detail", pk=move.pk)
    return record_form_page(
        request,
        form,
        page_title="Record where they came from",
        caption=person.full_name,
        intro="For someone who joined you from an organisation that does not use this system, or from outside "
        "health and care. The move counts in the sector flow report from the date they started the post.",
        submit_label="Record arrival",
        breadcrumbs=[
            ("Home", "/"),
            HOME,
            ("People", reverse("workforce:person_list")),
            (person.full_name, reverse("workforce:person_detail", args=[person.pk])),
            ("Record where they came from", ""),
        ],
        back=(f"Back to {person.full_name}", reverse("workforce:person_detail", args=[person.pk])),
    )
