"""Integrated teams inside a joint arrangement: setting one up, its members (employed by different partners),
its lead."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..record_forms import TeamForm, TeamLeadForm, TeamMemberEndForm, TeamMemberForm
from ..selectors.access import hr_organisations, is_hr_admin
from ..selectors.arrangements import joint_arrangement_get_for_user
from ..selectors.teams import team_can_manage, team_get_for_user, team_member_assignment, team_members_on
from ..services.teams import (
    integrated_team_create,
    integrated_team_lead_set,
    integrated_team_member_add,
    integrated_team_member_end,
)
from .base import HOME, hr_required
from .entry import record_form_page, run_service


def _arrangement_crumbs(arrangement, *more):
    return [
        ("Home", "/"),
        HOME,
        ("Joint arrangements", reverse("workforce:arrangement_list")),
        (arrangement.title, reverse("workforce:arrangement_detail", args=[arrangement.pk])),
        *more,
    ]


@hr_required
@require_http_methods(["GET", "POST"])
def team_create(request, arrangement_pk):
    arrangement = joint_arrangement_get_for_user(user=request.user, pk=arrangement_pk, request=request)
    if not is_hr_admin(user=request.user, organisation=arrangement.employer):
        raise PermissionDenied
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = run_service(
            form, integrated_team_create, actor=request.user, arrangement=arrangement, **form.cleaned_data
        )
        if team is not None:
            messages.success(request, f"Team {team.name} set up")
            return redirect("workforce:team_detail", pk=team.pk)
    return record_form_page(
        request,
        form,
        page_title="Set up an integrated team",
        caption=arrangement.title,
        intro="A multi-disciplinary team working across the partners of this arrangement. Each partner adds "
        "its own staff; they keep their employer.",
        submit_label="Set up team",
        breadcrumbs=_arrangement_crumbs(arrangement, ("Set up a team", "")),
        back=(f"Back to {arrangement.title}", reverse("workforce:arrangement_detail", args=[arrangement.pk])),
    )


@hr_required
@require_http_methods(["GET", "POST"])
def team_detail(request, pk):
    team = team_get_for_user(user=request.user, pk=pk, request=request)
    today = timezone.localdate()
    members = list(team_members_on(team=team, on_date=today))
    partner_ids = team.arrangement.partners.values_list("organisation_id", flat=True)
    own_partners = hr_organisations(user=request.user).filter(pk__in=partner_ids).order_by("name")
    can_manage = team_can_manage(user=request.user, team=team)
    action = request.POST.get("action") if request.method == "POST" else None
    member_form = TeamMemberForm(request.POST if action == "add" else None, organisations=own_partners)
    lead_form = TeamLeadForm(
        request.POST if action == "lead" else None, members=members, initial={"lead": team.lead_id}
    )
    end_form = TeamMemberEndForm(request.POST if action == "end" else None)
    if action == "add" and member_form.is_valid():
        data = member_form.cleaned_data
        assignment = team_member_assignment(
            user=request.user,
            employer=data["employer"],
            staff_number=data["staff_number"],
            on_date=data["start_date"],
        )
        if assignment is None:
            member_form.add_error(
                "staff_number",
                f"No one with staff number {data['staff_number']} is in post at "
                f"{data['employer'].display_name} on that date",
            )
        elif run_service(
            member_form,
            integrated_team_member_add,
            actor=request.user,
            team=team,
            assignment=assignment,
            start_date=data["start_date"],
        ):
            messages.success(request, f"{assignment.person.full_name} added to the team")
            return redirect("workforce:team_detail", pk=team.pk)
    elif action == "lead":
        if not can_manage:
            raise PermissionDenied
        if lead_form.is_valid() and run_service(
            lead_form, _lead_set, actor=request.user, team=team, lead=lead_form.cleaned_data["lead"]
        ):
            messages.success(request, "Team lead saved")
            return redirect("workforce:team_detail", pk=team.pk)
    elif action == "end" and end_form.is_valid():
        member = next((m for m in members if m.pk == end_form.cleaned_data["member"]), None)
        if member is None:
            end_form.add_error("member", "That person is not a current member of the team")
        elif run_service(
            end_form,
            _member_end,
            actor=request.user,
            member=member,
            end_date=end_form.cleaned_data["end_date"],
        ):
            messages.success(request, f"{member.person.full_name} has left the team")
            return redirect("workforce:team_detail", pk=team.pk)
    elif action is not None and action not in ("add", "end"):
        end_form.add_error(None, "Choose what to change")
    own_ids = {o.pk for o in own_partners}
    return render(
        request,
        "workforce/team_detail.html",
        {
            "team": team,
            "members": members,
            "can_manage": can_manage,
            "member_form": member_form if own_ids else None,
            "lead_form": lead_form,
            "end_form": end_form,
            "can_end": {
                m.pk for m in members if can_manage or m.assignment.employment.employer_id in own_ids
            },
            "today": today,
            "breadcrumbs": _arrangement_crumbs(team.arrangement, (team.name, "")),
        },
        status=400 if request.method == "POST" else 200,
    )


def _lead_set(**kwargs):
    integrated_team_lead_set(**kwargs)
    return True


def _member_end(**kwargs):
    integrated_team_member_end(**kwargs)
    return True
