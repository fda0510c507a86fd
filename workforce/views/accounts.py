"""People and roles at an organisation: inviting someone, a person's roles there (grant, revoke), leavers, and
the page where an invited person accepts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cms.access import permission_required
from cms.accounts.roles import ORGANISATION_ROLES
from cms.forms import apply_service_errors

from ..models import Membership
from ..organisation_forms import InvitationAcceptForm, InvitationForm, LeaverForm, RoleGrantForm, role_hints
from ..roles import MANAGE_ACCOUNTS
from ..selectors.organisations import (
    invitation_for_token,
    invitation_get_for_admin,
    invitation_problem,
    organisation_get_for_admin,
    organisation_member_get,
    roles_grantable_by,
)
from ..services.accounts import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    member_leave,
    role_grant,
    role_revoke,
)
from .organisations import LIST

account_admin_required = permission_required(MANAGE_ACCOUNTS)


def _crumbs(organisation, *rest):
    return [
        ("Home", "/"),
        LIST,
        (organisation.name, reverse("workforce:organisation_detail", args=[organisation.pk])),
        *rest,
    ]


@account_admin_required
@require_http_methods(["GET", "POST"])
def invitation_new(request, pk):
    organisation = organisation_get_for_admin(user=request.user, pk=pk, request=request)
    grantable = roles_grantable_by(user=request.user)
    form = InvitationForm(request.POST if request.method == "POST" else None, roles=grantable)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = invitation_create(
                    actor=request.user,
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    roles=form.cleaned_data["roles"],
                    request=request,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}")
                return redirect("workforce:organisation_detail", pk=pk)
        status = 400
    return render(
        request,
        "workforce/invitation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "role_hints": role_hints(grantable),
            "all_roles": len(grantable) == len(ORGANISATION_ROLES),
            "valid_days": settings.INVITATION_VALID_DAYS,
            "breadcrumbs": _crumbs(organisation, ("Invite someone", "")),
        },
        status=status,
    )


@account_admin_required
@require_POST
def invitation_cancel_view(request, pk, invitation_pk):
    organisation = organisation_get_for_admin(user=request.user, pk=pk, request=request)
    invitation = invitation_get_for_admin(user=request.user, organisation=organisation, pk=invitation_pk)
    try:
        invitation_cancel(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Invitation of {invitation.email} cancelled")
    return redirect("workforce:organisation_detail", pk=pk)


@account_admin_required
@require_http_methods(["GET", "POST"])
def member_detail(request, pk, user_pk):
    """A person's roles at the organisation: grant another, revoke one."""
    organisation = organisation_get_for_admin(user=request.user, pk=pk, request=request)
    member = organisation_member_get(organisation=organisation, user_pk=user_pk)
    form = RoleGrantForm(
        request.POST if request.POST.get("action") == "grant" else None,
        roles=roles_grantable_by(user=request.user),
    )
    revoke_error = None
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                membership = Membership.objects.filter(
                    organisation=organisation, user=member, pk=request.POST.get("membership")
                ).first()
                if membership is None:
                    raise ValidationError("Choose a role this person holds here")
                role_revoke(actor=request.user, membership=membership, request=request)
                messages.success(request, f"{membership.get_role_display()} removed from {member}")
                return redirect("workforce:member_detail", pk=pk, user_pk=user_pk)
            if form.is_valid():
                role_grant(
                    actor=request.user,
                    organisation=organisation,
                    user=member,
                    role=form.cleaned_data["role"],
                    request=request,
                )
                messages.success(request, f"{member} has a new role")
                return redirect("workforce:member_detail", pk=pk, user_pk=user_pk)
        except ValidationError as exc:
            if request.POST.get("action") == "revoke":
                revoke_error = " ".join(exc.messages)
            else:
                apply_service_errors(form, exc)
        status = 400
    return render(
        request,
        "workforce/member_detail.html",
        {
            "organisation": organisation,
            "member": member,
            "memberships": Membership.objects.filter(organisation=organisation, user=member),
            "form": form,
            "revoke_error": revoke_error,
            "breadcrumbs": _crumbs(organisation, (str(member), "")),
        },
        status=status,
    )


@account_admin_required
@require_http_methods(["GET", "POST"])
def member_leave_view(request, pk, user_pk):
    organisation = organisation_get_for_admin(user=request.user, pk=pk, request=request)
    member = organisation_member_get(organisation=organisation, user_pk=user_pk)
    form = LeaverForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                deactivated = member_leave(
                    actor=request.user,
                    organisation=organisation,
                    user=member,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{member} has left {organisation.display_name}"
                    + (" and their account is deactivated" if deactivated else ""),
                )
                return redirect("workforce:organisation_detail", pk=pk)
        status = 400
    return render(
        request,
        "workforce/member_leave.html",
        {
            "organisation": organisation,
            "member": member,
            "form": form,
            "breadcrumbs": _crumbs(
                organisation,
                (str(member), reverse("workforce:member_detail", args=[pk, user_pk])),
                ("Leaver", ""),
            ),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token):
    """Open to anyone with the link. A signed-in person accepts for their own account (if the invitation is for
    its address); anyone else sets up the invited address's account with a name and password."""
    invitation = invitation_for_token(token)
    problem = invitation_problem(invitation)
    context = {"invitation": invitation, "problem": problem, "breadcrumbs": [("Home", "/")]}
    if problem:
        return render(
            request, "workforce/invitation_accept.html", context, status=404 if invitation is None else 410
        )
    signed_in = request.user if request.user.is_authenticated else None
    form = None if signed_in else InvitationAcceptForm(request.POST if request.method == "POST" else None)
    context.update(form=form, signed_in=signed_in)
    if request.method == "POST":
        try:
            if signed_in is not None:
                invitation_accept(invitation=invitation, user=signed_in)
                messages.success(request, f"You now have your roles at {invitation.organisation.name}")
                return redirect("accounts:dashboard")
            if form.is_valid():
                invitation_accept(
                    invitation=invitation,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password"],
                )
                messages.success(
                    request, "Your account is ready. Sign in with your e-mail address and password."
                )
                return redirect("accounts:login")
        except ValidationError as exc:
            if form is not None:
                apply_service_errors(form, exc)
            else:
                context["problem"] = " ".join(exc.messages)
        return render(request, "workforce/invitation_accept.html", context, status=400)
    return render(request, "workforce/invitation_accept.html", context)
