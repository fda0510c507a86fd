"""The staff passport: the rules by which the user's organisations reuse checks instead of repeating them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cms.forms import apply_service_errors

from ..forms import AcceptanceRuleForm
from ..selectors.access import hr_organisations
from ..selectors.passport import acceptance_rule_get_for_user, acceptance_rules_visible_to
from ..services.passport import acceptance_rule_create, acceptance_rule_delete
from .base import HOME, hr_required


@hr_required
@require_http_methods(["GET", "POST"])
def acceptance_rules(request):
    organisations = hr_organisations(user=request.user)
    form = AcceptanceRuleForm(None, organisations=organisations)
    status = 200
    if request.method == "POST" and request.POST.get("delete"):
        rule = acceptance_rule_get_for_user(user=request.user, pk=request.POST["delete"])
        acceptance_rule_delete(actor=request.user, rule=rule)
        messages.success(request, "Rule removed")
        return redirect("workforce:acceptance_rules")
    if request.method == "POST":
        form = AcceptanceRuleForm(request.POST, organisations=organisations)
        if form.is_valid():
            data = dict(form.cleaned_data)
            organisation = data.pop("organisation")
            data["minimum_dbs_level"] = data["minimum_dbs_level"] or ""
            try:
                acceptance_rule_create(actor=request.user, organisation=organisation, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Rule added")
                return redirect("workforce:acceptance_rules")
        status = 400
    return render(
        request,
        "workforce/acceptance_rules.html",
        {
            "form": form,
            "rules": acceptance_rules_visible_to(user=request.user),
            "breadcrumbs": [("Home", "/"), HOME, ("Passport acceptance rules", "")],
        },
        status=status,
    )
