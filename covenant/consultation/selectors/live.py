"""The consultation as the responding journey sees it, resolved once per publication and kept in the cache.

Every step of a response needs the same things: the consultation's title, address, dates and breadcrumbs, and its
questions in their pages. None of them changes per person, and none changes until an editor publishes, so they are
read from the database once and kept (`ConsultationSnapshot`, a plain picklable value) under a key made of the
page's id and its publication generation. Publishing, unpublishing, moving or deleting the page, saving it, or any
change to its questions bumps the generation (the receivers are connected in apps.py), so the next step builds the
snapshot again from the new revision; a snapshot being built while the generation moves is stored under the old
key and never read. The generation is bumped again when the transaction that made the change commits, so a
snapshot built by another request from the old rows while that transaction was open is never read either.
Only a consultation anyone may see is served: a page with a view restriction (a password, a login, groups), on
itself or an ancestor, is not live to the journey (404), and adding or removing a restriction forgets the
snapshots beneath it. Whether the consultation is open is worked out from the dates on every request, so it closes
on time without any invalidation.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from wagtail.models import Page

from cms import generations
from cms.models import page_breadcrumbs

from ..forms import FORM_RULES
from ..models.pages import ConsultationPage, lifecycle_at
from ..models.questions import Question
from ..vocabulary import Lifecycle
from .questions import question_sections, questions_for

GENERATION_KEY = "consultation:live:generation:{pk}"
# v2: `rules` added. `{forms}` names the forms' rules in code, so a deployment that changes them builds snapshots
# of its own (their `rules` digest includes them) instead of reading one another version built into the shared
# cache, whose digest would still honour marks made under the old rules.
SNAPSHOT_KEY = "consultation:live:v2:{forms}:{pk}:{generation}"
CACHE_SECONDS = 60 * 60 * 24


@dataclass(frozen=True)
class ConsultationSnapshot:
    """What the responding journey reads of a live consultation page. Quacks like the page where the journey's
    templates use it (`page.title`, `page.url`, `page.closes_at`, `page.status`, `page.is_open`)."""

    pk: int
    title: str
    url: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    concluded: bool
    revision: int
    generation: int  # of the cache key it was built under: names its rendered fragments (views/journey.py)
    rules: str  # what the journey's forms check answers against (`rules_of`): the same in every process
    breadcrumbs: tuple[tuple[str, str], ...]
    questions: tuple[Question, ...]
    sections: tuple[tuple[Question, ...], ...]

    @property
    def id(self) -> int:
        return self.pk

    @property
    def status(self) -> str:
        return lifecycle_at(
            timezone.now(), opens_at=self.opens_at, closes_at=self.closes_at, concluded=self.concluded
        )

    @property
    def status_label(self) -> str:
        return Lifecycle(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == Lifecycle.OPEN


_LOCAL = generations.LocalMemo(64)


def _generation(pk: int) -> int:
    return generations.generation(GENERATION_KEY.format(pk=pk))


def rules_of(revision: int, questions: list[Question]) -> str:
    """A digest of the publication's revision, every field of each of its questions, in order, and the forms' rules
    in code (`forms.FORM_RULES`): whatever a step's form checks an answer against (kind, options, required, length,
    prompts, numbering, the "About you" fields) changes it.

    It names the rules the journey's answers were checked under (views/journey.py `stamp`). Unlike the cache's
    generation it is worked out from the rows and the code alone, so every server process running the same code
    gives the same value for the same publication, with or without a shared cache, and a change that leaves the
    questions as they were keeps it."""
    digest = hashlib.blake2b(f"{revision}:{FORM_RULES}".encode(), digest_size=12)
    fields = [field.attname for field in Question._meta.concrete_fields]
    for question in questions:
        digest.update(repr([getattr(question, name) for name in fields]).encode())
    return digest.hexdigest()


@functools.cache
def _forms_key(form_rules: str) -> str:
    return hashlib.blake2b(form_rules.encode(), digest_size=6).hexdigest()


def _build(pk: int, generation: int) -> ConsultationSnapshot:
    # public(): no view restriction on the page or any ancestor, as public_consultations() reads them.
    page = ConsultationPage.objects.live().public().filter(pk=pk).first()
    if page is None:
        raise Http404("No such consultation")
    questions = questions_for(consultation=page)
    return ConsultationSnapshot(
        pk=page.pk,
        title=page.title,
        url=page.url,
        opens_at=page.opens_at,
        closes_at=page.closes_at,
        concluded=bool(page.outcome_published_at and page.outcome_summary),
        revision=page.live_revision_id or 0,
        generation=generation,
        rules=rules_of(page.live_revision_id or 0, questions),
        breadcrumbs=tuple(page_breadcrumbs(page)),
        questions=tuple(questions),
        sections=tuple(tuple(section) for section in question_sections(questions)),
    )


def consultation_live(*, pk: int) -> ConsultationSnapshot:
    """The live consultation `pk` as the journey reads it, from the cache when it can; 404 for anything else."""
    generation = _generation(pk)
    key = SNAPSHOT_KEY.format(forms=_forms_key(FORM_RULES), pk=pk, generation=generation)
    # Kept in this process as well, under the same generation and for at most a minute (cms/generations.py
    # LocalMemo): a step asks the shared cache for the generation only, not for the whole snapshot (and does not
    # unpickle it).
    snapshot = _LOCAL.get(key)
    if snapshot is not None:
        return snapshot
    snapshot = cache.get(key)
    if snapshot is None:
        snapshot = _build(pk, generation)
        cache.set(key, snapshot, CACHE_SECONDS)
    _LOCAL.put(key, snapshot)
    return snapshot


def fragment_key(snapshot: ConsultationSnapshot, name: str) -> str:
    """A cache key for HTML rendered from this snapshot alone (the same for everyone), forgotten with it."""
    return f"consultation:live:fragment:{snapshot.pk}:{snapshot.generation}:{snapshot.revision}:{name}"


def _bump(pk: int) -> None:
    generations.bump(GENERATION_KEY.format(pk=pk))


def consultation_forget(pk: int) -> None:
    """Make the next request build consultation `pk`'s snapshot afresh: now, and again once the transaction
    making the change commits (a snapshot built meanwhile from the old rows is then never read)."""
    _bump(pk)
    transaction.on_commit(lambda: _bump(pk))


# --- signal receivers (connected in apps.py) ------------------------------------------------------------------
def page_changed(sender, instance, **kwargs) -> None:
    if (
        isinstance(instance, ConsultationPage)
        or getattr(instance, "specific_class", None) is ConsultationPage
    ):
        consultation_forget(instance.pk)


def restriction_changed(sender, instance, **kwargs) -> None:
    """A view restriction added to, changed on or removed from a page: forget every consultation under it."""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:
        return
    for pk in ConsultationPage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True):
        consultation_forget(pk)


def question_changed(sender, instance, **kwargs) -> None:
    consultation_forget(instance.consultation_id)
