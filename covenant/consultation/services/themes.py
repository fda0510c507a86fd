"""Themes: analysts create, change and merge them and tag answers to them, one at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.access import require_permission
from cms.audit import audit

from ..models.analysis import Theme, ThemeTag, ThemeTagRejection
from ..models.questions import Question
from ..models.responses import Answer
from ..roles import ANALYSE_PERMISSION
from ..vocabulary import ModerationState, Origin

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage


@transaction.atomic
def theme_create(
    *,
    consultation: ConsultationPage,
    name: str,
    user,
    description: str = "",
    question: Question | None = None,
    origin: str = Origin.PERSON,
    request=None,
) -> Theme:
    require_permission(user, ANALYSE_PERMISSION)
    name = name.strip()
    if not name:
        raise ValidationError("Enter a name for the theme")
    if question is not None and question.consultation_id != consultation.pk:
        raise ValidationError("That question is not part of this consultation")
    if Theme.objects.filter(consultation=consultation, name__iexact=name).exists():
        raise ValidationError("There is already a theme with that name")
    theme = Theme.objects.create(
        consultation=consultation,
        name=name[:120],
        description=description[:400],
        question=question,
        origin=origin,
        created_by=user,
    )
    audit(
        action="consultation.theme_created", actor=user, request=request, obj=theme, summary=f"Theme {name}"
    )
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, user, name: str, description: str = "", request=None) -> Theme:
    """Rename a theme or change its description. Its tags stay as they are."""
    require_permission(user, ANALYSE_PERMISSION)
    name = name.strip()
    description = description.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the theme"})
    if len(name) > 120:
        raise ValidationError({"name": "The theme name must be 120 characters or fewer"})
    if len(description) > 400:
        raise ValidationError({"description": "The description must be 400 characters or fewer"})
    theme = Theme.objects.select_for_update().filter(pk=theme.pk).first()
    if theme is None:  # merged away by another analyst since the page was loaded
        raise ValidationError({"name": "This theme no longer exists: it was merged into another theme"})
    clash = Theme.objects.filter(consultation_id=theme.consultation_id, name__iexact=name).exclude(
        pk=theme.pk
    )
    if clash.exists():
        raise ValidationError({"name": "There is already a theme with that name"})
    before = {"name": theme.name, "description": theme.description}
    theme.name, theme.description = name, description
    try:
        with transaction.atomic():
            theme.save(update_fields=["name", "description"])
    except IntegrityError as exc:  # another analyst took the name a moment ago
        raise ValidationError({"name": "There is already a theme with that name"}) from exc
    audit(
        action="consultation.theme_changed",
        actor=user,
        request=request,
        obj=theme,
        summary=f"Theme {before['name']} changed",
        detail={"from": before, "to": {"name": name, "description": description}},
    )
    return theme


@transaction.atomic
def theme_merge(*, source: Theme, target: Theme, user, request=None) -> Theme:
    """Merge `source` into `target`: its tags move to the target and `source` is deleted.

    Each tag keeps who made it and who confirmed it. Where both themes tagged the same answer (one tag per
    answer and theme is allowed), the target's tag stays, unless only the source's was confirmed by a
    person, in which case that confirmed tag takes its place."""
    require_permission(user, ANALYSE_PERMISSION)
    if source.pk == target.pk:
        raise ValidationError({"target": "Choose a different theme to merge into"})
    if source.consultation_id != target.consultation_id:
        raise ValidationError({"target": "That theme belongs to another consultation"})
    # Lock both in a fixed order so two merges of the same pair cannot deadlock.
    locked = {
        theme.pk: theme
        for theme in Theme.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError({"target": "That theme no longer exists"})
    source, target = locked[source.pk], locked[target.pk]
    source_tags = list(ThemeTag.objects.select_for_update().filter(theme=source).select_related("answer"))
    if target.question_id is not None:
        elsewhere = [tag for tag in source_tags if tag.answer.question_id != target.question_id]
        if elsewhere:
            raise ValidationError(
                {
                    "target": f"“{source.name}” tags answers to other questions than the one “{target.name}” is "
                    "for. Merge it into a theme across all questions instead"
                }
            )
    target_tags = {
        tag.answer_id: tag
        for tag in ThemeTag.objects.select_for_update().filter(
            theme=target, answer_id__in=[tag.answer_id for tag in source_tags]
        )
    }
    moved, replaced, dropped = [], [], []
    for tag in source_tags:
        existing = target_tags.get(tag.answer_id)
        if existing is None:
            moved.append(tag)
        elif tag.is_confirmed and not existing.is_confirmed:
            replaced.append(existing)
            moved.append(tag)
        else:
            dropped.append(tag)
    ThemeTag.objects.filter(pk__in=[tag.pk for tag in replaced]).delete()
    ThemeTag.objects.filter(pk__in=[tag.pk for tag in moved]).update(theme=target)
    detail = {
        "source": {"id": source.pk, "name": source.name, "description": source.description},
        "target": {"id": target.pk, "name": target.name},
        "tags_moved": len(moved),
        "duplicates_dropped": len(dropped),
        "unconfirmed_replaced": len(replaced),
    }
    source.delete()  # the duplicate tags left on it go with it
    audit(
        action="consultation.theme_merged",
        actor=user,
        request=request,
        obj=target,
        summary=f"Theme {detail['source']['name']} merged into {target.name}",
        detail=detail,
    )
    return target


def _check_taggable(answer: Answer, theme: Theme) -> None:
    if answer.response.consultation_id != theme.consultation_id:
        raise ValidationError("That theme belongs to another consultation")
    if not answer.text:
        raise ValidationError("Only free text answers can be tagged")
    if answer.response.moderation_state == ModerationState.PENDING:
        raise ValidationError("Responses are tagged after moderation")


@transaction.atomic
def answer_tag(*, answer: Answer, theme: Theme, user, request=None) -> ThemeTag:
    """A person tags an answer: they made it and, by doing so, confirmed it."""
    require_permission(user, ANALYSE_PERMISSION)
    _check_taggable(answer, theme)
    now = timezone.now()
    tag, created = ThemeTag.objects.get_or_create(
        answer=answer,
        theme=theme,
        defaults={"origin": Origin.PERSON, "created_by": user, "confirmed_by": user, "confirmed_at": now},
    )
    if not created and not tag.is_confirmed:
        tag.confirmed_by, tag.confirmed_at = user, now
        tag.save(update_fields=["confirmed_by", "confirmed_at"])
    ThemeTagRejection.objects.filter(answer=answer, theme=theme).delete()  # the analyst's own word wins
    audit(
        action="consultation.answer_tagged",
        actor=user,
        request=request,
        obj=tag,
        summary=f"Answer tagged {theme.name}",
        detail={"answer": answer.pk, "theme": theme.pk, "created": created},
    )
    return tag


@transaction.atomic
def tag_confirm(*, tag: ThemeTag, user, request=None) -> ThemeTag:
    require_permission(user, ANALYSE_PERMISSION)
    if not tag.is_confirmed:
        tag.confirmed_by, tag.confirmed_at = user, timezone.now()
        tag.save(update_fields=["confirmed_by", "confirmed_at"])
        audit(
            action="consultation.tag_confirmed", actor=user, request=request, obj=tag, summary="Tag confirmed"
        )
    return tag


@transaction.atomic
def tag_remove(*, tag: ThemeTag, user, request=None) -> None:
    """Remove a tag. Removing a suggestion nobody confirmed rejects it: the system will not suggest it again."""
    require_permission(user, ANALYSE_PERMISSION)
    detail = {"answer": tag.answer_id, "theme": tag.theme_id, "origin": tag.origin}
    if tag.origin == Origin.SYSTEM and not tag.is_confirmed:
        ThemeTagRejection.objects.get_or_create(
            answer_id=tag.answer_id, theme_id=tag.theme_id, defaults={"rejected_by": user}
        )
        detail["rejected"] = True
    tag.delete()
    audit(
        action="consultation.tag_removed",
        actor=user,
        request=request,
        object_type="consultation.themetag",
        summary="Tag removed",
        detail=detail,
    )
