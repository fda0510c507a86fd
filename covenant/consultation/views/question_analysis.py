"""One question's analysis screen, the analyst's workflow in order: suggest candidate themes (in the background);
accept (naming it), reject, or add their own; suggest which themes each answer raises (in the background); then
confirm or reject the suggested tags, together or one at a time. It shows the runs' progress and how far the
suggestions agree with the analysts' decisions so far."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cms.forms import apply_service_errors

from ..analysis_forms import SuggestionAcceptForm, TagReviewForm
from ..forms import ThemeChangeForm
from ..models.analysis import Theme
from ..selectors.analysis import (
    answers_to_review,
    latest_runs,
    question_agreement,
    question_for_analysis,
    theme_suggestion_for,
    theme_suggestions,
)
from ..services.analysis import (
    analysis_run_request,
    tags_review,
    theme_suggestion_accept,
    theme_suggestion_reject,
)
from ..services.themes import theme_create
from ..vocabulary import AnalysisKind
from .staff import bad_request, posted_id

PAGE_SIZE = 25


def _run(request, question, **_):
    kind = AnalysisKind.SUGGEST if request.POST["action"] == "suggest" else AnalysisKind.ASSIGN
    analysis_run_request(question=question, kind=kind, user=request.user, request=request)
    messages.success(request, "Started. The progress is shown below: refresh the page to update it.")


def _accept(request, question, *, forms, **_):
    form = forms["accept_form"] = SuggestionAcceptForm(request.POST)
    if not form.is_valid():
        return False
    suggestion = theme_suggestion_for(
        user=request.user, question=question, pk=form.cleaned_data["suggestion"]
    )
    try:
        theme = theme_suggestion_accept(
            suggestion=suggestion, name=form.cleaned_data["name"], user=request.user, request=request
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return False
    messages.success(request, f"Theme “{theme.name}” accepted. Confirm its example answers below.")


def _reject(request, question, **_):
    suggestion = theme_suggestion_for(
        user=request.user, question=question, pk=posted_id(request, "suggestion")
    )
    theme_suggestion_reject(suggestion=suggestion, user=request.user, request=request)
    messages.success(request, "Suggestion rejected. It will not be suggested again for this question.")


def _create(request, question, *, forms, **_):
    form = forms["theme_form"] = ThemeChangeForm(request.POST)
    if not form.is_valid():
        return False
    try:
        theme_create(
            consultation=question.consultation,
            question=question,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            user=request.user,
            request=request,
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return False
    messages.success(request, f"Theme “{form.cleaned_data['name'].strip()}” added.")


def _review(request, question, *, forms, **_):
    form = forms["review_form"] = TagReviewForm(request.POST)
    if not form.is_valid():
        return False
    count = tags_review(
        question=question,
        tag_ids=form.cleaned_data["tags"],
        decision=form.cleaned_data["decision"],
        user=request.user,
        request=request,
    )
    done = "confirmed" if form.cleaned_data["decision"] == "confirm" else "rejected"
    messages.success(request, f"{count} suggested theme{'s' if count != 1 else ''} {done}.")


# Each action calls one service; False shows the page again (400) with the bound form's errors.
ACTIONS = {
    "suggest": _run,
    "assign": _run,
    "accept": _accept,
    "reject_suggestion": _reject,
    "create": _create,
    "review": _review,
}


@login_required
@require_http_methods(["GET", "POST"])
def question_analysis(request, pk: int):
    question = question_for_analysis(user=request.user, pk=pk)
    consultation = question.consultation
    forms = {"accept_form": None, "theme_form": ThemeChangeForm(), "review_form": None}
    status = 200
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action"))
        if action is None:
            return bad_request(request, "Unknown action")
        try:
            outcome = action(request, question, forms=forms)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            outcome = False
        if outcome is not False:
            return redirect(
                f"{reverse('consultation:question_analysis', args=[question.pk])}{_page_query(request)}"
            )
        status = 400
    themes = (
        Theme.objects.filter(question=question)
        .annotate(
            confirmed=Count("tags", filter=Q(tags__confirmed_at__isnull=False), distinct=True),
            waiting=Count("tags", filter=Q(tags__confirmed_at__isnull=True), distinct=True),
        )
        .order_by("name")
    )
    page = Paginator(answers_to_review(user=request.user, question=question), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for answer in page:
        answer.suggested = [tag for tag in answer.tags.all() if not tag.is_confirmed]
        answer.confirmed = [tag for tag in answer.tags.all() if tag.is_confirmed]
    context = {
        "question": question,
        "consultation": consultation,
        "runs": latest_runs(question=question),
        "suggestions": theme_suggestions(user=request.user, question=question),
        "themes": themes,
        "agreement": question_agreement(question=question),
        "page": page,
        "page_tag_ids": [tag.pk for answer in page for tag in answer.suggested],
        **forms,
        "breadcrumbs": [
            ("Analysis", reverse("consultation:analysis")),
            (consultation.title, reverse("consultation:themes", args=[consultation.pk])),
            (f"Question {question.number}", ""),
        ],
    }
    return render(request, "consultation/staff/question_analysis.html", context, status=status)


def _page_query(request) -> str:
    page = request.GET.get("page", "")
    return f"?page={page}" if page.isdigit() else ""
