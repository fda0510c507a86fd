"""The analyst's per-question workflow: ask for suggested themes or suggested tags (background runs), accept or
reject a suggested theme, split a theme, and confirm or reject suggested tags in bulk. The runs' work is in
`covenant/consultation/theme_analysis.py`; themes and single tags are in `services/themes.py`."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.access import require_permission
from cms.audit import audit

from ..models.analysis import AnalysisRun, Theme, ThemeSuggestion, ThemeTag, ThemeTagRejection
from ..models.questions import Question
from ..roles import ANALYSE_PERMISSION
from ..tasks import assign_themes, suggest_themes
from ..vocabulary import AnalysisKind, Origin, RunStatus, SuggestionState
from .themes import theme_create

TASKS = {AnalysisKind.SUGGEST: suggest_themes, AnalysisKind.ASSIGN: assign_themes}
REVIEW_DECISIONS = ("confirm", "reject")
STALE_AFTER = timedelta(hours=1)


@transaction.atomic
def analysis_run_request(*, question: Question, kind: str, user, request=None) -> AnalysisRun:
    """Start suggesting themes (or which themes each answer raises) for a question, in the background. One run of
    each kind at a time per question."""
    require_permission(user, ANALYSE_PERMISSION)
    if kind not in TASKS:
        raise ValidationError("Choose what to suggest")
    if not question.has_free_text:
        raise ValidationError("Only questions with free text answers have themes")
    Question.objects.select_for_update().filter(pk=question.pk).first()  # one request at a time per question
    # A run left waiting or running for longer than STALE_AFTER lost its worker: it no longer blocks a new one.
    if AnalysisRun.objects.filter(
        question=question,
        kind=kind,
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
        created_at__gte=timezone.now() - STALE_AFTER,
    ).exists():
        raise ValidationError("That is already running for this question. Its progress is shown below.")
    if kind == AnalysisKind.ASSIGN and not Theme.objects.filter(question=question).exists():
        raise ValidationError("Accept or add at least one theme for this question first")
    run = AnalysisRun.objects.create(question=question, kind=kind, requested_by=user)
    TASKS[kind].enqueue(run_id=run.pk)  # the task row commits with the run (the database backend)
    audit(
        action=f"consultation.analysis_{kind}_requested",
        actor=user,
        request=request,
        obj=run,
        summary=f"{run.get_kind_display()} for question {question.number}",
        detail={"question": question.pk},
    )
    return run


def _open_suggestion(suggestion: ThemeSuggestion) -> ThemeSuggestion:
    locked = (
        ThemeSuggestion.objects.select_for_update()
        .select_related("question")
        .filter(pk=suggestion.pk)
        .first()
    )
    if locked is None or locked.state != SuggestionState.PROPOSED:
        raise ValidationError("That suggestion has already been decided, or the suggestions were made again")
    return locked


@transaction.atomic
def theme_suggestion_accept(
    *, suggestion: ThemeSuggestion, name: str, user, description: str = "", request=None
) -> Theme:
    """Accept a suggested theme under the analyst's name for it. Its representative answers are tagged by the
    system, waiting for the analyst to confirm them (confirmed answers teach the assignment what the theme is)."""
    require_permission(user, ANALYSE_PERMISSION)
    suggestion = _open_suggestion(suggestion)
    question = suggestion.question
    theme = theme_create(
        consultation=question.consultation,
        name=name,
        description=description or f"Suggested from the words: {suggestion.terms}",
        user=user,
        question=question,
        origin=Origin.SYSTEM,
        request=request,
    )
    ThemeTag.objects.bulk_create(
        [
            ThemeTag(answer_id=answer_id, theme=theme, origin=Origin.SYSTEM)
            for answer_id in question.answers.filter(pk__in=suggestion.representatives).values_list(
                "pk", flat=True
            )
        ],
        ignore_conflicts=True,
    )
    suggestion.state, suggestion.theme = SuggestionState.ACCEPTED, theme
    suggestion.decided_by, suggestion.decided_at = user, timezone.now()
    suggestion.save(update_fields=["state", "theme", "decided_by", "decided_at"])
    return theme


@transaction.atomic
def theme_suggestion_reject(*, suggestion: ThemeSuggestion, user, request=None) -> ThemeSuggestion:
    """Reject a suggested theme: it, and any suggestion like it later, is not offered again for this question."""
    require_permission(user, ANALYSE_PERMISSION)
    suggestion = _open_suggestion(suggestion)
    suggestion.state = SuggestionState.REJECTED
    suggestion.decided_by, suggestion.decided_at = user, timezone.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at"])
    audit(
        action="consultation.theme_suggestion_rejected",
        actor=user,
        request=request,
        obj=suggestion,
        summary=f"Suggested theme rejected: {suggestion.terms}",
        detail={"question": suggestion.question_id},
    )
    return suggestion


@transaction.atomic
def theme_split(
    *, theme: Theme, name: str, answer_ids: list[int], user, description: str = "", request=None
) -> Theme:
    """Split a theme: the tags of the chosen answers move to a new theme for the same question, keeping who made
    and confirmed each."""
    require_permission(user, ANALYSE_PERMISSION)
    theme = Theme.objects.select_for_update().filter(pk=theme.pk).first()
    if theme is None:
        raise ValidationError({"name": "This theme no longer exists: it was merged into another theme"})
    tags = ThemeTag.objects.select_for_update().filter(theme=theme, answer_id__in=answer_ids)
    if not tags.exists():
        raise ValidationError({"answers": "Choose the answers that belong in the new theme"})
    if tags.count() == theme.tags.count():
        raise ValidationError({"answers": "Leave at least one answer in this theme, or rename it instead"})
    new = theme_create(
        consultation=theme.consultation,
        name=name,
        description=description,
        user=user,
        question=theme.question,
        origin=Origin.PERSON,
        request=request,
    )
    moved = tags.update(theme=new)
    audit(
        action="consultation.theme_split",
        actor=user,
        request=request,
        obj=new,
        summary=f"Theme {theme.name} split: {moved} tags moved to {new.name}",
        detail={"from": theme.pk, "to": new.pk, "tags_moved": moved},
    )
    return new


@transaction.atomic
def tags_review(*, question: Question, tag_ids: list[int], decision: str, user, request=None) -> int:
    """Confirm or reject, together, suggested tags of a question's answers. A rejected suggestion is removed and
    remembered, so the system never suggests that theme for that answer again. Returns how many were decided."""
    require_permission(user, ANALYSE_PERMISSION)
    if decision not in REVIEW_DECISIONS:
        raise ValidationError("Choose confirm or reject")
    tags = ThemeTag.objects.select_for_update().filter(
        pk__in=tag_ids, answer__question=question, confirmed_at__isnull=True
    )
    pairs = list(tags.values_list("pk", "answer_id", "theme_id"))
    if not pairs:
        raise ValidationError("Choose at least one suggested theme to confirm or reject")
    if decision == "confirm":
        tags.update(confirmed_by=user, confirmed_at=timezone.now())
    else:
        ThemeTagRejection.objects.bulk_create(
            [
                ThemeTagRejection(answer_id=answer, theme_id=theme, rejected_by=user)
                for _, answer, theme in pairs
            ],
            ignore_conflicts=True,
        )
        ThemeTag.objects.filter(pk__in=[pk for pk, _, _ in pairs]).delete()
    audit(
        action=f"consultation.tags_{decision}ed",
        actor=user,
        request=request,
        obj=question,
        summary=f"{len(pairs)} suggested tags {decision}ed for question {question.number}",
        detail={"tags": len(pairs)},
    )
    return len(pairs)
