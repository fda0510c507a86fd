"""The analysts' themes screen (every theme, a link to each question's analysis, create a theme across questions,
run campaign detection and review its groups) and one theme's page (rename, describe, merge, split)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cms.forms import apply_service_errors

from ..analysis_forms import ThemeSplitForm
from ..campaign_detection import campaign_min_size
from ..forms import ThemeChangeForm, ThemeForm, ThemeMergeForm
from ..selectors.campaigns import campaign_group_for, campaign_groups, duplicate_groups
from ..selectors.consultations import consultation_for_analysis
from ..selectors.questions import question_for, questions_for
from ..selectors.themes import theme_for, theme_for_analysis, theme_split_choices, themes_with_counts
from ..services.analysis import theme_split
from ..services.campaigns import campaign_detection_request, campaign_review
from ..services.themes import theme_create, theme_merge, theme_update
from .staff import bad_request, posted_id


def _create(request, consultation, *, questions, forms, **_):
    form = forms["theme_form"] = ThemeForm(request.POST, questions=questions)
    if not form.is_valid():
        return None
    chosen = form.cleaned_data["question"]
    chosen_question = question_for(consultation=consultation, pk=chosen) if chosen else None
    if chosen and chosen_question is None:
        form.add_error("question", "Choose a question from the list")
        return None
    theme_create(
        consultation=consultation,
        name=form.cleaned_data["name"],
        description=form.cleaned_data["description"],
        question=chosen_question,
        user=request.user,
        request=request,
    )
    messages.success(request, "Theme created.")
    return redirect("consultation:themes", pk=consultation.pk)


def _review_campaign(request, consultation, **_):
    group = campaign_group_for(consultation=consultation, pk=posted_id(request, "group_id"))
    decision = request.POST["action"].removeprefix("campaign_")
    group = campaign_review(group=group, user=request.user, decision=decision, request=request)
    messages.success(request, f"{group.label}: {group.get_review_display()}.")
    return redirect("consultation:themes", pk=consultation.pk)


def _detect_campaigns(request, consultation, **_):
    campaign_detection_request(consultation=consultation, user=request.user, request=request)
    messages.success(request, "Looking for campaigns and duplicates. Refresh this page in a minute.")
    return redirect("consultation:themes", pk=consultation.pk)


# Each action parses its form and calls one service; it answers with a response, or None to show the page again
# (400) with its bound form.
THEME_ACTIONS = {
    "create": _create,
    "campaign_confirmed": _review_campaign,
    "campaign_rejected": _review_campaign,
    "campaigns": _detect_campaigns,
}


@login_required
@require_http_methods(["GET", "POST"])
def themes(request, pk: int):
    consultation = consultation_for_analysis(user=request.user, pk=pk)
    questions = questions_for(consultation=consultation)
    forms = {"theme_form": ThemeForm(questions=questions)}
    status = 200
    if request.method == "POST":
        action = THEME_ACTIONS.get(request.POST.get("action"))
        if action is None:
            return bad_request(request, "Unknown action")
        try:
            answer = action(request, consultation, questions=questions, forms=forms)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            answer = None
        if answer is not None:
            return answer
        status = 400
    context = {
        "consultation": consultation,
        "theme_list": themes_with_counts(consultation=consultation),
        "theme_form": forms["theme_form"],
        "free_text_questions": [q for q in questions if q.has_free_text],
        "campaigns": campaign_groups(consultation=consultation),
        "min_size": campaign_min_size(),
        "duplicates": duplicate_groups(consultation=consultation)[:20],
        "breadcrumbs": [("Analysis", reverse("consultation:analysis")), (consultation.title, "")],
    }
    return render(request, "consultation/staff/themes.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request, pk: int):
    """Rename a theme, change its description, or merge it into another theme of the same consultation."""
    theme = theme_for_analysis(user=request.user, pk=pk)
    consultation = theme.consultation
    others = consultation.themes.exclude(pk=theme.pk).order_by("name")
    change_form = ThemeChangeForm(initial={"name": theme.name, "description": theme.description})
    merge_form = ThemeMergeForm(themes=others)
    split_choices = theme_split_choices(user=request.user, theme=theme)
    split_form = ThemeSplitForm(answers=split_choices)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "change":
            change_form = ThemeChangeForm(request.POST)
            if change_form.is_valid():
                try:
                    theme_update(
                        theme=theme,
                        user=request.user,
                        name=change_form.cleaned_data["name"],
                        description=change_form.cleaned_data["description"],
                        request=request,
                    )
                except ValidationError as exc:
                    apply_service_errors(change_form, exc)
                else:
                    messages.success(request, f"Theme “{change_form.cleaned_data['name'].strip()}” saved.")
                    return redirect("consultation:themes", pk=consultation.pk)
            status = 400
        elif action == "merge":
            merge_form = ThemeMergeForm(request.POST, themes=others)
            if merge_form.is_valid():
                target = theme_for(consultation=consultation, pk=merge_form.cleaned_data["target"])
                if target is None:
                    merge_form.add_error("target", "Choose a theme from the list")
                else:
                    try:
                        theme_merge(source=theme, target=target, user=request.user, request=request)
                    except ValidationError as exc:
                        apply_service_errors(merge_form, exc)
                    else:
                        messages.success(request, f"“{theme.name}” merged into “{target.name}”.")
                        return redirect("consultation:themes", pk=consultation.pk)
            status = 400
        elif action == "split":
            split_form = ThemeSplitForm(request.POST, answers=split_choices)
            if split_form.is_valid():
                try:
                    new = theme_split(
                        theme=theme,
                        name=split_form.cleaned_data["name"],
                        answer_ids=split_form.cleaned_data["answers"],
                        user=request.user,
                        request=request,
                    )
                except ValidationError as exc:
                    apply_service_errors(split_form, exc)
                else:
                    messages.success(
                        request, f"“{theme.name}” split: the chosen answers are now “{new.name}”."
                    )
                    return redirect("consultation:theme_edit", pk=theme.pk)
            status = 400
        else:
            return bad_request(request, "Unknown action")
    context = {
        "theme": theme,
        "consultation": consultation,
        "tag_counts": theme.tags.aggregate(
            total=Count("pk"), confirmed=Count("pk", filter=Q(confirmed_at__isnull=False))
        ),
        "change_form": change_form,
        "merge_form": merge_form,
        "split_form": split_form,
        "has_others": others.exists(),
        "breadcrumbs": [
            ("Analysis", reverse("consultation:analysis")),
            (consultation.title, reverse("consultation:themes", args=[consultation.pk])),
            (theme.name, ""),
        ],
    }
    return render(request, "consultation/staff/theme_edit.html", context, status=status)
