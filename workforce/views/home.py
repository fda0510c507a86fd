"""The workforce landing page."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from cms.access import has_permission

from ..roles import HR_ADMIN, VIEW_WORKFORCE
from ..selectors.access import can_view_reports, organisations_for_user
from ..selectors.moves import moves_to_confirm


def home(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Analysts land here too, and see only the aggregate reports.
    if not (has_permission(request.user, VIEW_WORKFORCE) or can_view_reports(user=request.user)):
        raise PermissionDenied
    return render(
        request,
        "workforce/home.html",
        {
            "organisations": organisations_for_user(user=request.user, role=HR_ADMIN),
            "moves_to_confirm": moves_to_confirm(user=request.user).count(),
            "can_view_reports": can_view_reports(user=request.user),
            "breadcrumbs": [("Home", "/"), ("Workforce", "")],
        },
    )
