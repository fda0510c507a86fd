"""Publishing a consultation page's questions into the stable `Question` records that answers refer to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from cms.audit import audit

from ..models.questions import Question, QuestionDefinition

if TYPE_CHECKING:
    from ..models.pages import ConsultationPage


@transaction.atomic
def questions_sync(*, page: ConsultationPage, actor=None) -> list[Question]:
    """Publish the page's question definitions into stable `Question` records, matched by UUID.

    A question that has gone from the page is retired if anyone answered it, deleted otherwise."""
    definitions = list(QuestionDefinition.objects.filter(page=page).order_by("sort_order", "pk"))
    existing = {
        question.uuid: question for question in Question.objects.select_for_update().filter(consultation=page)
    }
    now = timezone.now()
    kept = []
    for position, definition in enumerate(definitions):
        question = existing.pop(definition.uuid, None) or Question(consultation=page, uuid=definition.uuid)
        question.sort_order = position
        question.section = definition.section
        question.text = definition.text
        question.help_text = definition.help_text
        if not question.pk or not question.answers.exists():
            question.kind = definition.kind
        question.options_text = definition.options
        question.max_length = definition.max_length
        question.why_prompt = definition.why_prompt
        question.required = definition.required
        question.retired_at = None
        question.save()
        kept.append(question)
    retired, deleted = [], []
    for question in existing.values():
        if question.answers.exists() or question.themes.exists():
            if question.retired_at is None:
                question.retired_at = now
                question.save(update_fields=["retired_at"])
                retired.append(str(question.uuid))
        else:
            deleted.append(str(question.uuid))
            question.delete()
    audit(
        action="consultation.questions_published",
        actor=actor,
        obj=page,
        summary=f"Questions published for {page.title}",
        detail={"questions": len(kept), "retired": retired, "deleted": deleted},
    )
    return kept


def questions_on_publish(sender, instance, revision=None, **kwargs) -> None:
    """Wagtail's `page_published` receiver (connected in apps.py): publishing is the moment a question's wording
    reaches the public form, so that is when it gets its stable record."""
    user = getattr(revision, "user", None) if revision is not None else None
    questions_sync(page=instance, actor=user)
