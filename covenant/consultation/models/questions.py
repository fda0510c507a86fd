"""Questions: as editors write them on the page (`QuestionDefinition`) and as answers refer to them (`Question`).

When the page is published, `questions_sync` copies each definition into a `Question` with the same UUID. A
`Question` is never deleted: one removed from the page is retired, so no answer is lost or misattributed.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from ..vocabulary import AGREE_SCALE_OPTIONS, QuestionKind


class QuestionDefinition(Orderable):
    """A question as editors write it in the page editor. Published into a `Question` with the same UUID."""

    page = ParentalKey("ConsultationPage", on_delete=models.CASCADE, related_name="question_definitions")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    section = models.CharField(
        max_length=120,
        blank=True,
        help_text="Questions with the same section heading share a page of the form",
    )
    text = models.CharField(max_length=500)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, default=QuestionKind.FREE_TEXT)
    options = models.TextField(
        blank=True, help_text="For single and multiple choice questions: one option per line"
    )
    max_length = models.PositiveIntegerField(
        default=2000, help_text="Character limit for free text answers and for the 'why' answer"
    )
    why_prompt = models.CharField(
        max_length=300,
        blank=True,
        help_text="Optional follow-up free text, for example 'Why do you say that?'",
    )
    required = models.BooleanField(default=False)

    panels = [
        FieldPanel("section"),
        FieldPanel("text"),
        FieldPanel("help_text"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("options"),
        FieldRowPanel([FieldPanel("max_length"), FieldPanel("why_prompt")]),
    ]

    def clean(self):
        choice_kinds = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
        if self.kind in choice_kinds and len(_option_lines(self.options)) < 2:
            raise ValidationError({"options": "Give at least two options, one per line"})
        if self.max_length is not None and not 1 <= self.max_length <= 10000:
            raise ValidationError({"max_length": "The character limit must be between 1 and 10,000"})
        answered = Question.objects.filter(uuid=self.uuid, answers__isnull=False).values_list(
            "kind", flat=True
        )
        kinds = set(answered)
        if kinds and self.kind not in kinds:
            # Reinterpreting existing answers under a new type would misattribute them.
            raise ValidationError(
                {
                    "kind": "This question already has answers, so its type cannot change. Add a new question instead"
                }
            )


def _option_lines(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            seen.setdefault(line[:200], None)
    return list(seen)


class Question(models.Model):
    """The stable identity of a question that answers refer to. Never deleted; retired when removed."""

    consultation = models.ForeignKey("ConsultationPage", on_delete=models.PROTECT, related_name="questions")
    uuid = models.UUIDField(default=uuid.uuid4)
    sort_order = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=120, blank=True)
    text = models.CharField(max_length=500)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, default=QuestionKind.FREE_TEXT)
    options_text = models.TextField(blank=True)
    max_length = models.PositiveIntegerField(default=2000)
    why_prompt = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "uuid"], name="question_unique_uuid_per_consultation"
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def number(self) -> int:
        return getattr(self, "_number", self.sort_order + 1)

    @property
    def options(self) -> list[str]:
        if self.kind == QuestionKind.AGREE_SCALE:
            return list(AGREE_SCALE_OPTIONS)
        if self.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            return _option_lines(self.options_text)
        return []

    @property
    def is_closed_question(self) -> bool:
        return self.kind != QuestionKind.FREE_TEXT

    @property
    def has_free_text(self) -> bool:
        return self.kind == QuestionKind.FREE_TEXT or bool(self.why_prompt)

    @property
    def field_name(self) -> str:
        return f"q-{self.uuid}"
